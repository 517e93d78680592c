package io.yundoc.server.sheets;

import java.util.List;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * The {@code ksheet_*} tables (V8__sheets.sql): a {@code .ksheet}'s sheets, grid cells and merged areas (the rows
 * of its data tables are {@link DataTableStore}'s). Callers run the write methods inside one transaction that began with {@link #lockForWrite}.
 */
final class SheetStore {
    /** The grid sheet every blank {@code .ksheet} starts with (docs/api-families.md §F1.1). */
    static final SheetRow BLANK_SHEET = new SheetRow(1, 0, "Sheet1", SheetRow.GRID, null, 1);

    record SheetRow(long sheetId, int idx, String name, String kind, String primaryFieldId, long nextSeq) {
        static final String GRID = "grid";
        static final String DB = "db";

        boolean grid() {
            return GRID.equals(kind);
        }
    }

    record CellRow(int row, int col, String formula, String numFormat, String picUrl) {
        boolean empty() {
            return (formula == null || formula.isEmpty()) && picUrl == null;
        }
    }

    record MergeRow(int rowFrom, int rowTo, int colFrom, int colTo) {
        boolean intersects(int r1, int r2, int c1, int c2) {
            return rowFrom <= r2 && rowTo >= r1 && colFrom <= c2 && colTo >= c1;
        }

        boolean within(int r1, int r2, int c1, int c2) {
            return rowFrom >= r1 && rowTo <= r2 && colFrom >= c1 && colTo <= c2;
        }
    }

    private final Jdbi jdbi;

