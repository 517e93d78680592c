package io.yundoc.server.sheets;

import io.yundoc.server.core.ZipGuard;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import javax.xml.parsers.ParserConfigurationException;
import org.apache.poi.openxml4j.opc.OPCPackage;
import org.apache.poi.openxml4j.opc.PackageAccess;
import org.apache.poi.ss.usermodel.DataFormatter;
import org.apache.poi.ss.util.CellReference;
import org.apache.poi.util.XMLHelper;
import org.apache.poi.xssf.eventusermodel.XSSFReader;
import org.apache.poi.xssf.model.SharedStrings;
import org.apache.poi.xssf.model.StylesTable;
import org.xml.sax.Attributes;
import org.xml.sax.InputSource;
import org.xml.sax.SAXException;
import org.xml.sax.XMLReader;
import org.xml.sax.helpers.DefaultHandler;

/**
 * Reads {@code .xlsx} workbooks with POI's event model ({@link XSSFReader} and a SAX handler over each sheet's XML),
 * never a whole-workbook DOM: memory holds the shared strings, the styles and the cells the caller asked to keep,
 * not the sheet. The zip is opened from a file ({@code ZipSecureFile}), so entries are inflated on demand, under the
 * inflate-ratio and entry-size limits {@link ZipGuard} sets for the whole server (docs/api-families.md §F1.1: a
 * workbook that cannot be read is 30011).
 */
final class XlsxReader {
    /** Rows per cached block: a range read (≤ 2,000 rows) touches at most three. */
    static final int BLOCK_ROWS = 1000;

    static {
        ZipGuard.install();
    }

    /** The workbook cannot be parsed: corrupt, encrypted, a zip bomb, or not an xlsx at all. */
    static final class Unreadable extends Exception {
        Unreadable(String why, Throwable cause) {
            super(why, cause);
        }
    }

    /** A sheet of the workbook, in tab order, with its used range ({@code 0,-1,0,-1} when empty). */
    record SheetInfo(
            int idx, long sheetId, String name, boolean visible, int rowFrom, int rowTo, int colFrom, int colTo) {}

    /** One non-empty cell as §F1.4 reports it; {@code numFormat} null for General. */
    record Cell(int row, int col, String text, String formula, String numFormat) {}

    record Merge(int rowFrom, int rowTo, int colFrom, int colTo) {
        boolean intersects(int r1, int r2, int c1, int c2) {
            return rowFrom <= r2 && rowTo >= r1 && colFrom <= c2 && colTo >= c1;
        }
    }

    /** A picture anchored at a cell (its drawing's top-left anchor); {@code key} is the image's name in the package. */
    record Picture(int row, int col, String key) {}

    /**
     * What one pass over a sheet kept: its merged areas, the cells of the kept blocks (block number → row-major
     * cells) and the pictures of its drawings.
     */
    record Scan(List<Merge> merges, Map<Integer, List<Cell>> blocks, int cells, List<Picture> pictures) {}

    private record SheetRef(String name, String relId, boolean visible, long sheetId) {}

    private static final String DRAWING_REL =
            "http://schemas.openxmlformats.org/officeDocument/2006/relationships/drawing";
    private static final String OFFICE_DOC_REL =
            "http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument";
    /** More pictures than this on one sheet are not reported (each costs a little memory in the cache). */
    static final int MAX_PICTURES = 10_000;

    private XlsxReader() {}

    /** The sheet list with used ranges: from each sheet's {@code <dimension>} when present, else by a counting pass. */
    static List<SheetInfo> sheets(Path file) throws Unreadable {
        return withPackage(file, (pkg, reader) -> {
            List<SheetRef> refs = sheetRefs(reader);
            List<SheetInfo> out = new ArrayList<>();
            for (int i = 0; i < refs.size(); i++) {
                SheetRef s = refs.get(i);
                int[] used = usedRange(reader, s.relId());
                out.add(new SheetInfo(
                        i,
                        s.sheetId() > 0 ? s.sheetId() : i + 1L,
                        s.name(),
                        s.visible(),
                        used[0],
                        used[1],
                        used[2],
                        used[3]));
            }
            return out;
        });
    }

