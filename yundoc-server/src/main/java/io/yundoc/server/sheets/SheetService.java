package io.yundoc.server.sheets;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.yundoc.protocol.ErrorCode;
import io.yundoc.server.auth.Principal;
import io.yundoc.server.blob.BlobResponder;
import io.yundoc.server.blob.BlobStore;
import io.yundoc.server.blob.ContentTypes;
import io.yundoc.server.blob.DownloadTickets;
import io.yundoc.server.core.ApiException;
import io.yundoc.server.core.Json;
import io.yundoc.server.core.ServerClock;
import io.yundoc.server.files.FileRecord;
import io.yundoc.server.files.FileStore;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.apache.poi.ss.usermodel.BuiltinFormats;
import org.apache.poi.ss.usermodel.DataFormatter;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * The grid side of docs/api-families.md §F1: which documents a token reaches (§F0 (row 8)), the et routes over a
 * workbook's bytes (§F1.3, §F1.4) and the ksheet grid routes over yundoc's own store (§F1.3–§F1.5).
 */
public final class SheetService {
    /** Read limits of §F1.4. */
    static final int MAX_ROWS = 2000;

    static final int MAX_COLS = 256;
    static final int MAX_READ_CELLS = 50_000;
    /** Write limit of §F1.5 ("每次请求更新的单元格数量不允许超过 2000"). */
    static final int MAX_WRITE_CELLS = 2000;
    /** The largest sheet a spreadsheet program opens: bounds beyond it are refused. */
    static final int MAX_ROW_INDEX = 1_048_575;

    static final int MAX_COL_INDEX = 16_383;
    private static final Pattern NUMBER = Pattern.compile("[-+]?(\\d+(\\.\\d*)?|\\.\\d+)([eE][-+]?\\d+)?");
    private static final DataFormatter FORMATTER = new DataFormatter(Locale.ROOT);

    /** The two families of §F1.1 and the extensions that belong to each. */
    enum Family {
        ET(Set.of("xlsx", "xls"), "document is not an et workbook"),
        KSHEET(Set.of("ksheet"), "document is not a ksheet");

        @SuppressWarnings(
                "ImmutableEnumChecker") // Set.of(...): immutable, which the checker cannot see through the type
        final Set<String> extensions;

        final String wrongKind;

        Family(Set<String> extensions, String wrongKind) {
            this.extensions = extensions;
            this.wrongKind = wrongKind;
        }
    }

    /** A 0-based inclusive rectangle (§F1.4). */
    record Range(int rowFrom, int rowTo, int colFrom, int colTo) {
        long area() {
            return (long) (rowTo - rowFrom + 1) * (colTo - colFrom + 1);
        }

        /** Checks the bounds of a request: non-negative, ordered, inside the largest sheet. */
        static Range of(long r1, long r2, long c1, long c2) {
            if (r1 < 0 || r2 < 0 || c1 < 0 || c2 < 0) {
                throw ApiException.invalid("bounds must not be negative");
            }
            if (r2 < r1 || c2 < c1) {
                throw ApiException.invalid("row_to < row_from or col_to < col_from");
            }
            if (r2 > MAX_ROW_INDEX || c2 > MAX_COL_INDEX) {
                throw ApiException.invalid(
                        "bounds beyond the sheet (rows 0-" + MAX_ROW_INDEX + ", columns 0-" + MAX_COL_INDEX + ")");
            }
            return new Range((int) r1, (int) r2, (int) c1, (int) c2);
        }
    }

    private final FileStore files;
    private final SheetStore store;
    private final WorkbookCache workbooks;
    private final DownloadTickets tickets;
    private final ServerClock clock;
    /** Lifetime of the temporary URL of a picture inside a workbook (§F1.4: 5 minutes, as KDocs' 本地图片). */
    static final long PICTURE_URL_SECONDS = 300;

    private static final Set<String> RASTER =
            Set.of("image/png", "image/jpeg", "image/gif", "image/bmp", "image/webp", "image/tiff");

