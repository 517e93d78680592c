package io.yundoc.client;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Spreadsheets (docs/api-families.md §F1) with the user's access token: read {@code .xlsx} workbooks ({@code et}),
 * read and write {@code .ksheet} grid sheets, and the data tables inside a {@code .ksheet}. Obtain it from
 * {@link YundocClient#sheets()}.
 *
 * <pre>{@code
 * List<Sheets.SheetInfo> tabs = client.sheets().sheets(fileToken);           // et or ksheet, by extension
 * List<Sheets.Cell> cells = client.sheets().cells(fileToken, 0, Sheets.Range.of(0, 99, 0, 9));
 * client.sheets().write(ksheetToken, 0, Sheets.CellWrites.builder()
 *         .formula(Sheets.Range.cell(0, 0), "Total").formula(Sheets.Range.cell(0, 1), "=SUM(B2:B10)").build());
 * }</pre>
 */
public final class Sheets {
    private static final String API = "/api/v1/openapi/";
    private final Transport t;

    Sheets(Transport t) {
        this.t = t;
    }

    /** Which route family a document belongs to: {@code et} for .xlsx/.xls, {@code ksheet} for .ksheet. */
    public enum Family {
        ET("et"),
        KSHEET("ksheet");

        final String path;

        Family(String path) {
            this.path = path;
        }
    }

    /**
     * A sheet: {@code sheetType} {@code grid} (cells) or {@code db} (a ksheet data table, no used range). The used
     * range is 0-based and inclusive, {@code 0,-1,0,-1} when the sheet is empty.
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record SheetInfo(
            @JsonProperty("sheet_id") long sheetId,
            @JsonProperty("sheet_idx") int sheetIdx,
            @JsonProperty("sheet_name") String sheetName,
            @JsonProperty("sheet_type") String sheetType,
            @JsonProperty("is_visible") boolean visible,
            @JsonProperty("row_from") Integer rowFrom,
            @JsonProperty("row_to") Integer rowTo,
            @JsonProperty("col_from") Integer colFrom,
            @JsonProperty("col_to") Integer colTo) {
        /** True for a grid sheet with no cells, or a data table. */
        public boolean empty() {
            return rowTo == null || rowTo < 0;
        }
    }

    /** A non-empty cell, or a merged area with its full extent; {@code formula} is what was entered. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Cell(
            @JsonProperty("row_from") int rowFrom,
            @JsonProperty("row_to") int rowTo,
            @JsonProperty("col_from") int colFrom,
            @JsonProperty("col_to") int colTo,
            @JsonProperty("cell_text") String text,
            @JsonProperty("formula") String formula,
            @JsonProperty("num_format") String numFormat,
            @JsonProperty("pic_key") String picKey,
            @JsonProperty("pic_url") String picUrl) {
        /** True when the cell is a merged area. */
        public boolean merged() {
            return rowTo > rowFrom || colTo > colFrom;
        }
    }

    /** A 0-based inclusive rectangle of cells. */
    public record Range(int rowFrom, int rowTo, int colFrom, int colTo) {
        public Range {
            if (rowFrom < 0 || colFrom < 0 || rowTo < rowFrom || colTo < colFrom) {
                throw new IllegalArgumentException(
                        "bad range " + rowFrom + ".." + rowTo + " x " + colFrom + ".." + colTo);
            }
        }

        public static Range of(int rowFrom, int rowTo, int colFrom, int colTo) {
            return new Range(rowFrom, rowTo, colFrom, colTo);
        }

        /** One cell. */
        public static Range cell(int row, int col) {
            return new Range(row, row, col, col);
        }

        /** Number of cells. */
        public long area() {
            return (long) (rowTo - rowFrom + 1) * (colTo - colFrom + 1);
        }
    }

    /** The {@code ranges[]} of one write (§F1.5), applied in order, all or nothing; at most 2,000 cells. */
    public static final class CellWrites {
        private final ArrayNode ranges;

        private CellWrites(ArrayNode ranges) {
            this.ranges = ranges;
        }

        public static Builder builder() {
            return new Builder();
        }

        /** Number of ranges. */
        public int size() {
            return ranges.size();
        }

        public static final class Builder {
            private final ArrayNode ranges = Transport.JSON.createArrayNode();

            private ObjectNode item(String op, Range r) {
                Objects.requireNonNull(r, "range");
                return ranges.addObject()
                        .put("op_type", op)
                        .put("row_from", r.rowFrom())
                        .put("row_to", r.rowTo())
                        .put("col_from", r.colFrom())
                        .put("col_to", r.colTo());
            }

            /** Every cell of {@code r} gets {@code formula}: {@code =…} a formula, anything else a literal, "" clears. */
            public Builder formula(Range r, String formula) {
                item("formula", r).put("formula", Objects.requireNonNull(formula, "formula"));
                return this;
            }

            /** Sets the number format of {@code r} (e.g. {@code #,##0.00}). */
            public Builder numFormat(Range r, String numFormat) {
                item("format", r).put("num_format", Objects.requireNonNull(numFormat, "numFormat"));
                return this;
            }

            /** Merges {@code r} (the top-left value stays). */
            public Builder merge(Range r) {
                item("merge", r);
                return this;
            }

            /** Removes the merged areas that touch {@code r}. */
            public Builder unmerge(Range r) {
                item("merge", r).put("merge", false);
                return this;
            }

            /** Puts the picture at {@code url} into the top-left cell of {@code r}. */
            public Builder picture(Range r, String url) {
                item("picture", r).put("url", Objects.requireNonNull(url, "url"));
                return this;
            }

            public CellWrites build() {
                if (ranges.isEmpty()) {
                    throw new IllegalStateException("no ranges to write");
                }
                return new CellWrites(ranges.deepCopy());
            }
        }
    }

    /** The family of a document, from its name's extension. */
    public static Family family(String fileName) {
        String n = fileName.toLowerCase(Locale.ROOT);
        if (n.endsWith(".ksheet")) {
            return Family.KSHEET;
        }
        if (n.endsWith(".xlsx") || n.endsWith(".xls")) {
            return Family.ET;
        }
        throw new IllegalArgumentException(fileName + " is neither a workbook (.xlsx, .xls) nor a .ksheet");
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    private record SheetList(@JsonProperty("sheets_info") List<SheetInfo> sheets) {}

    @JsonIgnoreProperties(ignoreUnknown = true)
    private record CellList(@JsonProperty("cells") List<Cell> cells) {}

    /** {@code GET et|ksheet/:ft/sheets}: the sheets in tab order. */
    public List<SheetInfo> sheets(Family family, String fileToken) {
        ApiRequest r = new ApiRequest("GET", API + family.path + "/" + fileToken + "/sheets", ApiRequest.Auth.TOKEN);
        return t.call(r, SheetList.class).sheets();
    }

    /**
     * {@code GET et|ksheet/:ft/sheets/:sheet_idx/cells}: the non-empty cells meeting {@code range} (at most 2,000 rows,
     * 256 columns and 50,000 cells a call).
     */
    public List<Cell> cells(Family family, String fileToken, int sheetIdx, Range range) {
        ApiRequest r = new ApiRequest(
                        "GET",
                        API + family.path + "/" + fileToken + "/sheets/" + sheetIdx + "/cells",
                        ApiRequest.Auth.TOKEN)
                .query("row_from", range.rowFrom())
                .query("row_to", range.rowTo())
                .query("col_from", range.colFrom())
                .query("col_to", range.colTo());
        return t.call(r, CellList.class).cells();
    }

    /** {@code POST ksheet/:ft/sheets/:sheet_idx/cells}. */
    public void write(String ksheetToken, int sheetIdx, CellWrites writes) {
        ObjectNode body = YundocClient.object();
        body.set("ranges", writes.ranges);
        ApiRequest r = new ApiRequest(
                        "POST", API + "ksheet/" + ksheetToken + "/sheets/" + sheetIdx + "/cells", ApiRequest.Auth.TOKEN)
                .json(YundocClient.bytes(body));
        t.call(r, (Class<?>) null);
    }

    // ---- ksheet data tables (§F1.6)

    /** A data table: fields (the first is the primary one) and views. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record DataTable(
            @JsonProperty("id") long id,
            @JsonProperty("name") String name,
            @JsonProperty("primaryFieldId") String primaryFieldId,
            @JsonProperty("fields") List<Field> fields,
            @JsonProperty("views") List<View> views) {}

    @JsonIgnoreProperties(ignoreUnknown = true)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Field(
            @JsonProperty("id") String id,
            @JsonProperty("name") String name,
            @JsonProperty("type") String type,
            @JsonProperty("items") List<Map<String, String>> items) {
        /** A field to create: name and type (SingleLineText, MultiLineText, Number, Date, Checkbox, Url, ...). */
        public static Field of(String name, String type) {
            return new Field(null, name, type, null);
        }

        /** A SingleSelect or MultipleSelect field with its options. */
        public static Field select(String name, String type, List<String> options) {
            List<Map<String, String>> items = new ArrayList<>();
            options.forEach(o -> items.add(Map.of("value", o)));
            return new Field(null, name, type, items);
        }
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record View(
            @JsonProperty("id") String id,
            @JsonProperty("name") String name,
            @JsonProperty("type") String type) {
        public static View of(String name, String type) {
            return new View(null, name, type);
        }
    }

    /** A record: its id and field values by field name. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record DataRecord(
            @JsonProperty("id") String id,
            @JsonProperty("fields") Map<String, Object> fields) {}

    /** One page of records; {@code offset} is null on the last page. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record RecordPage(
            @JsonProperty("records") List<DataRecord> records,
            @JsonProperty("offset") String offset) {
        public boolean last() {
            return offset == null;
        }
    }

    private JsonNode detail(ApiRequest r) {
        return t.send(r).path("data").path("detail");
    }

    private <T> T convert(JsonNode n, Class<T> type) {
        return Transport.JSON.convertValue(n, type);
    }

    /** {@code GET ksheet/:ft/schemas}: the document's data tables. */
    public List<DataTable> schemas(String ksheetToken) {
        JsonNode d = detail(new ApiRequest("GET", API + "ksheet/" + ksheetToken + "/schemas", ApiRequest.Auth.TOKEN));
        List<DataTable> out = new ArrayList<>();
        d.path("sheets").forEach(n -> out.add(convert(n, DataTable.class)));
        return out;
    }

    /** {@code POST ksheet/:ft/sheets}: a new data table. */
    public DataTable createTable(String ksheetToken, String name, List<Field> fields, List<View> views) {
        ObjectNode body = YundocClient.object().put("name", name);
        body.set("fields", Transport.JSON.valueToTree(fields));
        body.set("views", Transport.JSON.valueToTree(views));
        JsonNode d = detail(new ApiRequest("POST", API + "ksheet/" + ksheetToken + "/sheets", ApiRequest.Auth.TOKEN)
                .json(YundocClient.bytes(body)));
        return convert(d.path("sheet"), DataTable.class);
    }

    /** {@code POST ksheet/:ft/sheets/:sheet_id/records}: creates records (values by field name), in order. */
    public List<DataRecord> createRecords(String ksheetToken, long sheetId, List<Map<String, Object>> records) {
        ObjectNode body = YundocClient.object();
        ArrayNode arr = body.putArray("records");
        records.forEach(fields -> arr.addObject().set("fields", Transport.JSON.valueToTree(fields)));
        JsonNode d = detail(new ApiRequest(
                        "POST",
                        API + "ksheet/" + ksheetToken + "/sheets/" + sheetId + "/records",
                        ApiRequest.Auth.TOKEN)
                .json(YundocClient.bytes(body)));
        return recordList(d);
    }

    private List<DataRecord> recordList(JsonNode d) {
        List<DataRecord> out = new ArrayList<>();
        d.path("records").forEach(n -> out.add(convert(n, DataRecord.class)));
        return out;
    }

    /** {@code GET ksheet/:ft/sheets/:sheet_id/records}: one page ({@code offset} null for the first). */
    public RecordPage records(String ksheetToken, long sheetId, int pageSize, String offset) {
        ApiRequest r = new ApiRequest(
                        "GET", API + "ksheet/" + ksheetToken + "/sheets/" + sheetId + "/records", ApiRequest.Auth.TOKEN)
                .query("pageSize", pageSize)
                .query("offset", offset);
        return convert(detail(r), RecordPage.class);
    }
}