    /**
     * One pass over sheet {@code idx}: keeps every block of {@code wanted}, and others while fewer than {@code budget}
     * cells are kept in all (so a small sheet is cached whole by its first read).
     */
    static Scan scan(Path file, int idx, Set<Integer> wanted, int budget) throws Unreadable {
        return withPackage(file, (pkg, reader) -> {
            List<SheetRef> refs = sheetRefs(reader);
            if (idx < 0 || idx >= refs.size()) {
                throw new IndexOutOfBoundsException("sheet " + idx);
            }
            SharedStrings strings = reader.getSharedStringsTable();
            StylesTable styles = reader.getStylesTable();
            CellHandler h = new CellHandler(strings, styles, wanted, budget);
            try (InputStream in = reader.getSheet(refs.get(idx).relId())) {
                parse(in, h);
            }
            return new Scan(
                    h.merges, h.blocks, h.kept, pictures(pkg, refs.get(idx).relId()));
        });
    }

    /** Pictures of the sheet's drawings, anchored at their top-left cell (xdr:from). */
    private static List<Picture> pictures(OPCPackage pkg, String sheetRelId) throws Exception {
        List<Picture> out = new ArrayList<>();
        var docRels = pkg.getRelationshipsByType(OFFICE_DOC_REL);
        if (docRels.size() == 0) {
            return out;
        }
        var workbook = pkg.getPart(docRels.getRelationship(0));
        var sheetRel = workbook.getRelationship(sheetRelId);
        if (sheetRel == null) {
            return out;
        }
        var sheet = workbook.getRelatedPart(sheetRel);
        for (var drawingRel : sheet.getRelationshipsByType(DRAWING_REL)) {
            var drawing = sheet.getRelatedPart(drawingRel);
            try (InputStream in = drawing.getInputStream()) {
                parse(in, new DefaultHandler() {
                    private boolean inFrom;
                    private String field;
                    private final StringBuilder text = new StringBuilder();
                    private int row = -1;
                    private int col = -1;
                    private String key;

                    @Override
                    public void startElement(String uri, String local, String qName, Attributes a) {
                        switch (local) {
                            case "twoCellAnchor", "oneCellAnchor" -> {
                                row = -1;
                                col = -1;
                                key = null;
                            }
                            case "from" -> inFrom = true;
                            case "row", "col" -> {
                                if (inFrom) {
                                    field = local;
                                    text.setLength(0);
                                }
                            }
                            case "blip" -> {
                                String id = a.getValue(
                                        "http://schemas.openxmlformats.org/officeDocument/2006/relationships", "embed");
                                var rel = id == null ? null : drawing.getRelationship(id);
                                if (rel != null) {
                                    String target = rel.getTargetURI().toString();
                                    key = target.substring(target.lastIndexOf('/') + 1);
                                }
                            }
                            default -> {}
                        }
                    }

                    @Override
                    public void characters(char[] ch, int start, int length) {
                        if (field != null) {
                            text.append(ch, start, length);
                        }
                    }

                    @Override
                    public void endElement(String uri, String local, String qName) {
                        if (field != null && local.equals(field)) {
                            try {
                                int v = Integer.parseInt(text.toString().trim());
                                if (field.equals("row")) {
                                    row = v;
                                } else {
                                    col = v;
                                }
                            } catch (NumberFormatException ignored) {
                                // a malformed anchor reports no picture
                            }
                            field = null;
                        } else if (local.equals("from")) {
                            inFrom = false;
                        } else if ((local.equals("twoCellAnchor") || local.equals("oneCellAnchor"))
                                && key != null
                                && row >= 0
                                && col >= 0
                                && out.size() < MAX_PICTURES) {
                            out.add(new Picture(row, col, key));
                        }
                    }
                });
            }
        }
        return out;
    }

    /** Receives a picture's bytes while its package is open. */
    interface PictureSink {
        void write(InputStream in) throws IOException;
    }

    /**
     * Streams the picture {@code key} (an image's name under {@code xl/media/}, as {@link Picture#key()} reports it)
     * to {@code sink}; false when the package has no such image.
     */
    static boolean picture(Path file, String key, PictureSink sink) throws Unreadable, IOException {
        if (key.isEmpty() || key.contains("/") || key.contains("\\")) {
            return false;
        }
        try (OPCPackage pkg = OPCPackage.open(file.toFile(), PackageAccess.READ)) {
            for (var part : pkg.getPartsByName(Pattern.compile("/xl/media/" + Pattern.quote(key)))) {
                try (InputStream in = part.getInputStream()) {
                    sink.write(in);
                }
                return true;
            }
            return false;
        } catch (IOException e) {
            throw e;
        } catch (Exception e) {
            throw new Unreadable(e.getClass().getSimpleName() + ": " + e.getMessage(), e);
        }
    }

