package io.yundoc.server.tables;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.yundoc.server.core.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;

/** The light-table rows: {@code dbt_documents}, {@code dbt_sheets}, {@code dbt_fields}, {@code dbt_views}, {@code dbt_records}. */
final class TableStore {
    private TableStore() {
    }

    /** A data table (数据表). The counters are the next value of each id kind. */
    record Sheet(String fileId, int sheetId, String name, int position, String primaryFieldId, long nextField,
                 long nextView, long nextRecord) {
    }

    /** One option of a select field. */
    record Item(String id, String value) {
    }

    record Field(String fieldId, String name, String type, List<Item> items, Integer linkSheet, int position) {
        Optional<Item> itemByValue(String v) {
            return items.stream().filter(i -> i.value().equals(v)).findFirst();
        }

        Optional<Item> itemById(String id) {
            return items.stream().filter(i -> i.id().equals(id)).findFirst();
        }
    }

    record View(String viewId, String name, String type, int position) {
    }

    /** A record as stored: values keyed by field id. */
    record Row(String recordId, long seq, ObjectNode fields) {
    }

    /** Creates the document's row if missing; true when this call created it (then the blank table is due). */
    static boolean insertDocument(Handle h, String fileId, int nextSheetId) {
        return h.createUpdate("INSERT INTO dbt_documents (file_id, next_sheet_id) VALUES (:f, :n) ON CONFLICT (file_id) DO NOTHING")
                .bind("f", fileId).bind("n", nextSheetId).execute() == 1;
    }

    static boolean documentExists(Handle h, String fileId) {
        return h.createQuery("SELECT 1 FROM dbt_documents WHERE file_id = :f").bind("f", fileId).mapTo(Integer.class).findOne().isPresent();
    }

    /** Takes the next table id; the update also holds the document's row until the transaction ends (PostgreSQL). */
    static int takeSheetId(Handle h, String fileId) {
        h.createUpdate("UPDATE dbt_documents SET next_sheet_id = next_sheet_id + 1 WHERE file_id = :f").bind("f", fileId).execute();
        return h.createQuery("SELECT next_sheet_id - 1 FROM dbt_documents WHERE file_id = :f").bind("f", fileId)
                .mapTo(Integer.class).one();
    }

    /** Holds the document's row until the transaction ends, so document-wide checks (last table, names) stay true. */
    static void lockDocument(Handle h, String fileId) {
        h.createUpdate("UPDATE dbt_documents SET next_sheet_id = next_sheet_id WHERE file_id = :f").bind("f", fileId).execute();
    }

    static void insertSheet(Handle h, Sheet s) {
        h.createUpdate("INSERT INTO dbt_sheets (file_id, sheet_id, name, position, primary_field_id, next_field, next_view, "
                        + "next_record) VALUES (:f, :s, :n, :p, :pf, :nf, :nv, :nr)")
                .bind("f", s.fileId()).bind("s", s.sheetId()).bind("n", s.name()).bind("p", s.position())
                .bind("pf", s.primaryFieldId()).bind("nf", s.nextField()).bind("nv", s.nextView()).bind("nr", s.nextRecord())
                .execute();
    }

    private static final String SHEET_COLUMNS = "file_id, sheet_id, name, position, primary_field_id, next_field, next_view, next_record";

    static List<Sheet> sheets(Handle h, String fileId) {
        return h.createQuery("SELECT " + SHEET_COLUMNS + " FROM dbt_sheets WHERE file_id = :f ORDER BY position, sheet_id")
                .bind("f", fileId).map((rs, ctx) -> new Sheet(rs.getString(1), rs.getInt(2), rs.getString(3), rs.getInt(4),
                        rs.getString(5), rs.getLong(6), rs.getLong(7), rs.getLong(8))).list();
    }

    static Optional<Sheet> sheet(Handle h, String fileId, int sheetId) {
        return h.createQuery("SELECT " + SHEET_COLUMNS + " FROM dbt_sheets WHERE file_id = :f AND sheet_id = :s")
                .bind("f", fileId).bind("s", sheetId).map((rs, ctx) -> new Sheet(rs.getString(1), rs.getInt(2), rs.getString(3),
                        rs.getInt(4), rs.getString(5), rs.getLong(6), rs.getLong(7), rs.getLong(8))).findOne();
    }

    /**
     * Holds the table's row until the transaction ends (PostgreSQL row lock; SQLite's write lock is already held), so
     * its counters and checks cannot race another write to the same table. Returns the table as it is now.
     */
    static Optional<Sheet> lockSheet(Handle h, String fileId, int sheetId) {
        int n = h.createUpdate("UPDATE dbt_sheets SET next_record = next_record WHERE file_id = :f AND sheet_id = :s")
                .bind("f", fileId).bind("s", sheetId).execute();
        return n == 0 ? Optional.empty() : sheet(h, fileId, sheetId);
    }

    static void updateCounters(Handle h, Sheet s) {
        h.createUpdate("UPDATE dbt_sheets SET next_field = :nf, next_view = :nv, next_record = :nr WHERE file_id = :f AND sheet_id = :s")
                .bind("nf", s.nextField()).bind("nv", s.nextView()).bind("nr", s.nextRecord())
                .bind("f", s.fileId()).bind("s", s.sheetId()).execute();
    }

    static void deleteSheet(Handle h, String fileId, int sheetId) {
        for (String table : List.of("dbt_sheets", "dbt_fields", "dbt_views", "dbt_records")) {
            h.createUpdate("DELETE FROM " + table + " WHERE file_id = :f AND sheet_id = :s").bind("f", fileId).bind("s", sheetId).execute();
        }
    }

