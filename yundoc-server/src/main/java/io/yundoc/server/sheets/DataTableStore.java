package io.yundoc.server.sheets;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.yundoc.server.core.Json;
import io.yundoc.server.records.RecordStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.jdbi.v3.core.Handle;

/**
 * The rows of the data tables inside a {@code .ksheet} (docs/api-families.md §F1.6): {@code ksheet_sheets} rows of
 * kind {@code db}, {@code ksheet_fields}, {@code ksheet_views}, {@code ksheet_records} (V8, V12), as the
 * {@link RecordStore} of the shared data-table rules. Table ids come from the document's sheet ids (its grid sheets
 * share them), so the first data table of a blank ksheet is 2.
 */
final class DataTableStore implements RecordStore {
    static final DataTableStore INSTANCE = new DataTableStore();

    private DataTableStore() {}

    /** The blank grid sheet on a document's first write, then its {@code ksheet_docs} row held (SheetStore). */
    @Override
    public void lockDocument(Handle h, String fileId) {
        SheetStore.lockForWrite(h, fileId);
    }

    @Override
    public List<Table> tables(Handle h, String fileId) {
        return h.createQuery(
                        "SELECT sheet_id, name, sheet_idx, primary_field_id FROM ksheet_sheets WHERE file_id = :f AND kind = 'db' "
                                + "ORDER BY sheet_idx")
                .bind("f", fileId)
                .map((rs, ctx) -> new Table(rs.getInt(1), rs.getString(2), rs.getInt(3), rs.getString(4)))
                .list();
    }

    @Override
    public Set<String> sheetNames(Handle h, String fileId) {
        Set<String> out = new HashSet<>();
        SheetStore.sheets(h, fileId).forEach(s -> out.add(s.name()));
        return out;
    }

    @Override
    public int sheetCount(Handle h, String fileId) {
        return SheetStore.sheets(h, fileId).size();
    }

    /** A data table; a grid sheet's id names none. */
    @Override
    public Optional<Table> table(Handle h, String fileId, int sheetId) {
        return h.createQuery(
                        "SELECT sheet_id, name, sheet_idx, primary_field_id FROM ksheet_sheets WHERE file_id = :f AND sheet_id = :s "
                                + "AND kind = 'db'")
                .bind("f", fileId)
                .bind("s", sheetId)
                .map((rs, ctx) -> new Table(rs.getInt(1), rs.getString(2), rs.getInt(3), rs.getString(4)))
                .findOne();
    }

    @Override
    public int insertTable(Handle h, String fileId, String name) {
        long id = SheetStore.allocateSheetId(h, fileId);
        int idx = SheetStore.sheets(h, fileId).size();
        h.createUpdate(
                        "INSERT INTO ksheet_sheets (file_id, sheet_id, sheet_idx, name, kind, primary_field_id, next_seq, next_field, "
                                + "next_view, next_record) VALUES (:f, :s, :idx, :n, 'db', NULL, 1, 2, 2, 1)")
                .bind("f", fileId)
                .bind("s", id)
                .bind("idx", idx)
                .bind("n", name)
                .execute();
        return Math.toIntExact(id);
    }

    @Override
    public void setPrimaryField(Handle h, String fileId, int sheetId, String fieldId) {
        h.createUpdate("UPDATE ksheet_sheets SET primary_field_id = :pf WHERE file_id = :f AND sheet_id = :s")
                .bind("pf", fieldId)
                .bind("f", fileId)
                .bind("s", sheetId)
                .execute();
    }

    @Override
    public void deleteTable(Handle h, String fileId, int sheetId) {
        SheetStore.sheets(h, fileId).stream()
                .filter(s -> s.sheetId() == sheetId)
                .findFirst()
                .ifPresent(s -> SheetStore.deleteSheet(h, fileId, s));
    }

    @Override
    public long takeCounter(Handle h, String fileId, int sheetId, Counter counter, int count) {
        String column = switch (counter) {
            case FIELD -> "next_field";
            case VIEW -> "next_view";
            case RECORD -> "next_record";
        };
        h.createUpdate("UPDATE ksheet_sheets SET " + column + " = " + column
                        + " + :n WHERE file_id = :f AND sheet_id = :s")
                .bind("n", count)
                .bind("f", fileId)
                .bind("s", sheetId)
                .execute();
        return h.createQuery("SELECT " + column + " FROM ksheet_sheets WHERE file_id = :f AND sheet_id = :s")
                        .bind("f", fileId)
                        .bind("s", sheetId)
                        .mapTo(Long.class)
                        .one()
                - count;
    }