    static int sheetCount(Path file) throws Unreadable {
        return withPackage(file, (pkg, reader) -> sheetRefs(reader).size());
    }

    private interface PackageWork<T> {
        T run(OPCPackage pkg, XSSFReader reader) throws Exception;
    }

    private static <T> T withPackage(Path file, PackageWork<T> work) throws Unreadable {
        try (OPCPackage pkg = OPCPackage.open(file.toFile(), PackageAccess.READ)) {
            return work.run(pkg, new XSSFReader(pkg, true));
        } catch (IndexOutOfBoundsException e) {
            throw e;
        } catch (Exception | StackOverflowError e) {
            // corrupt zip, OLE2 container (an encrypted xlsx), zip bomb, malformed XML: all "cannot be read"
            throw new Unreadable(e.getClass().getSimpleName() + ": " + e.getMessage(), e);
        }
    }

    private static void parse(InputStream in, DefaultHandler h) throws IOException, SAXException {
        try {
            XMLReader x = XMLHelper.newXMLReader();
            x.setContentHandler(h);
            x.parse(new InputSource(in));
        } catch (ParserConfigurationException e) {
            throw new IllegalStateException(e);
        } catch (Stop done) {
            // the handler has what it needs
        }
    }

    /** Thrown by a handler to end a parse early. */
    private static final class Stop extends SAXException {
        Stop() {
            super("stop");
        }

        @Override
        public synchronized Throwable fillInStackTrace() {
            return this;
        }
    }

    private static List<SheetRef> sheetRefs(XSSFReader reader) throws Exception {
        List<SheetRef> refs = new ArrayList<>();
        try (InputStream in = reader.getWorkbookData()) {
            parse(in, new DefaultHandler() {
                @Override
                public void startElement(String uri, String local, String qName, Attributes a) {
                    if ("sheet".equals(local)) {
                        String rid =
                                a.getValue("http://schemas.openxmlformats.org/officeDocument/2006/relationships", "id");
                        String state = a.getValue("state");
                        long id;
                        try {
                            id = Long.parseLong(a.getValue("sheetId"));
                        } catch (NumberFormatException | NullPointerException e) {
                            id = -1;
                        }
                        refs.add(new SheetRef(a.getValue("name"), rid, state == null || "visible".equals(state), id));
                    }
                }
            });
        }
        return refs;
    }

    /** {@code [rowFrom, rowTo, colFrom, colTo]}, 0-based inclusive; {@code 0,-1,0,-1} for an empty sheet. */
    private static int[] usedRange(XSSFReader reader, String relId) throws Exception {
        int[] dim = new int[4];
        boolean[] fromDimension = {false};
        try (InputStream in = reader.getSheet(relId)) {
            parse(in, new DefaultHandler() {
                @Override
                public void startElement(String uri, String local, String qName, Attributes a) throws SAXException {
                    if ("dimension".equals(local)) {
                        String ref = a.getValue("ref");
                        // "A1" alone is also what writers put in an empty sheet: count instead
                        if (ref != null && ref.contains(":")) {
                            String[] p = ref.split(":", -1);
                            CellReference from = new CellReference(p[0]);
                            CellReference to = new CellReference(p[1]);
                            dim[0] = from.getRow();
                            dim[1] = to.getRow();
                            dim[2] = from.getCol();
                            dim[3] = to.getCol();
                            fromDimension[0] = true;
                        }
                        throw new Stop();
                    }
                    if ("sheetData".equals(local)) {
                        throw new Stop();
                    }
                }
            });
        }
        if (fromDimension[0]) {
            return dim;
        }
        int[] used = {Integer.MAX_VALUE, -1, Integer.MAX_VALUE, -1};
        try (InputStream in = reader.getSheet(relId)) {
            parse(in, new DefaultHandler() {
                private boolean hasValue;
                private int row;
                private int col;

                @Override
                public void startElement(String uri, String local, String qName, Attributes a) {
                    if ("c".equals(local)) {
                        CellReference ref = new CellReference(a.getValue("r"));
                        row = ref.getRow();
                        col = ref.getCol();
                        hasValue = false;
                    } else if ("v".equals(local) || "t".equals(local)) {
                        hasValue = true;
                    }
                }

                @Override
                public void endElement(String uri, String local, String qName) {
                    if ("c".equals(local) && hasValue) {
                        used[0] = Math.min(used[0], row);
                        used[1] = Math.max(used[1], row);
                        used[2] = Math.min(used[2], col);
                        used[3] = Math.max(used[3], col);
                    }
                }
            });
        }
        return used[1] < 0 ? new int[] {0, -1, 0, -1} : used;
    }

