package io.yundoc.server.sheets;

import com.fasterxml.jackson.databind.JsonNode;
import io.yundoc.protocol.ErrorCode;
import io.yundoc.server.core.ApiException;
import io.yundoc.server.core.Json;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.Handle;

/**
 * One item of {@code ranges[]} in POST {@code ksheet/:ft/sheets/:sheet_idx/cells} (docs/api-families.md §F1.5),
 * validated before anything is written: {@code op_type} {@code formula}, {@code format}, {@code merge} or
 * {@code picture}, 0-based inclusive bounds, and at most 2,000 cells over all ranges.
 */
record CellWrite(String opType, SheetService.Range range, String formula, String numFormat, boolean merge, String url) {
    static final int MAX_TEXT = 32_767; // a spreadsheet cell's text limit

    static List<CellWrite> parse(JsonNode body) {
        JsonNode ranges = body.get("ranges");
        if (ranges == null || !ranges.isArray()) {
            throw ApiException.invalid("ranges must be an array");
        }
        if (ranges.isEmpty()) {
            throw ApiException.invalid("ranges is empty");
        }
        List<CellWrite> out = new ArrayList<>();
        long cells = 0;
        for (JsonNode r : ranges) {
            if (!r.isObject()) {
                throw ApiException.invalid("each range must be an object");
            }
            SheetService.Range range = SheetService.Range.of(
                    bound(r, "row_from"), bound(r, "row_to"), bound(r, "col_from"), bound(r, "col_to"));
            String op = Json.text(r, "op_type").orElseThrow(() -> ApiException.invalid("op_type is required"));
            CellWrite w = switch (op) {
                case "formula" -> {
                    String formula =
                            Json.text(r, "formula").orElseThrow(() -> ApiException.invalid("formula is required"));
                    if (formula.length() > MAX_TEXT) {
                        throw ApiException.invalid("formula longer than " + MAX_TEXT + " characters");
                    }
                    if (formula.startsWith("=")) {
                        try {
                            Formulas.parse(formula.substring(1));
                        } catch (Formulas.ParseError e) {
                            throw new ApiException(ErrorCode.EXECUTE_FAILED, "formula parse error");
                        }
                    }
                    yield new CellWrite(op, range, formula, null, false, null);
                }
                case "format" -> {
                    String fmt = Json.text(r, "num_format")
                            .or(() -> Json.text(r, "numfmt"))
                            .orElseThrow(() -> ApiException.invalid("num_format is required"));
                    if (fmt.length() > 255) {
                        throw ApiException.invalid("num_format longer than 255 characters");
                    }
                    yield new CellWrite(op, range, null, fmt, false, null);
                }
                case "merge" ->
                    new CellWrite(op, range, null, null, Json.bool(r, "merge").orElse(true), null);
                case "picture" -> {
                    String url = Json.text(r, "url").orElseThrow(() -> ApiException.invalid("url is required"));
                    if (url.length() > 2048 || !url.matches("(?i)https?://[^\\s]+")) {
                        throw ApiException.invalid("url must be an http(s) URL");
                    }
                    yield new CellWrite(op, range, null, null, false, url);
                }
                default -> throw ApiException.invalid("unknown op_type " + op);
            };
            cells += range.area();
            if (cells > SheetService.MAX_WRITE_CELLS) {
                throw ApiException.invalid("more than 2000 cells");
            }
            out.add(w);
        }
        return out;
    }

    private static long bound(JsonNode r, String name) {
        JsonNode n = r.get(name);
        if (n == null || n.isNull()) {
            throw ApiException.invalid(name + " is required");
        }
        if (!n.isIntegralNumber() || !n.canConvertToInt()) {
            // numbers only: "1" or 1.5 as a bound is a client bug worth reporting
            throw ApiException.invalid(name + " must be an integer");
        }
        return n.asLong();
    }

