package io.yundoc.server.records;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.yundoc.server.core.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.jdbi.v3.core.Handle;

/**
 * The SQL of {@link RecordStore} over one family's rows: {@code dbt_*} (V9, V12) or {@code ksheet_*} (V8, V12), which
 * have the same shape. What differs between the families (a document's lock, how a table is added or removed, the
 * names a new table must avoid) stays in the thin per-package subclasses ({@code tables.TableStore}, {@code
 * sheets.DataTableStore}). Table and column names come only from {@link Family}, never from input.
 */
public abstract class SqlRecordStore implements RecordStore {
    /** The two families' table and column names: the only names this class puts into SQL. */
    public enum Family {
        /** Light tables: every {@code dbt_sheets} row is a data table; order column {@code position}. */
        DBT("dbt_sheets", "position", "", "dbt_fields", "dbt_views", "dbt_records", "position"),
        /** A ksheet's data tables: {@code ksheet_sheets} rows of kind {@code db} (grid sheets share the ids). */
        KSHEET(
                "ksheet_sheets",
                "sheet_idx",
                " AND kind = 'db'",
                "ksheet_fields",
                "ksheet_views",
                "ksheet_records",
                "pos");

        final String sheets;
        final String sheetPosition;
        final String tableKind;
        final String fields;
        final String views;
        final String records;
        final String position;

        Family(
                String sheets,
                String sheetPosition,
                String tableKind,
                String fields,
                String views,
                String records,
                String position) {
            this.sheets = sheets;
            this.sheetPosition = sheetPosition;
            this.tableKind = tableKind;
            this.fields = fields;
            this.views = views;
            this.records = records;
            this.position = position;
        }
    }

    private final Family family;
    private final String sheetColumns;

    protected SqlRecordStore(Family family) {
        this.family = family;
        this.sheetColumns = "sheet_id, name, " + family.sheetPosition + ", primary_field_id";
    }

    @Override
    public List<Table> tables(Handle h, String fileId) {
        return h.createQuery("SELECT " + sheetColumns + " FROM " + family.sheets + " WHERE file_id = :f"
                        + family.tableKind + " ORDER BY " + family.sheetPosition + ", sheet_id")
                .bind("f", fileId)
                .map((rs, ctx) -> new Table(rs.getInt(1), rs.getString(2), rs.getInt(3), rs.getString(4)))
                .list();
    }

    /** A data table; in a ksheet, a grid sheet's id names none. */
    @Override
    public Optional<Table> table(Handle h, String fileId, int sheetId) {
        return h.createQuery("SELECT " + sheetColumns + " FROM " + family.sheets
                        + " WHERE file_id = :f AND sheet_id = :s" + family.tableKind)
                .bind("f", fileId)
                .bind("s", sheetId)
                .map((rs, ctx) -> new Table(rs.getInt(1), rs.getString(2), rs.getInt(3), rs.getString(4)))
                .findOne();
    }

    @Override
    public void setPrimaryField(Handle h, String fileId, int sheetId, String fieldId) {
        h.createUpdate("UPDATE " + family.sheets + " SET primary_field_id = :pf WHERE file_id = :f AND sheet_id = :s")
                .bind("pf", fieldId)
                .bind("f", fileId)
                .bind("s", sheetId)
                .execute();
    }

    @Override
    public long takeCounter(Handle h, String fileId, int sheetId, Counter counter, int count) {
        String column = switch (counter) {
            case FIELD -> "next_field";
            case VIEW -> "next_view";
            case RECORD -> "next_record";
        };
        h.createUpdate("UPDATE " + family.sheets + " SET " + column + " = " + column
                        + " + :n WHERE file_id = :f AND sheet_id = :s")
                .bind("n", count)
                .bind("f", fileId)
                .bind("s", sheetId)
                .execute();
        return h.createQuery("SELECT " + column + " FROM " + family.sheets + " WHERE file_id = :f AND sheet_id = :s")
                        .bind("f", fileId)
                        .bind("s", sheetId)
                        .mapTo(Long.class)
                        .one()
                - count;
    }