    public SheetService(
            FileStore files,
            Jdbi jdbi,
            BlobStore blobs,
            Path spoolDir,
            MeterRegistry registry,
            DownloadTickets tickets,
            ServerClock clock) {
        this.files = files;
        this.tickets = tickets;
        this.clock = clock;
        this.store = new SheetStore(jdbi);
        this.workbooks = new WorkbookCache(blobs, spoolDir);
        FunctionCounter.builder("yundoc_et_sheet_parses", workbooks, WorkbookCache::parses)
                .description("passes over an xlsx sheet's XML (cache misses of et cell reads)")
                .register(registry);
        Gauge.builder("yundoc_et_cached_cells", workbooks, WorkbookCache::weight)
                .description("cells of parsed xlsx sheets held in memory (bounded)")
                .register(registry);
    }

    SheetStore store() {
        return store;
    }

    /** A {@code .ksheet} removed for good takes its cells and data tables with it (same transaction). */
    public void documentPurged(Handle h, String fileId) {
        SheetStore.forget(h, fileId);
    }

    WorkbookCache workbooks() {
        return workbooks;
    }

    /**
     * The document of a §F1/§F2 route: a personal file the user may see (owner; a link member may read), or an
     * app-space file of the token's own app (§F0 (row 8)). Unknown, invisible, deleted, another app's → 30012; a folder or a
     * document of the other family → 10001; a write by a member → 10003.
     */
    FileRecord document(Principal p, String fileId, Family family, boolean write) {
        FileRecord f = files.find(fileId).orElseThrow(ApiException::notFound);
        if (!f.live()) {
            throw ApiException.notFound();
        }
        boolean owner;
        if (FileRecord.APP.equals(f.space())) {
            if (!f.ownerId().equals(p.appId())) {
                throw ApiException.notFound();
            }
            owner = true;
        } else if (FileRecord.PERSONAL.equals(f.space())) {
            owner = f.ownerId().equals(p.userId());
            if (!owner && (f.isFolder() || !files.isMember(fileId, p.userId()))) {
                throw ApiException.notFound();
            }
        } else {
            throw ApiException.notFound();
        }
        if (f.isFolder()) {
            throw ApiException.invalid("a folder has no sheets");
        }
        if (!family.extensions.contains(ContentTypes.extension(f.name()))) {
            throw ApiException.invalid(family.wrongKind);
        }
        if (write && !owner) {
            throw ApiException.denied("only the owner may change the document");
        }
        return f;
    }

    // ---- et (§F1.3, §F1.4): read-only over the latest version's bytes

    private static ApiException unreadable() {
        return new ApiException(ErrorCode.EXECUTE_FAILED, "workbook cannot be read");
    }

    /** The blob an et route reads: the latest version's bytes (.xlsx or .xls, told apart by their content). */
    private String workbookBlob(FileRecord f) {
        if (f.blobKey() == null) {
            throw unreadable();
        }
        return f.blobKey();
    }

    public List<Map<String, Object>> etSheets(Principal p, String fileId) {
        FileRecord f = document(p, fileId, Family.ET, false);
        try {
            List<Map<String, Object>> out = new ArrayList<>();
            for (XlsxReader.SheetInfo s : workbooks.sheets(workbookBlob(f))) {
                // the workbook's own sheetId (stable when tabs move); the 1-based position when the file has none
                out.add(gridSheet(s.sheetId(), s.idx(), s.name(), s.visible(), new int[] {
                    s.rowFrom(), s.rowTo(), s.colFrom(), s.colTo()
                }));
            }
            return out;
        } catch (XlsxReader.Unreadable e) {
            throw unreadable();
        }
    }

