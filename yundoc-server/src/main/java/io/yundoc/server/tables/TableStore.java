package io.yundoc.server.tables;

import io.yundoc.server.records.SqlRecordStore;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.jdbi.v3.core.Handle;

/**
 * The light-table rows: {@code dbt_documents}, {@code dbt_sheets}, {@code dbt_fields}, {@code dbt_views},
 * {@code dbt_records} (V9, V12). The SQL shared with a ksheet's data tables is {@link SqlRecordStore}'s; what is
 * the light tables' own lives here: the document row (lock, table ids), the blank table, copy and purge.
 */
final class TableStore extends SqlRecordStore {
    static final TableStore INSTANCE = new TableStore();

    private TableStore() {
        super(Family.DBT);
    }

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

    /** Removes the document's tables, fields, views, records and its document row: the file is gone for good. */
    static void forget(Handle h, String fileId) {
        INSTANCE.deleteDocumentRows(h, fileId);
        h.createUpdate("DELETE FROM dbt_documents WHERE file_id = :f")
                .bind("f", fileId)
                .execute();
    }

    @Override
    public void lockDocument(Handle h, String fileId) {
        h.createUpdate("UPDATE dbt_documents SET next_sheet_id = next_sheet_id WHERE file_id = :f")
                .bind("f", fileId)
                .execute();
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
    public void deleteTable(Handle h, String fileId, int sheetId) {
        deleteTableRows(h, fileId, sheetId);
    }
}