    void apply(Handle h, String fileId, long sheetId) {
        SheetService.Range r = range;
        switch (opType) {
            case "formula" -> {
                var existing =
                        index(SheetStore.cells(h, fileId, sheetId, r.rowFrom(), r.rowTo(), r.colFrom(), r.colTo()));
                for (int row = r.rowFrom(); row <= r.rowTo(); row++) {
                    for (int col = r.colFrom(); col <= r.colTo(); col++) {
                        SheetStore.CellRow old = existing.get(((long) row << 16) | col);
                        SheetStore.putCell(
                                h,
                                fileId,
                                sheetId,
                                new SheetStore.CellRow(
                                        row,
                                        col,
                                        formula.isEmpty() ? null : formula,
                                        old == null ? null : old.numFormat(),
                                        old == null ? null : old.picUrl()));
                    }
                }
            }
            case "format" -> {
                var existing =
                        index(SheetStore.cells(h, fileId, sheetId, r.rowFrom(), r.rowTo(), r.colFrom(), r.colTo()));
                for (int row = r.rowFrom(); row <= r.rowTo(); row++) {
                    for (int col = r.colFrom(); col <= r.colTo(); col++) {
                        SheetStore.CellRow old = existing.get(((long) row << 16) | col);
                        String fmt = numFormat.isEmpty() || numFormat.equalsIgnoreCase("General") ? null : numFormat;
                        SheetStore.putCell(
                                h,
                                fileId,
                                sheetId,
                                new SheetStore.CellRow(
                                        row,
                                        col,
                                        old == null ? null : old.formula(),
                                        fmt,
                                        old == null ? null : old.picUrl()));
                    }
                }
            }
            case "merge" -> merge(h, fileId, sheetId);
            case "picture" -> {
                var old = SheetStore.cells(h, fileId, sheetId, r.rowFrom(), r.rowFrom(), r.colFrom(), r.colFrom());
                SheetStore.CellRow o = old.isEmpty() ? null : old.get(0);
                SheetStore.putCell(
                        h,
                        fileId,
                        sheetId,
                        new SheetStore.CellRow(
                                r.rowFrom(),
                                r.colFrom(),
                                o == null ? null : o.formula(),
                                o == null ? null : o.numFormat(),
                                url));
            }
            default -> throw new IllegalStateException(opType);
        }
    }

    private static Map<Long, SheetStore.CellRow> index(List<SheetStore.CellRow> cells) {
        Map<Long, SheetStore.CellRow> m = new HashMap<>();
        for (SheetStore.CellRow c : cells) {
            m.put(((long) c.row() << 16) | c.col(), c);
        }
        return m;
    }

    /**
     * Merge: areas inside the rectangle are absorbed, one that partly overlaps it is 30011 (§F1.5); the other cells'
     * content goes, the top-left's stays. {@code merge: false} removes the merged areas that touch the rectangle.
     */
    private void merge(Handle h, String fileId, long sheetId) {
        SheetService.Range r = range;
        List<SheetStore.MergeRow> all = SheetStore.merges(h, fileId, sheetId);
        if (!merge) {
            for (SheetStore.MergeRow m : all) {
                if (m.intersects(r.rowFrom(), r.rowTo(), r.colFrom(), r.colTo())) {
                    SheetStore.deleteMerge(h, fileId, sheetId, m);
                }
            }
            return;
        }
        if (r.area() == 1) {
            return; // one cell is already "merged"
        }
        for (SheetStore.MergeRow m : all) {
            if (m.intersects(r.rowFrom(), r.rowTo(), r.colFrom(), r.colTo())) {
                if (!m.within(r.rowFrom(), r.rowTo(), r.colFrom(), r.colTo())) {
                    throw new ApiException(ErrorCode.EXECUTE_FAILED, "merge overlaps an existing merged area");
                }
                SheetStore.deleteMerge(h, fileId, sheetId, m);
            }
        }
        for (SheetStore.CellRow c :
                SheetStore.cells(h, fileId, sheetId, r.rowFrom(), r.rowTo(), r.colFrom(), r.colTo())) {
            if (c.row() != r.rowFrom() || c.col() != r.colFrom()) {
                SheetStore.putCell(h, fileId, sheetId, new SheetStore.CellRow(c.row(), c.col(), null, null, null));
            }
        }
        SheetStore.insertMerge(
                h, fileId, sheetId, new SheetStore.MergeRow(r.rowFrom(), r.rowTo(), r.colFrom(), r.colTo()));
    }
}