    /**
     * {@code with_pic_url=true} (§F1.4): each picture also gets a temporary URL (api.md §6 style, {@code /dl/pic/…})
     * valid {@link #PICTURE_URL_SECONDS}, bound to this version's bytes and the picture's name in the package.
     *
     * <p>The answer comes rendered: the envelope {@code {"code":0,"data":{"cells":[…]}}} as bytes, written straight
     * from the cached cells with a JSON generator (no map per cell), and kept per range of this blob so a repeated
     * read is a copy. An answer with picture URLs is rendered each time: its tickets are minted per request.
     */
    public byte[] etCells(Principal p, String fileId, String sheetIdx, Range r, boolean withPicUrl, String baseUrl) {
        FileRecord f = document(p, fileId, Family.ET, false);
        int idx = sheetIndex(sheetIdx);
        checkReadSize(r);
        String blob = workbookBlob(f);
        try {
            if (idx >= workbooks.sheets(blob).size()) {
                throw ApiException.invalid("sheet not found");
            }
            String key = idx + "/" + r.rowFrom() + "/" + r.rowTo() + "/" + r.colFrom() + "/" + r.colTo();
            if (!withPicUrl) {
                byte[] hit = workbooks.rendered(blob, key);
                if (hit != null) {
                    return hit;
                }
            }
            WorkbookCache.Slice s = workbooks.slice(blob, idx, r.rowFrom(), r.rowTo(), r.colFrom(), r.colTo());
            List<OutCell> out = new ArrayList<>();
            List<XlsxReader.Merge> merges = s.merges().stream()
                    .filter(m -> m.intersects(r.rowFrom(), r.rowTo(), r.colFrom(), r.colTo()))
                    .toList();
            for (XlsxReader.Merge m : merges) {
                var top = s.cell(m.rowFrom(), m.colFrom());
                out.add(new OutCell(
                        m.rowFrom(),
                        m.rowTo(),
                        m.colFrom(),
                        m.colTo(),
                        top.map(XlsxReader.Cell::text).orElse(""),
                        top.map(XlsxReader.Cell::formula).orElse(null),
                        top.map(XlsxReader.Cell::numFormat).orElse(null)));
            }
            boolean sorted = merges.isEmpty();
            for (XlsxReader.Cell c : s.cellsIn(r.rowFrom(), r.rowTo(), r.colFrom(), r.colTo())) {
                if (merges.isEmpty()
                        || merges.stream().noneMatch(m -> m.intersects(c.row(), c.row(), c.col(), c.col()))) {
                    out.add(new OutCell(c.row(), c.row(), c.col(), c.col(), c.text(), c.formula(), c.numFormat()));
                }
            }
            // pictures (§F1.4): pic_key on the cell they are anchored at (a cell of its own when it is empty)
            for (XlsxReader.Picture pic : s.pictures()) {
                if (pic.row() < r.rowFrom()
                        || pic.row() > r.rowTo()
                        || pic.col() < r.colFrom()
                        || pic.col() > r.colTo()) {
                    continue;
                }
                OutCell at = out.stream()
                        .filter(m -> m.r1 <= pic.row() && m.r2 >= pic.row() && m.c1 <= pic.col() && m.c2 >= pic.col())
                        .findFirst()
                        .orElse(null);
                if (at == null) {
                    at = new OutCell(pic.row(), pic.row(), pic.col(), pic.col(), "", null, null);
                    out.add(at);
                    sorted = false;
                }
                if (at.picKey == null) {
                    at.picKey = pic.key();
                    if (withPicUrl) {
                        String ticket = tickets.mintPart(
                                f.fileId(), blob, pic.key(), clock.epochSeconds() + PICTURE_URL_SECONDS);
                        at.picUrl = baseUrl + "/dl/pic/" + ticket + "/" + BlobResponder.pathSegment(pic.key());
                    }
                }
            }
            if (!sorted) {
                // cellsIn is row-major already; merged areas and lone pictures join it here (a stable sort, as before)
                out.sort((a, b) -> a.r1 != b.r1 ? Integer.compare(a.r1, b.r1) : Integer.compare(a.c1, b.c1));
            }
            byte[] rendered = render(out);
            if (!withPicUrl) {
                workbooks.keepRendered(blob, key, rendered);
            }
            return rendered;
        } catch (XlsxReader.Unreadable e) {
            throw unreadable();
        }
    }

    /** A cell of an et cells answer, in the order its fields are written (§F1.4). */
    private static final class OutCell {
        final int r1;
        final int r2;
        final int c1;
        final int c2;
        final String text;
        final String formula;
        final String numFormat;
        String picKey;
        String picUrl;