    @Override
    public List<Field> fields(Handle h, String fileId, int sheetId) {
        return h.createQuery("SELECT field_id, name, type, items, link_sheet, link_field, pos FROM ksheet_fields "
                        + "WHERE file_id = :f AND sheet_id = :s ORDER BY pos, field_id")
                .bind("f", fileId)
                .bind("s", sheetId)
                .map((rs, ctx) -> {
                    int link = rs.getInt(5);
                    Integer linkSheet = rs.wasNull() ? null : link;
                    return new Field(
                            rs.getString(1),
                            rs.getString(2),
                            rs.getString(3),
                            items(rs.getString(4)),
                            linkSheet,
                            rs.getString(6),
                            rs.getInt(7));
                })
                .list();
    }

    private static List<Item> items(String json) {
        List<Item> out = new ArrayList<>();
        if (json != null) {
            for (JsonNode n : tree(json)) {
                out.add(new Item(n.path("id").asText(), n.path("value").asText()));
            }
        }
        return out;
    }

    @Override
    public void insertField(Handle h, String fileId, int sheetId, Field f) {
        h.createUpdate(
                        "INSERT INTO ksheet_fields (file_id, sheet_id, field_id, pos, name, type, items, link_sheet, link_field) "
                                + "VALUES (:f, :s, :id, :pos, :name, :type, :items, :l, :lf)")
                .bind("f", fileId)
                .bind("s", sheetId)
                .bind("id", f.fieldId())
                .bind("pos", f.position())
                .bind("name", f.name())
                .bind("type", f.type())
                .bind("items", f.items().isEmpty() ? null : Json.writeString(f.items()))
                .bind("l", f.linkSheet())
                .bind("lf", f.linkField())
                .execute();
    }

    @Override
    public void deleteField(Handle h, String fileId, int sheetId, String fieldId) {
        h.createUpdate("DELETE FROM ksheet_fields WHERE file_id = :f AND sheet_id = :s AND field_id = :id")
                .bind("f", fileId)
                .bind("s", sheetId)
                .bind("id", fieldId)
                .execute();
    }

    @Override
    public void setLinkField(Handle h, String fileId, int sheetId, String fieldId, String linkField) {
        h.createUpdate(
                        "UPDATE ksheet_fields SET link_field = :lf WHERE file_id = :f AND sheet_id = :s AND field_id = :id")
                .bind("lf", linkField)
                .bind("f", fileId)
                .bind("s", sheetId)
                .bind("id", fieldId)
                .execute();
    }

    @Override
    public List<View> views(Handle h, String fileId, int sheetId) {
        return h.createQuery(
                        "SELECT view_id, name, type, pos, filter_json, sort_json FROM ksheet_views WHERE file_id = :f AND sheet_id = :s "
                                + "ORDER BY pos, view_id")
                .bind("f", fileId)
                .bind("s", sheetId)
                .map((rs, ctx) -> new View(
                        rs.getString(1),
                        rs.getString(2),
                        rs.getString(3),
                        rs.getInt(4),
                        treeOrNull(rs.getString(5)),
                        treeOrNull(rs.getString(6))))
                .list();
    }

    @Override
    public void insertView(Handle h, String fileId, int sheetId, View v) {
        h.createUpdate("INSERT INTO ksheet_views (file_id, sheet_id, view_id, pos, name, type, filter_json, sort_json) "
                        + "VALUES (:f, :s, :id, :pos, :name, :type, :fj, :sj)")
                .bind("f", fileId)
                .bind("s", sheetId)
                .bind("id", v.viewId())
                .bind("pos", v.position())
                .bind("name", v.name())
                .bind("type", v.type())
                .bind("fj", v.filter() == null ? null : v.filter().toString())
                .bind("sj", v.sort() == null ? null : v.sort().toString())
                .execute();
    }

    @Override
    public void deleteView(Handle h, String fileId, int sheetId, String viewId) {
        h.createUpdate("DELETE FROM ksheet_views WHERE file_id = :f AND sheet_id = :s AND view_id = :id")
                .bind("f", fileId)
                .bind("s", sheetId)
                .bind("id", viewId)
                .execute();
    }

    @Override
    public Optional<Row> record(Handle h, String fileId, int sheetId, String recordId) {
        return h.createQuery(
                        "SELECT record_id, seq, fields FROM ksheet_records WHERE file_id = :f AND sheet_id = :s AND record_id = :id")
                .bind("f", fileId)
                .bind("s", sheetId)
                .bind("id", recordId)
                .map((rs, ctx) -> new Row(rs.getString(1), rs.getLong(2), (ObjectNode) tree(rs.getString(3))))
                .findOne();
    }

    @Override
    public List<Row> records(Handle h, String fileId, int sheetId, long fromSeq, int limit) {
        return h.createQuery(
                        "SELECT record_id, seq, fields FROM ksheet_records WHERE file_id = :f AND sheet_id = :s AND seq >= :q "
                                + "ORDER BY seq LIMIT :n")
                .bind("f", fileId)
                .bind("s", sheetId)
                .bind("q", fromSeq)
                .bind("n", limit)
                .map((rs, ctx) -> new Row(rs.getString(1), rs.getLong(2), (ObjectNode) tree(rs.getString(3))))
                .list();
    }