    static void insertField(Handle h, String fileId, int sheetId, Field f) {
        h.createUpdate("INSERT INTO dbt_fields (file_id, sheet_id, field_id, name, type, items, link_sheet, position) "
                        + "VALUES (:f, :s, :id, :n, :t, :i, :l, :p)")
                .bind("f", fileId).bind("s", sheetId).bind("id", f.fieldId()).bind("n", f.name()).bind("t", f.type())
                .bind("i", f.items().isEmpty() ? null : Json.writeString(f.items()))
                .bind("l", f.linkSheet()).bind("p", f.position()).execute();
    }

    static List<Field> fields(Handle h, String fileId, int sheetId) {
        return h.createQuery("SELECT field_id, name, type, items, link_sheet, position FROM dbt_fields "
                        + "WHERE file_id = :f AND sheet_id = :s ORDER BY position, field_id")
                .bind("f", fileId).bind("s", sheetId).map((rs, ctx) -> {
                    int link = rs.getInt(5);
                    Integer linkSheet = rs.wasNull() ? null : link;
                    return new Field(rs.getString(1), rs.getString(2), rs.getString(3), items(rs.getString(4)), linkSheet,
                            rs.getInt(6));
                }).list();
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

    static void deleteField(Handle h, String fileId, int sheetId, String fieldId) {
        h.createUpdate("DELETE FROM dbt_fields WHERE file_id = :f AND sheet_id = :s AND field_id = :id")
                .bind("f", fileId).bind("s", sheetId).bind("id", fieldId).execute();
    }

    static void insertView(Handle h, String fileId, int sheetId, View v) {
        h.createUpdate("INSERT INTO dbt_views (file_id, sheet_id, view_id, name, type, position) VALUES (:f, :s, :id, :n, :t, :p)")
                .bind("f", fileId).bind("s", sheetId).bind("id", v.viewId()).bind("n", v.name()).bind("t", v.type())
                .bind("p", v.position()).execute();
    }

    static List<View> views(Handle h, String fileId, int sheetId) {
        return h.createQuery("SELECT view_id, name, type, position FROM dbt_views WHERE file_id = :f AND sheet_id = :s "
                        + "ORDER BY position, view_id")
                .bind("f", fileId).bind("s", sheetId)
                .map((rs, ctx) -> new View(rs.getString(1), rs.getString(2), rs.getString(3), rs.getInt(4))).list();
    }

    static void deleteView(Handle h, String fileId, int sheetId, String viewId) {
        h.createUpdate("DELETE FROM dbt_views WHERE file_id = :f AND sheet_id = :s AND view_id = :id")
                .bind("f", fileId).bind("s", sheetId).bind("id", viewId).execute();
    }

    static void insertRecord(Handle h, String fileId, int sheetId, Row r) {
        h.createUpdate("INSERT INTO dbt_records (file_id, sheet_id, record_id, seq, fields) VALUES (:f, :s, :id, :q, :v)")
                .bind("f", fileId).bind("s", sheetId).bind("id", r.recordId()).bind("q", r.seq())
                .bind("v", r.fields().toString()).execute();
    }

    static void updateRecord(Handle h, String fileId, int sheetId, Row r) {
        h.createUpdate("UPDATE dbt_records SET fields = :v WHERE file_id = :f AND sheet_id = :s AND record_id = :id")
                .bind("f", fileId).bind("s", sheetId).bind("id", r.recordId()).bind("v", r.fields().toString()).execute();
    }

    static void deleteRecord(Handle h, String fileId, int sheetId, String recordId) {
        h.createUpdate("DELETE FROM dbt_records WHERE file_id = :f AND sheet_id = :s AND record_id = :id")
                .bind("f", fileId).bind("s", sheetId).bind("id", recordId).execute();
    }

    static Optional<Row> record(Handle h, String fileId, int sheetId, String recordId) {
        return h.createQuery("SELECT record_id, seq, fields FROM dbt_records WHERE file_id = :f AND sheet_id = :s AND record_id = :id")
                .bind("f", fileId).bind("s", sheetId).bind("id", recordId)
                .map((rs, ctx) -> new Row(rs.getString(1), rs.getLong(2), (ObjectNode) tree(rs.getString(3)))).findOne();
    }

    /** Records from position {@code fromSeq} on, in order, at most {@code limit}. */
    static List<Row> records(Handle h, String fileId, int sheetId, long fromSeq, int limit) {
        return h.createQuery("SELECT record_id, seq, fields FROM dbt_records WHERE file_id = :f AND sheet_id = :s AND seq >= :q "
                        + "ORDER BY seq LIMIT :n")
                .bind("f", fileId).bind("s", sheetId).bind("q", fromSeq).bind("n", limit)
                .map((rs, ctx) -> new Row(rs.getString(1), rs.getLong(2), (ObjectNode) tree(rs.getString(3)))).list();
    }

    /** Which of {@code ids} are records of the table. */
    static java.util.Set<String> existingRecordIds(Handle h, String fileId, int sheetId, java.util.Collection<String> ids) {
        if (ids.isEmpty()) {
            return java.util.Set.of();
        }
        return new java.util.HashSet<>(h.createQuery("SELECT record_id FROM dbt_records WHERE file_id = :f AND sheet_id = :s "
                        + "AND record_id IN (<ids>)")
                .bind("f", fileId).bind("s", sheetId).bindList("ids", new ArrayList<>(ids)).mapTo(String.class).list());
    }

    private static JsonNode tree(String json) {
        try {
            return Json.MAPPER.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A content change is a change to the file: its {@code mtime} moves (docs/api.md §5.1). */
    static void touchFile(Handle h, String fileId, long now) {
        h.createUpdate("UPDATE files SET mtime = :t WHERE file_id = :f AND mtime < :t").bind("t", now).bind("f", fileId).execute();
    }
}