        OutCell(int r1, int r2, int c1, int c2, String text, String formula, String numFormat) {
            this.r1 = r1;
            this.r2 = r2;
            this.c1 = c1;
            this.c2 = c2;
            this.text = text;
            this.formula = formula;
            this.numFormat = numFormat;
        }
    }

    /** {@code {"code":0,"data":{"cells":[…]}}}: what {@code Call.ok(Map.of("cells", maps))} wrote, byte for byte. */
    private static byte[] render(List<OutCell> cells) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(64 + cells.size() * 96);
        try (JsonGenerator g = Json.MAPPER.getFactory().createGenerator(bytes)) {
            g.writeStartObject();
            g.writeNumberField("code", 0);
            g.writeObjectFieldStart("data");
            g.writeArrayFieldStart("cells");
            for (OutCell c : cells) {
                g.writeStartObject();
                g.writeNumberField("row_from", c.r1);
                g.writeNumberField("row_to", c.r2);
                g.writeNumberField("col_from", c.c1);
                g.writeNumberField("col_to", c.c2);
                g.writeStringField("cell_text", c.text);
                if (c.formula != null) {
                    g.writeStringField("formula", c.formula);
                }
                if (c.numFormat != null) {
                    g.writeStringField("num_format", c.numFormat);
                }
                if (c.picKey != null) {
                    g.writeStringField("pic_key", c.picKey);
                }
                if (c.picUrl != null) {
                    g.writeStringField("pic_url", c.picUrl);
                }
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a byte array does not fail
        }
        return bytes.toByteArray();
    }

    /** Where a picture's bytes go: told its content type and how long a cache may keep it, then given the stream. */
    public interface PictureResponse {
        OutputStream start(String contentType, long maxAgeSeconds) throws IOException;
    }

    /**
     * Serves a picture URL of {@link #etCells}: the ticket must verify and be unexpired (10003 otherwise, as §6 download
     * URLs), the file must still live (30012); the picture is read from the bytes the ticket names. Only raster image
     * types are served as images; anything else (an SVG, a part a hostile package calls an image) goes out as
     * {@code application/octet-stream}, so it never runs as a page of this origin.
     */
    public void picture(String ticket, PictureResponse response) {
        var t = tickets.verifyPart(ticket).orElseThrow(() -> ApiException.denied("download url invalid"));
        long now = clock.epochSeconds();
        if (now >= t.expiresAt()) {
            throw ApiException.denied("download url expired");
        }
        FileRecord f = files.find(t.fileId()).orElse(null);
        if (f == null || !f.live()) {
            throw new ApiException(ErrorCode.FILE_NOT_EXISTS, "file was deleted");
        }
        String type = ContentTypes.of(t.part());
        if (!RASTER.contains(type)) {
            type = "application/octet-stream";
        }
        String contentType = type;
        try {
            boolean found = workbooks.picture(t.blobKey(), t.part(), in -> {
                try (OutputStream out = response.start(contentType, Math.max(0, t.expiresAt() - now))) {
                    in.transferTo(out);
                }
            });
            if (!found) {
                throw new ApiException(ErrorCode.FILE_NOT_EXISTS, "picture not found");
            }
        } catch (XlsxReader.Unreadable e) {
            throw unreadable();
        }
    }

    // ---- ksheet grid (§F1.3–§F1.5)

    public List<Map<String, Object>> ksheetSheets(Principal p, String fileId) {
        FileRecord f = document(p, fileId, Family.KSHEET, false);
        return store.jdbi().withHandle(h -> {
            List<Map<String, Object>> out = new ArrayList<>();
            for (SheetStore.SheetRow s : SheetStore.sheets(h, f.fileId())) {
                if (s.grid()) {
                    out.add(gridSheet(
                            s.sheetId(), s.idx(), s.name(), true, SheetStore.usedRange(h, f.fileId(), s.sheetId())));
                } else {
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("sheet_id", s.sheetId());
                    m.put("sheet_idx", s.idx());
                    m.put("sheet_name", s.name());
                    m.put("sheet_type", "db");
                    m.put("is_visible", true);
                    out.add(m);
                }
            }
            return out;
        });
    }

