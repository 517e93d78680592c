package io.yundoc.server.tables;

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
 * The light-table rows: {@code dbt_documents}, {@code dbt_sheets}, {@code dbt_fields}, {@code dbt_views},
 * {@code dbt_records} (V9, V12), as the {@link RecordStore} of the shared data-table rules.
 */
final class TableStore implements RecordStore {
    static final TableStore INSTANCE = new TableStore();

    private static final String SHEET_COLUMNS = "sheet_id, name, position, primary_field_id";

    private TableStore() {}

    /** Creates the document's row if missing; true when this call created it (then the blank table is due). */
    static boolean insertDocument(Handle h, String fileId, int nextSheetId) {
        return h.createUpdate(
                                "INSERT INTO dbt_documents (file_id, next_sheet_id) VALUES (:f, :n) ON CONFLICT (file_id) DO NOTHING")
                        .bind("f", fileId)
                        .bind("n", nextSheetId)
                        .execute()
                == 1;
    }

    static boolean documentExists(Handle h, String fileId) {
        return h.createQuery("SELECT 1 FROM dbt_documents WHERE file_id = :f")
                .bind("f", fileId)
                .mapTo(Integer.class)
                .findOne()
                .isPresent();
    }

    /** The blank table of docs/api-families.md §F2.1: table 1 "数据表", primary field B "名称", grid view B. */
    static void insertBlankTable(Handle h, String fileId) {
        h.createUpdate(
                        "INSERT INTO dbt_sheets (file_id, sheet_id, name, position, primary_field_id, next_field, next_view, next_record) "
                                + "VALUES (:f, 1, '数据表', 0, 'B', 3, 3, 1)")
                .bind("f", fileId)
                .execute();
        INSTANCE.insertField(h, fileId, 1, new Field("B", "名称", "MultiLineText", List.of(), null, null, 0));
        INSTANCE.insertView(h, fileId, 1, new View("B", "表格视图", "grid", 0, null, null));
    }

    /**
     * Copies every table of a document, with its fields, views, records and counters, to {@code toFileId} (a new
     * file of the copy route); subscriptions are not copied.
     */
    static void copyDocument(Handle h, String fromFileId, String toFileId) {
        List<String> statements = List.of(
                "INSERT INTO dbt_documents (file_id, next_sheet_id) SELECT :to, next_sheet_id FROM dbt_documents WHERE file_id = :from",
                "INSERT INTO dbt_sheets (file_id, sheet_id, name, position, primary_field_id, next_field, next_view, next_record) "
                        + "SELECT :to, sheet_id, name, position, primary_field_id, next_field, next_view, next_record FROM dbt_sheets WHERE file_id = :from",
                "INSERT INTO dbt_fields (file_id, sheet_id, field_id, name, type, items, link_sheet, link_field, position) "
                        + "SELECT :to, sheet_id, field_id, name, type, items, link_sheet, link_field, position FROM dbt_fields WHERE file_id = :from",
                "INSERT INTO dbt_views (file_id, sheet_id, view_id, name, type, position, filter_json, sort_json) "
                        + "SELECT :to, sheet_id, view_id, name, type, position, filter_json, sort_json FROM dbt_views WHERE file_id = :from",
                "INSERT INTO dbt_records (file_id, sheet_id, record_id, seq, fields) "
                        + "SELECT :to, sheet_id, record_id, seq, fields FROM dbt_records WHERE file_id = :from");
        for (String sql : statements) {
            h.createUpdate(sql).bind("to", toFileId).bind("from", fromFileId).execute();
        }
    }

    @Override
    public void lockDocument(Handle h, String fileId) {
        h.createUpdate("UPDATE dbt_documents SET next_sheet_id = next_sheet_id WHERE file_id = :f")
                .bind("f", fileId)
                .execute();
    }

    @Override
    public List<Table> tables(Handle h, String fileId) {
        return h.createQuery(
                        "SELECT " + SHEET_COLUMNS + " FROM dbt_sheets WHERE file_id = :f ORDER BY position, sheet_id")
                .bind("f", fileId)
                .map((rs, ctx) -> new Table(rs.getInt(1), rs.getString(2), rs.getInt(3), rs.getString(4)))
                .list();
    }

    @Override
    public Set<String> sheetNames(Handle h, String fileId) {
        return new HashSet<>(h.createQuery("SELECT name FROM dbt_sheets WHERE file_id = :f")
                .bind("f", fileId)
                .mapTo(String.class)
                .list());
    }

    @Override
    public int sheetCount(Handle h, String fileId) {
        return h.createQuery("SELECT COUNT(*) FROM dbt_sheets WHERE file_id = :f")
                .bind("f", fileId)
                .mapTo(Integer.class)
                .one();
    }