    @Override
    public Set<String> existingRecordIds(Handle h, String fileId, int sheetId, Collection<String> ids) {
        if (ids.isEmpty()) {
            return Set.of();
        }
        return new LinkedHashSet<>(
                h.createQuery("SELECT record_id FROM ksheet_records WHERE file_id = :f AND sheet_id = :s "
                                + "AND record_id IN (<ids>)")
                        .bind("f", fileId)
                        .bind("s", sheetId)
                        .bindList("ids", new ArrayList<>(ids))
                        .mapTo(String.class)
                        .list());
    }

    @Override
    public void insertRecord(Handle h, String fileId, int sheetId, Row r) {
        h.createUpdate(
                        "INSERT INTO ksheet_records (file_id, sheet_id, record_id, seq, fields) VALUES (:f, :s, :id, :seq, :fields)")
                .bind("f", fileId)
                .bind("s", sheetId)
                .bind("id", r.recordId())
                .bind("seq", r.seq())
                .bind("fields", r.fields().toString())
                .execute();
    }

    @Override
    public void updateRecord(Handle h, String fileId, int sheetId, Row r) {
        h.createUpdate(
                        "UPDATE ksheet_records SET fields = :fields WHERE file_id = :f AND sheet_id = :s AND record_id = :id")
                .bind("f", fileId)
                .bind("s", sheetId)
                .bind("id", r.recordId())
                .bind("fields", r.fields().toString())
                .execute();
    }

    @Override
    public void deleteRecord(Handle h, String fileId, int sheetId, String recordId) {
        h.createUpdate("DELETE FROM ksheet_records WHERE file_id = :f AND sheet_id = :s AND record_id = :id")
                .bind("f", fileId)
                .bind("s", sheetId)
                .bind("id", recordId)
                .execute();
    }

    @Override
    public void touch(Handle h, String fileId, long now) {
        h.createUpdate("UPDATE files SET mtime = :t WHERE file_id = :f AND mtime < :t")
                .bind("t", now)
                .bind("f", fileId)
                .execute();
    }

    /**
     * Copies a ksheet's whole content (grid sheets, cells, merges and data tables with their records and counters) to
     * {@code toFileId}, a new file of the copy route. A ksheet never written to has no rows: the copy is blank too.
     */
    static void copyDocument(Handle h, String fromFileId, String toFileId) {
        List<String> statements = List.of(
                "INSERT INTO ksheet_docs (file_id, next_sheet_id) SELECT :to, next_sheet_id FROM ksheet_docs WHERE file_id = :from",
                "INSERT INTO ksheet_sheets (file_id, sheet_id, sheet_idx, name, kind, primary_field_id, next_seq, next_field, next_view, "
                        + "next_record) SELECT :to, sheet_id, sheet_idx, name, kind, primary_field_id, next_seq, next_field, next_view, "
                        + "next_record FROM ksheet_sheets WHERE file_id = :from",
                "INSERT INTO ksheet_cells (file_id, sheet_id, row_idx, col_idx, formula, num_format, pic_url) "
                        + "SELECT :to, sheet_id, row_idx, col_idx, formula, num_format, pic_url FROM ksheet_cells WHERE file_id = :from",
                "INSERT INTO ksheet_merges (file_id, sheet_id, row_from, row_to, col_from, col_to) "
                        + "SELECT :to, sheet_id, row_from, row_to, col_from, col_to FROM ksheet_merges WHERE file_id = :from",
                "INSERT INTO ksheet_fields (file_id, sheet_id, field_id, pos, name, type, items, link_sheet, link_field) "
                        + "SELECT :to, sheet_id, field_id, pos, name, type, items, link_sheet, link_field FROM ksheet_fields WHERE file_id = :from",
                "INSERT INTO ksheet_views (file_id, sheet_id, view_id, pos, name, type, filter_json, sort_json) "
                        + "SELECT :to, sheet_id, view_id, pos, name, type, filter_json, sort_json FROM ksheet_views WHERE file_id = :from",
                "INSERT INTO ksheet_records (file_id, sheet_id, record_id, seq, fields) "
                        + "SELECT :to, sheet_id, record_id, seq, fields FROM ksheet_records WHERE file_id = :from");
        for (String sql : statements) {
            h.createUpdate(sql).bind("to", toFileId).bind("from", fromFileId).execute();
        }
    }

    private static JsonNode tree(String json) {
        try {
            return Json.MAPPER.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static JsonNode treeOrNull(String json) {
        return json == null ? null : tree(json);
    }
}