    private static Map<String, Object> gridSheet(long id, int idx, String name, boolean visible, int[] used) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("sheet_id", id);
        m.put("sheet_idx", idx);
        m.put("sheet_name", name);
        m.put("sheet_type", "grid");
        m.put("is_visible", visible);
        m.put("row_from", used[0]);
        m.put("row_to", used[1]);
        m.put("col_from", used[2]);
        m.put("col_to", used[3]);
        return m;
    }

    static int sheetIndex(String raw) {
        try {
            int idx = Integer.parseInt(raw);
            if (idx < 0) {
                throw ApiException.invalid("sheet_idx must not be negative");
            }
            return idx;
        } catch (NumberFormatException e) {
            throw ApiException.invalid("sheet_idx must be an integer");
        }
    }

    private static void checkReadSize(Range r) {
        if (r.rowTo() - r.rowFrom() + 1 > MAX_ROWS
                || r.colTo() - r.colFrom() + 1 > MAX_COLS
                || r.area() > MAX_READ_CELLS) {
            throw ApiException.invalid("range too large");
        }
    }

    private static SheetStore.SheetRow gridAt(List<SheetStore.SheetRow> sheets, int idx) {
        if (idx >= sheets.size()) {
            throw ApiException.invalid("sheet not found");
        }
        SheetStore.SheetRow s = sheets.get(idx);
        if (!s.grid()) {
            throw ApiException.invalid("not a grid sheet");
        }
        return s;
    }

    public List<Map<String, Object>> ksheetCells(Principal p, String fileId, String sheetIdx, Range r) {
        FileRecord f = document(p, fileId, Family.KSHEET, false);
        int idx = sheetIndex(sheetIdx);
        checkReadSize(r);
        return store.jdbi().withHandle(h -> {
            SheetStore.SheetRow s = gridAt(SheetStore.sheets(h, f.fileId()), idx);
            Evaluator ev = new Evaluator(h, f.fileId(), s.sheetId());
            List<SheetStore.MergeRow> merges = SheetStore.merges(h, f.fileId(), s.sheetId()).stream()
                    .filter(m -> m.intersects(r.rowFrom(), r.rowTo(), r.colFrom(), r.colTo()))
                    .toList();
            List<Map<String, Object>> out = new ArrayList<>();
            for (SheetStore.MergeRow m : merges) {
                SheetStore.CellRow top = ev.row(m.rowFrom(), m.colFrom());
                out.add(
                        top == null
                                ? cell(m.rowFrom(), m.rowTo(), m.colFrom(), m.colTo(), "", null, null, null)
                                : render(ev, top, m.rowTo(), m.colTo()));
            }
            for (SheetStore.CellRow c :
                    SheetStore.cells(h, f.fileId(), s.sheetId(), r.rowFrom(), r.rowTo(), r.colFrom(), r.colTo())) {
                ev.remember(c);
                if (!c.empty() && merges.stream().noneMatch(m -> m.intersects(c.row(), c.row(), c.col(), c.col()))) {
                    out.add(render(ev, c, c.row(), c.col()));
                }
            }
            sortRowMajor(out);
            return out;
        });
    }

    private static Map<String, Object> render(Evaluator ev, SheetStore.CellRow c, int rowTo, int colTo) {
        String formula = c.formula() == null ? "" : c.formula();
        Object value = ev.value(c.row(), c.col());
        return cell(
                c.row(),
                rowTo,
                c.col(),
                colTo,
                display(value, c.numFormat()),
                c.formula() == null ? null : formula,
                c.numFormat(),
                c.picUrl());
    }

    /** The displayed text of a value under a number format (§F1.4 {@code cell_text}). */
    static String display(Object value, String numFormat) {
        if (value instanceof Double d && numFormat != null && !numFormat.equalsIgnoreCase("General")) {
            int builtin = BuiltinFormats.getBuiltinFormat(numFormat);
            return FORMATTER.formatRawCellContents(d, builtin >= 0 ? builtin : 164, numFormat);
        }
        return Formulas.text(value);
    }

    private static Map<String, Object> cell(
            int r1, int r2, int c1, int c2, String text, String formula, String numFormat, String picUrl) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("row_from", r1);
        m.put("row_to", r2);
        m.put("col_from", c1);
        m.put("col_to", c2);
        m.put("cell_text", text);
        if (formula != null) {
            m.put("formula", formula);
        }
        if (numFormat != null) {
            m.put("num_format", numFormat);
        }
        if (picUrl != null) {
            m.put("pic_url", picUrl);
        }
        return m;
    }

    private static void sortRowMajor(List<Map<String, Object>> cells) {
        cells.sort((a, b) -> {
            int c = Integer.compare((Integer) a.get("row_from"), (Integer) b.get("row_from"));
            return c != 0 ? c : Integer.compare((Integer) a.get("col_from"), (Integer) b.get("col_from"));
        });
    }

    /** A literal as a value: numbers are numbers (§F1.5), anything else text. */
    static Object literal(String s) {
        if (s == null) {
            return null;
        }
        if (NUMBER.matcher(s.trim()).matches()) {
            try {
                return Double.parseDouble(s.trim());
            } catch (NumberFormatException e) {
                return s;
            }
        }
        return s;
    }

    /** Evaluates a sheet's formulas on read, loading cells a block of rows at a time; cycles give {@code #REF!}. */
    private static final class Evaluator implements Formulas.Cells {
        private static final int MAX_DEPTH = 256;
        private final Handle h;
        private final String fileId;
        private final long sheetId;
        private final Map<Long, SheetStore.CellRow> rows = new HashMap<>();
        private final Set<Integer> loadedBlocks = new HashSet<>();
        private final Map<Long, Object> values = new HashMap<>();
        private final Set<Long> evaluating = new HashSet<>();

        Evaluator(Handle h, String fileId, long sheetId) {
            this.h = h;
            this.fileId = fileId;
            this.sheetId = sheetId;
        }

        private static long key(int row, int col) {
            return ((long) row << 16) | col;
        }

        void remember(SheetStore.CellRow c) {
            rows.putIfAbsent(key(c.row(), c.col()), c);
        }

        SheetStore.CellRow row(int row, int col) {
            long k = key(row, col);
            SheetStore.CellRow c = rows.get(k);
            if (c == null && loadedBlocks.add(row / 1000)) {
                int from = row / 1000 * 1000;
                for (SheetStore.CellRow r : SheetStore.cells(h, fileId, sheetId, from, from + 999, 0, MAX_COL_INDEX)) {
                    remember(r);
                }
                c = rows.get(k);
            }
            return c;
        }

        @Override
        public Object value(int row, int col) {
            long k = key(row, col);
            if (values.containsKey(k)) {
                return values.get(k);
            }
            SheetStore.CellRow c = row(row, col);
            if (c == null || c.formula() == null || c.formula().isEmpty()) {
                return null;
            }
            Object v;
            if (c.formula().startsWith("=")) {
                if (!evaluating.add(k) || evaluating.size() > MAX_DEPTH) {
                    evaluating.remove(k);
                    return Formulas.REF_ERR;
                }
                try {
                    v = Formulas.eval(Formulas.parse(c.formula().substring(1)), this);
                } catch (Formulas.ParseError e) {
                    v = Formulas.NAME;
                } finally {
                    evaluating.remove(k);
                }
            } else {
                v = literal(c.formula());
            }
            values.put(k, v);
            return v;
        }
    }

    /** POST ksheet cells (§F1.5): every range in order, in one transaction; any failure applies none. */
    public void writeCells(Principal p, String fileId, String sheetIdx, JsonNode body) {
        FileRecord f = document(p, fileId, Family.KSHEET, true);
        int idx = sheetIndex(sheetIdx);
        List<CellWrite> ops = CellWrite.parse(body);
        store.jdbi().useTransaction(h -> {
            SheetStore.lockForWrite(h, f.fileId());
            SheetStore.SheetRow s = gridAt(SheetStore.sheets(h, f.fileId()), idx);
            for (CellWrite op : ops) {
                op.apply(h, f.fileId(), s.sheetId());
            }
        });
    }
}
