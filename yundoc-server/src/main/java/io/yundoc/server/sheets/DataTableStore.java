package io.yundoc.server.sheets;

import io.yundoc.server.records.SqlRecordStore;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.jdbi.v3.core.Handle;

/**
 * The rows of the data tables inside a {@code .ksheet} (docs/api-families.md §F1.6): {@code ksheet_sheets} rows of
 * kind {@code db}, {@code ksheet_fields}, {@code ksheet_views}, {@code ksheet_records} (V8, V12). The SQL shared
 * with light tables is {@link SqlRecordStore}'s; what is the ksheet's own lives here: table ids come from the
 * document's sheet ids (its grid sheets share them, so the first data table of a blank ksheet is 2), names and
 * counts include grid sheets, and the document lock is {@link SheetStore}'s.
 */
final class DataTableStore extends SqlRecordStore {
    static final DataTableStore INSTANCE = new DataTableStore();

    private DataTableStore() {
        super(Family.KSHEET);
    }

    /** The blank grid sheet on a document's first write, then its {@code ksheet_docs} row held (SheetStore). */
    @Override
    public void lockDocument(Handle h, String fileId) {
        SheetStore.lockForWrite(h, fileId);
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
    public void deleteTable(Handle h, String fileId, int sheetId) {
        SheetStore.sheets(h, fileId).stream()
                .filter(s -> s.sheetId() == sheetId)
                .findFirst()
                .ifPresent(s -> SheetStore.deleteSheet(h, fileId, s));
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
}