    /** The SAX handler for one sheet's XML: cells of the kept blocks, shared formulas, merged areas. */
    private static final class CellHandler extends DefaultHandler {
        private static final DataFormatter FORMATTER = new DataFormatter(Locale.ROOT);
        private final SharedStrings strings;
        private final StylesTable styles;
        private final Set<Integer> wanted;
        private final int budget;
        final Map<Integer, List<Cell>> blocks = new TreeMap<>();
        final List<Merge> merges = new ArrayList<>();
        int kept;
        private boolean overBudget;
        /** shared formula index → master formula and its cell */
        private final Map<String, String[]> sharedFormulas = new HashMap<>();

        private int row;
        private int col;
        private int nextCol;
        private int currentRow = -1;
        private String type;
        private int style;
        private boolean keep;
        private final StringBuilder text = new StringBuilder();
        private boolean inValue;
        private boolean inFormula;
        private boolean inInline;
        private String value;
        private String formula;
        private String sharedIndex;
        private boolean sharedMaster;

        private int parsedRow;
        private int parsedCol;

        CellHandler(SharedStrings strings, StylesTable styles, Set<Integer> wanted, int budget) {
            this.strings = strings;
            this.styles = styles;
            this.wanted = wanted;
            this.budget = budget;
        }

        /** "AB12" without CellReference's regular expression (it runs once per cell); false if not that form. */
        private boolean parseRef(String r) {
            int i = 0;
            int c = 0;
            while (i < r.length() && r.charAt(i) >= 'A' && r.charAt(i) <= 'Z') {
                c = c * 26 + (r.charAt(i) - 'A' + 1);
                i++;
            }
            if (i == 0 || i > 3 || i == r.length()) {
                return false;
            }
            int n = 0;
            for (int j = i; j < r.length(); j++) {
                char ch = r.charAt(j);
                if (ch < '0' || ch > '9' || j - i > 7) {
                    return false;
                }
                n = n * 10 + (ch - '0');
            }
            if (n < 1) {
                return false;
            }
            parsedRow = n - 1;
            parsedCol = c - 1;
            return true;
        }

        private boolean keeps(int block) {
            return wanted.contains(block) || !overBudget;
        }

        @Override
        public void startElement(String uri, String local, String qName, Attributes a) {
            switch (local) {
                case "row" -> {
                    String r = a.getValue("r");
                    currentRow = r == null ? currentRow + 1 : Integer.parseInt(r) - 1;
                    nextCol = 0;
                }
                case "c" -> {
                    String r = a.getValue("r");
                    if (r != null && parseRef(r)) {
                        row = parsedRow;
                        col = parsedCol;
                    } else if (r != null) {
                        CellReference ref = new CellReference(r);
                        row = ref.getRow();
                        col = ref.getCol();
                    } else {
                        row = currentRow;
                        col = nextCol;
                    }
                    nextCol = col + 1;
                    type = a.getValue("t");
                    String s = a.getValue("s");
                    style = s == null ? 0 : Integer.parseInt(s);
                    keep = keeps(row / BLOCK_ROWS);
                    value = null;
                    formula = null;
                    sharedIndex = null;
                    sharedMaster = false;
                }
                case "v" -> {
                    inValue = keep;
                    text.setLength(0);
                }
                case "f" -> {
                    text.setLength(0);
                    if ("shared".equals(a.getValue("t"))) {
                        sharedIndex = a.getValue("si");
                        sharedMaster = a.getValue("ref") != null;
                    }
                    // a shared formula's master is read even outside the kept blocks: it defines its children
                    inFormula = keep || sharedMaster;
                }
                case "is" -> {
                    inInline = keep;
                    text.setLength(0);
                }
                case "mergeCell" -> {
                    String ref = a.getValue("ref");
                    if (ref != null && ref.contains(":")) {
                        String[] p = ref.split(":", -1);
                        CellReference from = new CellReference(p[0]);
                        CellReference to = new CellReference(p[1]);
                        merges.add(new Merge(from.getRow(), to.getRow(), from.getCol(), to.getCol()));
                    }
                }
                default -> {}
            }
        }