    @Override
    public Optional<Table> table(Handle h, String fileId, int sheetId) {
        return h.createQuery("SELECT " + SHEET_COLUMNS + " FROM dbt_sheets WHERE file_id = :f AND sheet_id = :s")
                .bind("f", fileId)
                .bind("s", sheetId)
                .map((rs, ctx) -> new Table(rs.getInt(1), rs.getString(2), rs.getInt(3), rs.getString(4)))
                .findOne();
    }

    /** Table ids are 1, 2, 3 … per document, never reused; field and view ids start at B, records at A (§F2.1). */
    @Override
    public int insertTable(Handle h, String fileId, String name) {
        h.createUpdate("UPDATE dbt_documents SET next_sheet_id = next_sheet_id + 1 WHERE file_id = :f")
                .bind("f", fileId)
                .execute();
        int id = h.createQuery("SELECT next_sheet_id - 1 FROM dbt_documents WHERE file_id = :f")
                .bind("f", fileId)
                .mapTo(Integer.class)
                .one();
        int position = h.createQuery("SELECT COALESCE(MAX(position), -1) + 1 FROM dbt_sheets WHERE file_id = :f")
                .bind("f", fileId)
                .mapTo(Integer.class)
                .one();
        h.createUpdate(
                        "INSERT INTO dbt_sheets (file_id, sheet_id, name, position, primary_field_id, next_field, next_view, next_record) "
                                + "VALUES (:f, :s, :n, :p, '', 2, 2, 1)")
                .bind("f", fileId)
                .bind("s", id)
                .bind("n", name)
                .bind("p", position)
                .execute();
        return id;
    }

    @Override
    public void setPrimaryField(Handle h, String fileId, int sheetId, String fieldId) {
        h.createUpdate("UPDATE dbt_sheets SET primary_field_id = :pf WHERE file_id = :f AND sheet_id = :s")
                .bind("pf", fieldId)
                .bind("f", fileId)
                .bind("s", sheetId)
                .execute();
    }

    @Override
    public void deleteTable(Handle h, String fileId, int sheetId) {
        for (String table : List.of("dbt_sheets", "dbt_fields", "dbt_views", "dbt_records")) {
            h.createUpdate("DELETE FROM " + table + " WHERE file_id = :f AND sheet_id = :s")
                    .bind("f", fileId)
                    .bind("s", sheetId)
                    .execute();
        }
    }

    @Override
    public long takeCounter(Handle h, String fileId, int sheetId, Counter counter, int count) {
        String column = switch (counter) {
            case FIELD -> "next_field";
            case VIEW -> "next_view";
            case RECORD -> "next_record";
        };
        h.createUpdate("UPDATE dbt_sheets SET " + column + " = " + column
                        + " + :n WHERE file_id = :f AND sheet_id = :s")
                .bind("n", count)
                .bind("f", fileId)
                .bind("s", sheetId)
                .execute();
        return h.createQuery("SELECT " + column + " FROM dbt_sheets WHERE file_id = :f AND sheet_id = :s")
                        .bind("f", fileId)
                        .bind("s", sheetId)
                        .mapTo(Long.class)
                        .one()
                - count;
    }

    @Override
    public void insertField(Handle h, String fileId, int sheetId, Field f) {
        h.createUpdate(
                        "INSERT INTO dbt_fields (file_id, sheet_id, field_id, name, type, items, link_sheet, link_field, position) "
                                + "VALUES (:f, :s, :id, :n, :t, :i, :l, :lf, :p)")
                .bind("f", fileId)
                .bind("s", sheetId)
                .bind("id", f.fieldId())
                .bind("n", f.name())
                .bind("t", f.type())
                .bind("i", f.items().isEmpty() ? null : Json.writeString(f.items()))
                .bind("l", f.linkSheet())
                .bind("lf", f.linkField())
                .bind("p", f.position())
                .execute();
    }