    @Override
    public List<Field> fields(Handle h, String fileId, int sheetId) {
        return h.createQuery("SELECT field_id, name, type, items, link_sheet, link_field, " + family.position
                        + " FROM " + family.fields + " WHERE file_id = :f AND sheet_id = :s ORDER BY "
                        + family.position + ", field_id")
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
    public void insertField(Handle h, String fileId, int sheetId, Field f) {
        h.createUpdate("INSERT INTO " + family.fields
                        + " (file_id, sheet_id, field_id, name, type, items, link_sheet, link_field, " + family.position
                        + ") VALUES (:f, :s, :id, :n, :t, :i, :l, :lf, :p)")
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
    public void deleteField(Handle h, String fileId, int sheetId, String fieldId) {
        h.createUpdate("DELETE FROM " + family.fields + " WHERE file_id = :f AND sheet_id = :s AND field_id = :id")
                .bind("f", fileId)
                .bind("s", sheetId)
                .bind("id", fieldId)
                .execute();
    }

    @Override
    public void setLinkField(Handle h, String fileId, int sheetId, String fieldId, String linkField) {
        h.createUpdate("UPDATE " + family.fields
                        + " SET link_field = :lf WHERE file_id = :f AND sheet_id = :s AND field_id = :id")
                .bind("lf", linkField)
                .bind("f", fileId)
                .bind("s", sheetId)
                .bind("id", fieldId)
                .execute();
    }

    @Override
    public List<View> views(Handle h, String fileId, int sheetId) {
        return h.createQuery("SELECT view_id, name, type, " + family.position + ", filter_json, sort_json FROM "
                        + family.views + " WHERE file_id = :f AND sheet_id = :s ORDER BY " + family.position
                        + ", view_id")
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
        h.createUpdate("INSERT INTO " + family.views + " (file_id, sheet_id, view_id, name, type, " + family.position
                        + ", filter_json, sort_json) VALUES (:f, :s, :id, :n, :t, :p, :fj, :sj)")
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
    public void deleteView(Handle h, String fileId, int sheetId, String viewId) {
        h.createUpdate("DELETE FROM " + family.views + " WHERE file_id = :f AND sheet_id = :s AND view_id = :id")
                .bind("f", fileId)
                .bind("s", sheetId)
                .bind("id", viewId)
                .execute();
    }

    @Override
    public Optional<Row> record(Handle h, String fileId, int sheetId, String recordId) {
        return h.createQuery("SELECT record_id, seq, fields FROM " + family.records
                        + " WHERE file_id = :f AND sheet_id = :s AND record_id = :id")
                .bind("f", fileId)
                .bind("s", sheetId)
                .bind("id", recordId)
                .map((rs, ctx) -> new Row(rs.getString(1), rs.getLong(2), (ObjectNode) tree(rs.getString(3))))
                .findOne();
    }

    @Override
    public List<Row> records(Handle h, String fileId, int sheetId, long fromSeq, int limit) {
        return h.createQuery("SELECT record_id, seq, fields FROM " + family.records
                        + " WHERE file_id = :f AND sheet_id = :s AND seq >= :q ORDER BY seq LIMIT :n")
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
        return new LinkedHashSet<>(h.createQuery("SELECT record_id FROM " + family.records
                        + " WHERE file_id = :f AND sheet_id = :s AND record_id IN (<ids>)")
                .bind("f", fileId)
                .bind("s", sheetId)
                .bindList("ids", new ArrayList<>(ids))
                .mapTo(String.class)
                .list());
    }

    @Override
    public void insertRecord(Handle h, String fileId, int sheetId, Row r) {
        h.createUpdate("INSERT INTO " + family.records
                        + " (file_id, sheet_id, record_id, seq, fields) VALUES (:f, :s, :id, :q, :v)")
                .bind("f", fileId)
                .bind("s", sheetId)
                .bind("id", r.recordId())
                .bind("q", r.seq())
                .bind("v", r.fields().toString())
                .execute();
    }

    @Override
    public void updateRecord(Handle h, String fileId, int sheetId, Row r) {
        h.createUpdate("UPDATE " + family.records
                        + " SET fields = :v WHERE file_id = :f AND sheet_id = :s AND record_id = :id")
                .bind("f", fileId)
                .bind("s", sheetId)
                .bind("id", r.recordId())
                .bind("v", r.fields().toString())
                .execute();
    }

    @Override
    public void deleteRecord(Handle h, String fileId, int sheetId, String recordId) {
        h.createUpdate("DELETE FROM " + family.records + " WHERE file_id = :f AND sheet_id = :s AND record_id = :id")
                .bind("f", fileId)
                .bind("s", sheetId)
                .bind("id", recordId)
                .execute();
    }

    /** Removes a table's fields, views and records, then its row in the sheets table. */
    protected final void deleteTableRows(Handle h, String fileId, long sheetId) {
        for (String table : List.of(family.fields, family.views, family.records, family.sheets)) {
            h.createUpdate("DELETE FROM " + table + " WHERE file_id = :f AND sheet_id = :s")
                    .bind("f", fileId)
                    .bind("s", sheetId)
                    .execute();
        }
    }

    /**
     * Removes every data table of a document with its fields, views and records (the file is gone for good); in a
     * ksheet, grid sheets' rows in the sheets table too: the caller removes the rest of the document.
     */
    protected final void deleteDocumentRows(Handle h, String fileId) {
        for (String table : List.of(family.fields, family.views, family.records, family.sheets)) {
            h.createUpdate("DELETE FROM " + table + " WHERE file_id = :f")
                    .bind("f", fileId)
                    .execute();
        }
    }

    /** A content change moves the file's {@code mtime} (docs/api.md §5.1). */
    @Override
    public void touch(Handle h, String fileId, long now) {
        h.createUpdate("UPDATE files SET mtime = :t WHERE file_id = :f AND mtime < :t")
                .bind("t", now)
                .bind("f", fileId)
                .execute();
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