    SheetStore(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    Jdbi jdbi() {
        return jdbi;
    }

    /** The document's sheets in tab order; a document never written to has {@link #BLANK_SHEET} alone. */
    static List<SheetRow> sheets(Handle h, String fileId) {
        List<SheetRow> rows = h.createQuery(
                        "SELECT sheet_id, sheet_idx, name, kind, primary_field_id, next_seq FROM ksheet_sheets "
                                + "WHERE file_id = :f ORDER BY sheet_idx")
                .bind("f", fileId)
                .map((rs, ctx) -> new SheetRow(
                        rs.getLong(1), rs.getInt(2), rs.getString(3), rs.getString(4), rs.getString(5), rs.getLong(6)))
                .list();
        if (rows.isEmpty() && !materialised(h, fileId)) {
            return List.of(BLANK_SHEET);
        }
        return rows;
    }

    private static boolean materialised(Handle h, String fileId) {
        return h.createQuery("SELECT COUNT(*) FROM ksheet_docs WHERE file_id = :f")
                        .bind("f", fileId)
                        .mapTo(Integer.class)
                        .one()
                > 0;
    }

    /**
     * Starts a write: creates the document's rows on its first write (the blank grid sheet), then locks its
     * {@code ksheet_docs} row (a no-op UPDATE: a row lock on PostgreSQL, the write lock on SQLite) so concurrent
     * writes to one document run one after another.
     */
    static void lockForWrite(Handle h, String fileId) {
        int created = h.createUpdate(
                        "INSERT INTO ksheet_docs (file_id, next_sheet_id) VALUES (:f, 2) ON CONFLICT (file_id) DO NOTHING")
                .bind("f", fileId)
                .execute();
        if (created == 1) {
            insertSheet(h, fileId, BLANK_SHEET);
        }
        h.createUpdate("UPDATE ksheet_docs SET next_sheet_id = next_sheet_id WHERE file_id = :f")
                .bind("f", fileId)
                .execute();
    }

    static long allocateSheetId(Handle h, String fileId) {
        long id = h.createQuery("SELECT next_sheet_id FROM ksheet_docs WHERE file_id = :f")
                .bind("f", fileId)
                .mapTo(Long.class)
                .one();
        h.createUpdate("UPDATE ksheet_docs SET next_sheet_id = :n WHERE file_id = :f")
                .bind("n", id + 1)
                .bind("f", fileId)
                .execute();
        return id;
    }

    static void insertSheet(Handle h, String fileId, SheetRow s) {
        h.createUpdate(
                        "INSERT INTO ksheet_sheets (file_id, sheet_id, sheet_idx, name, kind, primary_field_id, next_seq) "
                                + "VALUES (:f, :id, :idx, :name, :kind, :pf, :seq)")
                .bind("f", fileId)
                .bind("id", s.sheetId())
                .bind("idx", s.idx())
                .bind("name", s.name())
                .bind("kind", s.kind())
                .bind("pf", s.primaryFieldId())
                .bind("seq", s.nextSeq())
                .execute();
    }

    /** Removes a sheet and everything in it, and closes the gap in the tab order. */
    static void deleteSheet(Handle h, String fileId, SheetRow s) {
        for (String table : new String[] {
            "ksheet_sheets", "ksheet_cells", "ksheet_merges", "ksheet_fields", "ksheet_views", "ksheet_records"
        }) {
            h.createUpdate("DELETE FROM " + table + " WHERE file_id = :f AND sheet_id = :s")
                    .bind("f", fileId)
                    .bind("s", s.sheetId())
                    .execute();
        }
        h.createUpdate("UPDATE ksheet_sheets SET sheet_idx = sheet_idx - 1 WHERE file_id = :f AND sheet_idx > :i")
                .bind("f", fileId)
                .bind("i", s.idx())
                .execute();
    }

    // ---- grid cells

    static List<CellRow> cells(Handle h, String fileId, long sheetId, int r1, int r2, int c1, int c2) {
        return h.createQuery(
                        "SELECT row_idx, col_idx, formula, num_format, pic_url FROM ksheet_cells WHERE file_id = :f AND sheet_id = :s "
                                + "AND row_idx BETWEEN :r1 AND :r2 AND col_idx BETWEEN :c1 AND :c2 ORDER BY row_idx, col_idx")
                .bind("f", fileId)
                .bind("s", sheetId)
                .bind("r1", r1)
                .bind("r2", r2)
                .bind("c1", c1)
                .bind("c2", c2)
                .map((rs, ctx) ->
                        new CellRow(rs.getInt(1), rs.getInt(2), rs.getString(3), rs.getString(4), rs.getString(5)))
                .list();
    }

    /** {@code [rowFrom, rowTo, colFrom, colTo]} of the non-empty cells, {@code 0,-1,0,-1} when there are none. */
    static int[] usedRange(Handle h, String fileId, long sheetId) {
        return h.createQuery(
                        "SELECT MIN(row_idx), MAX(row_idx), MIN(col_idx), MAX(col_idx) FROM ksheet_cells "
                                + "WHERE file_id = :f AND sheet_id = :s AND ((formula IS NOT NULL AND formula <> '') OR pic_url IS NOT NULL)")
                .bind("f", fileId)
                .bind("s", sheetId)
                .map((rs, ctx) -> rs.getObject(1) == null
                        ? new int[] {0, -1, 0, -1}
                        : new int[] {rs.getInt(1), rs.getInt(2), rs.getInt(3), rs.getInt(4)})
                .one();
    }

    static void putCell(Handle h, String fileId, long sheetId, CellRow c) {
        if (c.empty() && c.numFormat() == null) {
            h.createUpdate(
                            "DELETE FROM ksheet_cells WHERE file_id = :f AND sheet_id = :s AND row_idx = :r AND col_idx = :c")
                    .bind("f", fileId)
                    .bind("s", sheetId)
                    .bind("r", c.row())
                    .bind("c", c.col())
                    .execute();
            return;
        }
        h.createUpdate(
                        "INSERT INTO ksheet_cells (file_id, sheet_id, row_idx, col_idx, formula, num_format, pic_url) "
                                + "VALUES (:f, :s, :r, :c, :formula, :fmt, :pic) ON CONFLICT (file_id, sheet_id, row_idx, col_idx) "
                                + "DO UPDATE SET formula = excluded.formula, num_format = excluded.num_format, pic_url = excluded.pic_url")
                .bind("f", fileId)
                .bind("s", sheetId)
                .bind("r", c.row())
                .bind("c", c.col())
                .bind("formula", c.formula())
                .bind("fmt", c.numFormat())
                .bind("pic", c.picUrl())
                .execute();
    }

    static List<MergeRow> merges(Handle h, String fileId, long sheetId) {
        return h.createQuery(
                        "SELECT row_from, row_to, col_from, col_to FROM ksheet_merges WHERE file_id = :f AND sheet_id = :s "
                                + "ORDER BY row_from, col_from")
                .bind("f", fileId)
                .bind("s", sheetId)
                .map((rs, ctx) -> new MergeRow(rs.getInt(1), rs.getInt(2), rs.getInt(3), rs.getInt(4)))
                .list();
    }

    static void insertMerge(Handle h, String fileId, long sheetId, MergeRow m) {
        h.createUpdate(
                        "INSERT INTO ksheet_merges (file_id, sheet_id, row_from, row_to, col_from, col_to) VALUES (:f, :s, :r1, :r2, :c1, :c2)")
                .bind("f", fileId)
                .bind("s", sheetId)
                .bind("r1", m.rowFrom())
                .bind("r2", m.rowTo())
                .bind("c1", m.colFrom())
                .bind("c2", m.colTo())
                .execute();
    }

    static void deleteMerge(Handle h, String fileId, long sheetId, MergeRow m) {
        h.createUpdate(
                        "DELETE FROM ksheet_merges WHERE file_id = :f AND sheet_id = :s AND row_from = :r AND col_from = :c")
                .bind("f", fileId)
                .bind("s", sheetId)
                .bind("r", m.rowFrom())
                .bind("c", m.colFrom())
                .execute();
    }

    /** Removes a document's ksheet content (grid cells, merges, data tables): the file is gone for good. */
    static void forget(Handle h, String fileId) {
        for (String table : List.of(
                "ksheet_cells",
                "ksheet_merges",
                "ksheet_fields",
                "ksheet_views",
                "ksheet_records",
                "ksheet_sheets",
                "ksheet_docs")) {
            h.createUpdate("DELETE FROM " + table + " WHERE file_id = :f")
                    .bind("f", fileId)
                    .execute();
        }
    }
}