        @Override
        public void characters(char[] ch, int start, int length) {
            if (inValue || inFormula || inInline) {
                text.append(ch, start, length);
            }
        }

        @Override
        public void endElement(String uri, String local, String qName) {
            switch (local) {
                case "v" -> {
                    if (inValue) {
                        value = text.toString();
                    }
                    inValue = false;
                }
                case "f" -> {
                    if (inFormula && keep) {
                        formula = text.toString();
                        if (sharedIndex != null) {
                            if (sharedMaster || !sharedFormulas.containsKey(sharedIndex)) {
                                sharedFormulas.put(
                                        sharedIndex,
                                        new String[] {formula, Integer.toString(row), Integer.toString(col)});
                            } else if (formula.isEmpty()) {
                                String[] master = sharedFormulas.get(sharedIndex);
                                formula = Formulas.shift(
                                        master[0],
                                        row - Integer.parseInt(master[1]),
                                        col - Integer.parseInt(master[2]));
                            }
                        }
                    } else if (inFormula) {
                        // a master outside the kept blocks still defines its children
                        sharedFormulas.put(
                                sharedIndex,
                                new String[] {text.toString(), Integer.toString(row), Integer.toString(col)});
                    }
                    inFormula = false;
                }
                case "is" -> {
                    if (inInline) {
                        value = text.toString();
                    }
                    inInline = false;
                }
                case "c" -> {
                    if (keep) {
                        Cell c = cell();
                        if (c != null) {
                            blocks.computeIfAbsent(row / BLOCK_ROWS, b -> new ArrayList<>())
                                    .add(c);
                            kept++;
                            if (!overBudget && kept > budget) {
                                overBudget = true;
                                blocks.keySet().removeIf(b -> !wanted.contains(b));
                                kept = blocks.values().stream()
                                        .mapToInt(List::size)
                                        .sum();
                            }
                        }
                    }
                }
                default -> {}
            }
        }

        private Cell cell() {
            if (value == null && formula == null) {
                return null;
            }
            String numFormat = null;
            String shown;
            String literal;
            String v = value == null ? "" : value;
            switch (type == null ? "n" : type) {
                case "s" -> {
                    shown = v.isEmpty()
                            ? ""
                            : strings.getItemAt(Integer.parseInt(v.trim())).getString();
                    literal = shown;
                }
                case "inlineStr", "str", "d" -> {
                    shown = v;
                    literal = v;
                }
                case "b" -> {
                    shown = "1".equals(v.trim()) ? "TRUE" : "FALSE";
                    literal = shown;
                }
                case "e" -> {
                    shown = v;
                    literal = v;
                }
                default -> {
                    // the literal as entered: 8999, not the file's 8999.0
                    literal = v.isEmpty() ? v : plainNumber(v);
                    shown = v;
                    if (!v.isEmpty() && style > 0 && style < styles.getNumCellStyles()) {
                        var st = styles.getStyleAt(style);
                        String fmt = st.getDataFormatString();
                        if (fmt != null && !"General".equalsIgnoreCase(fmt)) {
                            numFormat = fmt;
                        }
                        try {
                            shown = FORMATTER.formatRawCellContents(
                                    Double.parseDouble(v), st.getDataFormat(), fmt == null ? "General" : fmt);
                        } catch (NumberFormatException e) {
                            shown = v;
                        }
                    } else if (!v.isEmpty()) {
                        try {
                            shown = general(Double.parseDouble(v));
                        } catch (NumberFormatException e) {
                            shown = v;
                        }
                    }
                }
            }
            return new Cell(row, col, shown, formula != null ? "=" + formula : literal, numFormat);
        }

        /** General format: integers as such, others through POI's formatter (10 significant digits, as Excel shows). */
        private static String general(double d) {
            if (d == Math.rint(d) && Math.abs(d) < 1e11) {
                return Long.toString((long) d);
            }
            return FORMATTER.formatRawCellContents(d, 0, "General");
        }

        private static String plainNumber(String v) {
            try {
                return Formulas.text(Double.parseDouble(v));
            } catch (NumberFormatException e) {
                return v;
            }
        }
    }
}