    @Override
    public List<Field> fields(Handle h, String fileId, int sheetId) {
        return h.createQuery("SELECT field_id, name, type, items, link_sheet, link_field, position FROM dbt_fields "
                        + "WHERE file_id = :f AND sheet_id = :s ORDER BY position, field_id")
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

    static List<Item> items(String json) {
        if (json == null) {
            return List.of();
        }
        List<Item> out = new ArrayList<>();
        for (JsonNode n : tree(json)) {
            out.add(new Item(n.path("id").asText(), n.path("value").asText()));
        }
        return out;
    }

    @Override
    public void deleteField(Handle h, String fileId, int sheetId, String fieldId) {
        h.createUpdate("DELETE FROM dbt_fields WHERE file_id = :f AND sheet_id = :s AND field_id = :id")
                .bind("f", fileId)
                .bind("s", sheetId)
                .bind("id", fieldId)
                .execute();
    }

    @Override
    public void setLinkField(Handle h, String fileId, int sheetId, String fieldId, String linkField) {
        h.createUpdate("UPDATE dbt_fields SET link_field = :lf WHERE file_id = :f AND sheet_id = :s AND field_id = :id")
                .bind("lf", linkField)
                .bind("f", fileId)
                .bind("s", sheetId)
                .bind("id", fieldId)
                .execute();
    }

    @Override
    public void insertView(Handle h, String fileId, int sheetId, View v) {
        h.createUpdate(
                        "INSERT INTO dbt_views (file_id, sheet_id, view_id, name, type, position, filter_json, sort_json) "
                                + "VALUES (:f, :s, :id, :n, :t, :p, :fj, :sj)")
                .bind("f", fileId)
                .bind("s", sheetId)
                .bind("id", v.viewId())
                .bind("n", v.name())
                .bind("t", v.type())
                .bind("p", v.position())
                .bind("fj", v.filter() == null ? null : v.filter().toString())
                .bind("sj", v.sort() == null ? null : v.sort().toString())
                .execute();
    }

    @Override
    public List<View> views(Handle h, String fileId, int sheetId) {
        return h.createQuery("SELECT view_id, name, type, position, filter_json, sort_json FROM dbt_views "
                        + "WHERE file_id = :f AND sheet_id = :s ORDER BY position, view_id")
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
    public void deleteView(Handle h, String fileId, int sheetId, String viewId) {
        h.createUpdate("DELETE FROM dbt_views WHERE file_id = :f AND sheet_id = :s AND view_id = :id")
                .bind("f", fileId)
                .bind("s", sheetId)
                .bind("id", viewId)
                .execute();
    }

    @Override
    public void insertRecord(Handle h, String fileId, int sheetId, Row r) {
        h.createUpdate(
                        "INSERT INTO dbt_records (file_id, sheet_id, record_id, seq, fields) VALUES (:f, :s, :id, :q, :v)")
                .bind("f", fileId)
                .bind("s", sheetId)
                .bind("id", r.recordId())
                .bind("q", r.seq())
                .bind("v", r.fields().toString())
                .execute();
    }

    @Override
    public void updateRecord(Handle h, String fileId, int sheetId, Row r) {
        h.createUpdate("UPDATE dbt_records SET fields = :v WHERE file_id = :f AND sheet_id = :s AND record_id = :id")
                .bind("f", fileId)
                .bind("s", sheetId)
                .bind("id", r.recordId())
                .bind("v", r.fields().toString())
                .execute();
    }

    @Override
    public void deleteRecord(Handle h, String fileId, int sheetId, String recordId) {
        h.createUpdate("DELETE FROM dbt_records WHERE file_id = :f AND sheet_id = :s AND record_id = :id")
                .bind("f", fileId)
                .bind("s", sheetId)
                .bind("id", recordId)
                .execute();
    }

    @Override
    public Optional<Row> record(Handle h, String fileId, int sheetId, String recordId) {
        return h.createQuery(
                        "SELECT record_id, seq, fields FROM dbt_records WHERE file_id = :f AND sheet_id = :s AND record_id = :id")
                .bind("f", fileId)
                .bind("s", sheetId)
                .bind("id", recordId)
                .map((rs, ctx) -> new Row(rs.getString(1), rs.getLong(2), (ObjectNode) tree(rs.getString(3))))
                .findOne();
    }

    @Override
    public List<Row> records(Handle h, String fileId, int sheetId, long fromSeq, int limit) {
        return h.createQuery(
                        "SELECT record_id, seq, fields FROM dbt_records WHERE file_id = :f AND sheet_id = :s AND seq >= :q "
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
                h.createQuery("SELECT record_id FROM dbt_records WHERE file_id = :f AND sheet_id = :s "
                                + "AND record_id IN (<ids>)")
                        .bind("f", fileId)
                        .bind("s", sheetId)
                        .bindList("ids", new ArrayList<>(ids))
                        .mapTo(String.class)
                        .list());
    }

    static JsonNode tree(String json) {
        try {
            return Json.MAPPER.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static JsonNode treeOrNull(String json) {
        return json == null ? null : tree(json);
    }

    @Override
    public void touch(Handle h, String fileId, long now) {
        touchFile(h, fileId, now);
    }

    /** A content change is a change to the file: its {@code mtime} moves (docs/api.md §5.1). */
    static void touchFile(Handle h, String fileId, long now) {
        h.createUpdate("UPDATE files SET mtime = :t WHERE file_id = :f AND mtime < :t")
                .bind("t", now)
                .bind("f", fileId)
                .execute();
    }
}
