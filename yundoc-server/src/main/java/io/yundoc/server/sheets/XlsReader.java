package io.yundoc.server.sheets;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.poi.ddf.DefaultEscherRecordFactory;
import org.apache.poi.ddf.EscherBSERecord;
import org.apache.poi.ddf.EscherBlipRecord;
import org.apache.poi.ddf.EscherClientAnchorRecord;
import org.apache.poi.ddf.EscherContainerRecord;
import org.apache.poi.ddf.EscherOptRecord;
import org.apache.poi.ddf.EscherProperty;
import org.apache.poi.ddf.EscherPropertyTypes;
import org.apache.poi.ddf.EscherRecord;
import org.apache.poi.ddf.EscherRecordFactory;
import org.apache.poi.ddf.EscherSimpleProperty;
import org.apache.poi.hssf.eventusermodel.EventWorkbookBuilder;
import org.apache.poi.hssf.eventusermodel.FormatTrackingHSSFListener;
import org.apache.poi.hssf.eventusermodel.HSSFEventFactory;
import org.apache.poi.hssf.eventusermodel.HSSFListener;
import org.apache.poi.hssf.eventusermodel.HSSFRequest;
import org.apache.poi.hssf.model.HSSFFormulaParser;
import org.apache.poi.hssf.record.BOFRecord;
import org.apache.poi.hssf.record.BoolErrRecord;
import org.apache.poi.hssf.record.BoundSheetRecord;
import org.apache.poi.hssf.record.CellValueRecordInterface;
import org.apache.poi.hssf.record.ContinueRecord;
import org.apache.poi.hssf.record.DrawingGroupRecord;
import org.apache.poi.hssf.record.DrawingRecord;
import org.apache.poi.hssf.record.EOFRecord;
import org.apache.poi.hssf.record.FormulaRecord;
import org.apache.poi.hssf.record.LabelRecord;
import org.apache.poi.hssf.record.LabelSSTRecord;
import org.apache.poi.hssf.record.MergeCellsRecord;
import org.apache.poi.hssf.record.MulRKRecord;
import org.apache.poi.hssf.record.NumberRecord;
import org.apache.poi.hssf.record.RKRecord;
import org.apache.poi.hssf.record.Record;
import org.apache.poi.hssf.record.SSTRecord;
import org.apache.poi.hssf.record.SharedFormulaRecord;
import org.apache.poi.hssf.record.StringRecord;
import org.apache.poi.hssf.usermodel.HSSFPictureData;
import org.apache.poi.poifs.filesystem.POIFSFileSystem;
import org.apache.poi.ss.formula.ptg.ExpPtg;
import org.apache.poi.ss.formula.ptg.Ptg;
import org.apache.poi.ss.usermodel.CellType;
import org.apache.poi.ss.usermodel.DataFormatter;
import org.apache.poi.ss.usermodel.FormulaError;
import org.apache.poi.ss.util.CellRangeAddress;

/**
 * Reads {@code .xls} (BIFF8) workbooks with POI's HSSF event model ({@link HSSFEventFactory} over the OLE2
 * container's {@code Workbook} stream), never {@code HSSFWorkbook}'s DOM: memory holds the shared strings, the
 * formats and the cells the caller asked to keep. It answers what {@link XlsxReader} answers (same {@link XlsxReader.Scan}
 * and cache blocks), so the et routes treat both alike. An OLE2 file is not compressed, so there is no inflate ratio
 * to guard: every record is bounded by BIFF's record size and the stream by the file. Encrypted (a password other
 * than Excel's default), truncated or not a BIFF8 workbook → {@link XlsxReader.Unreadable} (30011, §F1.1).
 *
 * <p>Pictures (§F1.4): the workbook's drawing group holds the pictures (its BLIP store, one entry per image), each
 * sheet's drawing records its shapes; a picture shape names a BLIP-store entry and is anchored at its top-left cell.
 * A picture is reported as {@code image<n>.<ext>} ({@code n}: the 1-based BLIP-store entry), the name its bytes are
 * served by. Memory: HSSF's record reader holds the drawing group whole (it joins its records), so the pictures cost
 * their size in the file, which the file bounds; a sheet's own drawing records are kept up to
 * {@link #MAX_SHEET_DRAWING} bytes (beyond that, the sheet reports no pictures).
 */
final class XlsReader {
    private static final DataFormatter FORMATTER = new DataFormatter(Locale.ROOT);
    /** A sheet's drawing records kept in all (shapes without their pictures: about 100 bytes each). */
    static final int MAX_SHEET_DRAWING = 8 << 20;

    private static final short BSE = EscherBSERecord.RECORD_ID;
    private static final Pattern KEY = Pattern.compile("image([1-9][0-9]{0,5})\\.[a-z]+");

    private XlsReader() {}

    /** Thrown by a listener to end a pass early (the sheet asked for is done). */
    private static final class Stop extends RuntimeException {
        Stop() {
            super("stop", null, false, false);
        }
    }

    /** The sheet list with used ranges (cells with a value), in tab order; one pass over the workbook stream. */
    static List<XlsxReader.SheetInfo> sheets(Path file) throws XlsxReader.Unreadable {
        Pass pass = new Pass(-1, Set.of(), 0);
        run(file, pass);
        List<XlsxReader.SheetInfo> out = new ArrayList<>();
        for (int i = 0; i < pass.bound.size(); i++) {
            BoundSheetRecord b = pass.bound.get(i);
            int[] u = pass.used.getOrDefault(i, new int[] {0, -1, 0, -1});
            out.add(new XlsxReader.SheetInfo(
                    i, i + 1L, b.getSheetname(), !b.isHidden() && !b.isVeryHidden(), u[0], u[1], u[2], u[3]));
        }
        return out;
    }

    /** One pass over sheet {@code idx}, keeping blocks as {@link XlsxReader#scan} does. */
    static XlsxReader.Scan scan(Path file, int idx, Set<Integer> wanted, int budget) throws XlsxReader.Unreadable {
        Pass pass = new Pass(idx, wanted, budget);
        run(file, pass);
        if (idx >= pass.bound.size()) {
            throw new IndexOutOfBoundsException("sheet " + idx);
        }
        for (List<XlsxReader.Cell> cells : pass.blocks.values()) {
            // BIFF writes cells row by row, column by column; sorted anyway, the cache binary-searches them
            cells.sort(Comparator.comparingInt(XlsxReader.Cell::row).thenComparingInt(XlsxReader.Cell::col));
        }
        return new XlsxReader.Scan(pass.merges, pass.blocks, pass.kept, pass.pictures());
    }

    /**
     * Streams the picture {@code key} ({@code image<n>.<ext>}, as {@link #scan} reports it) to {@code sink}; false when
     * the workbook has no such picture. Reads the workbook globals only (the drawing group is there).
     */
    static boolean picture(Path file, String key, XlsxReader.PictureSink sink)
            throws XlsxReader.Unreadable, IOException {
        Matcher m = KEY.matcher(key);
        if (!m.matches()) {
            return false;
        }
        Pass pass = new Pass(Integer.MAX_VALUE, Set.of(), 0);
        run(file, pass);
        if (pass.group == null) {
            return false;
        }
        byte[] group = pass.group.getRawData();
        List<int[]> store = blipStore(group);
        int n = Integer.parseInt(m.group(1));
        if (n > store.size() || !key.equals(key(n, store.get(n - 1)[1]))) {
            return false;
        }
        byte[] data;
        try {
            EscherBSERecord bse = new EscherBSERecord();
            bse.fillFields(group, store.get(n - 1)[0], new DefaultEscherRecordFactory());
            EscherBlipRecord blip = bse.getBlipRecord();
            if (blip == null) {
                return false; // a BLIP kept outside the drawing group: not in an .xls
            }
            data = new HSSFPictureData(blip).getData();
        } catch (RuntimeException e) {
            return false; // a malformed entry has no picture to serve
        }
        sink.write(new ByteArrayInputStream(data));
        return true;
    }

    /**
     * The BLIP-store entries of a drawing group: {@code [offset, type]} of each BSE record, in store order (a picture
     * shape's BLIP property is a 1-based index into it). Walks record headers only, never a picture's bytes.
     */
    private static List<int[]> blipStore(byte[] group) {
        List<int[]> out = new ArrayList<>();
        int pos = 0;
        while (pos + 8 <= group.length) {
            int options = readUShort(group, pos);
            int id = readUShort(group, pos + 2);
            long length = readUInt(group, pos + 4);
            if ((options & 0xF) == 0xF) {
                pos += 8; // a container: its children follow
                continue;
            }
            if ((short) id == BSE && pos + 9 <= group.length) {
                out.add(new int[] {pos, group[pos + 8] & 0xFF});
            }
            long next = pos + 8L + length;
            if (next > group.length) {
                break;
            }
            pos = (int) next;
        }
        return out;
    }

    private static int readUShort(byte[] b, int at) {
        return (b[at] & 0xFF) | ((b[at + 1] & 0xFF) << 8);
    }

    private static long readUInt(byte[] b, int at) {
        return readUShort(b, at) | ((long) readUShort(b, at + 2) << 16);
    }

    /** The name of BLIP-store entry {@code n} of type {@code type} (MSOBLIPTYPE), null for a type not reported. */
    private static String key(int n, int type) {
        String ext = switch (type) {
            case 2 -> "emf";
            case 3 -> "wmf";
            case 4 -> "pict";
            case 5, 0x12 -> "jpeg";
            case 6 -> "png";
            case 7 -> "dib";
            case 0x11 -> "tif";
            default -> null;
        };
        return ext == null ? null : "image" + n + "." + ext;
    }

    /** Picture shapes of a sheet's drawing (its escher records, concatenated), with their BLIP index and anchor. */
    private static List<XlsxReader.Picture> pictures(byte[] drawing, List<int[]> store) {
        List<XlsxReader.Picture> out = new ArrayList<>();
        EscherRecordFactory factory = new DefaultEscherRecordFactory();
        int pos = 0;
        try {
            while (pos + 8 <= drawing.length && out.size() < XlsxReader.MAX_PICTURES) {
                EscherRecord r = factory.createRecord(drawing, pos);
                int n = r.fillFields(drawing, pos, factory);
                if (n <= 0) {
                    break;
                }
                pos += n;
                shapes(r, null, store, out);
            }
        } catch (RuntimeException e) {
            // a malformed drawing reports the pictures read before it
        }
        return out;
    }

    /**
     * Collects the picture shapes under {@code r}. A shape inside a group has an anchor relative to the group: it is
     * reported at the group's cell ({@code groupAnchor}).
     */
    private static void shapes(
            EscherRecord r, EscherClientAnchorRecord groupAnchor, List<int[]> store, List<XlsxReader.Picture> out) {
        if (out.size() >= XlsxReader.MAX_PICTURES) {
            return;
        }
        if (r.getRecordId() == EscherContainerRecord.SP_CONTAINER && r instanceof EscherContainerRecord sp) {
            EscherClientAnchorRecord anchor = sp.getChildById(EscherClientAnchorRecord.RECORD_ID);
            if (anchor == null) {
                anchor = groupAnchor;
            }
            EscherOptRecord opt = sp.getChildById(EscherOptRecord.RECORD_ID);
            EscherProperty blip = opt == null ? null : opt.lookup(EscherPropertyTypes.BLIP__BLIPTODISPLAY);
            if (anchor != null && blip instanceof EscherSimpleProperty p) {
                int n = p.getPropertyValue();
                String key = n >= 1 && n <= store.size() ? key(n, store.get(n - 1)[1]) : null;
                if (key != null) {
                    out.add(new XlsxReader.Picture(anchor.getRow1() & 0xFFFF, anchor.getCol1() & 0xFFFF, key));
                }
            }
            return;
        }
        EscherClientAnchorRecord inherited = groupAnchor;
        if (r.getRecordId() == EscherContainerRecord.SPGR_CONTAINER) {
            // the group's own shape comes first and holds the group's anchor
            List<EscherRecord> children = r.getChildRecords();
            if (!children.isEmpty() && children.get(0) instanceof EscherContainerRecord first) {
                EscherClientAnchorRecord a = first.getChildById(EscherClientAnchorRecord.RECORD_ID);
                if (a != null && inherited == null) {
                    inherited = a;
                }
            }
        }
        for (EscherRecord c : r.getChildRecords()) {
            shapes(c, inherited, store, out);
        }
    }

    private static void run(Path file, Pass pass) throws XlsxReader.Unreadable {
        try (POIFSFileSystem fs = new POIFSFileSystem(file.toFile(), true)) {
            HSSFRequest req = new HSSFRequest();
            EventWorkbookBuilder.SheetRecordCollectingListener stubs =
                    new EventWorkbookBuilder.SheetRecordCollectingListener(pass);
            FormatTrackingHSSFListener formats = new FormatTrackingHSSFListener(stubs, Locale.ROOT);
            pass.formats = formats;
            pass.stubs = stubs;
            req.addListenerForAllRecords(formats);
            new HSSFEventFactory().processWorkbookEvents(req, fs);
        } catch (Stop done) {
            // the sheet asked for is read
        } catch (IndexOutOfBoundsException e) {
            throw new XlsxReader.Unreadable("IndexOutOfBoundsException: " + e.getMessage(), e);
        } catch (IOException | RuntimeException | StackOverflowError e) {
            // not OLE2, no Workbook stream (an encrypted xlsx, a Word file), encrypted BIFF, truncated records
            throw new XlsxReader.Unreadable(e.getClass().getSimpleName() + ": " + e.getMessage(), e);
        }
    }

    /** The listener of one pass: sheet bookkeeping, and the cells of sheet {@code target} (all sheets' ranges when -1). */
    private static final class Pass implements HSSFListener {
        final int target;
        final Set<Integer> wanted;
        final int budget;
        final List<BoundSheetRecord> bound = new ArrayList<>();
        final Map<Integer, int[]> used = new TreeMap<>();
        final Map<Integer, List<XlsxReader.Cell>> blocks = new TreeMap<>();
        final List<XlsxReader.Merge> merges = new ArrayList<>();
        final List<SharedFormulaRecord> shared = new ArrayList<>();
        /** Cells of a shared formula read before its SHRFMLA record (the group's first cell): resolved when it comes. */
        final List<FormulaRecord> pendingShared = new ArrayList<>();

        FormatTrackingHSSFListener formats;
        EventWorkbookBuilder.SheetRecordCollectingListener stubs;
        /** The workbook's drawing group (a scan or a picture read): HSSF joins its later records into this one. */
        DrawingGroupRecord group;
        /** The target sheet's drawing records, in order; null once over {@link #MAX_SHEET_DRAWING}. */
        private ByteArrayOutputStream drawing = new ByteArrayOutputStream();
        /** The last drawing record, and the continuation HSSF last handed it (drawing data after an OBJ record). */
        private DrawingRecord lastDrawing;

        private Object lastContinued;
        private boolean afterDrawing;
        int kept;
        private boolean overBudget;
        private SSTRecord sst;
        private int depth;
        private boolean globalsDone;
        private int substream = -1;
        private int[] tabOfSubstream;
        /** A formula whose cached string result is in the next STRING record. */
        private FormulaRecord stringFormula;

        Pass(int target, Set<Integer> wanted, int budget) {
            this.target = target;
            this.wanted = wanted;
            this.budget = budget;
        }

        private int currentTab() {
            return substream >= 0 && tabOfSubstream != null && substream < tabOfSubstream.length
                    ? tabOfSubstream[substream]
                    : -1;
        }

        /** The target sheet's pictures, from its drawing and the workbook's BLIP store. */
        List<XlsxReader.Picture> pictures() {
            if (group == null || drawing == null || drawing.size() == 0) {
                return List.of();
            }
            return XlsReader.pictures(drawing.toByteArray(), blipStore(group.getRawData()));
        }

        private void drawing(byte[] data) {
            if (drawing == null || data == null) {
                return;
            }
            if (drawing.size() + (long) data.length > MAX_SHEET_DRAWING) {
                drawing = null;
                return;
            }
            drawing.write(data, 0, data.length);
        }

        /**
         * Drawing data continued after an OBJ record is handed by HSSF to the last drawing record (as its {@code contd}
         * property), not to the listener: picked up here, before the next record, so the order is kept.
         */
        @SuppressWarnings("ReferenceEquality") // each continuation is a new array: identity tells a new one
        private void continued() {
            if (lastDrawing == null) {
                return;
            }
            var contd = lastDrawing.getGenericProperties().get("contd");
            Object now = contd == null ? null : contd.get();
            if (now != lastContinued && now instanceof byte[] bytes) {
                lastContinued = now;
                drawing(bytes);
            }
        }

        @Override
        public void processRecord(Record r) {
            if (target >= 0) {
                continued();
            }
            boolean wasAfterDrawing = afterDrawing;
            afterDrawing = false;
            if (r instanceof DrawingGroupRecord g) {
                if (target >= 0 && !globalsDone && group == null) {
                    group = g;
                }
            } else if (r instanceof DrawingRecord d) {
                if (target >= 0 && inTarget()) {
                    drawing(d.getRecordData());
                    lastDrawing = d;
                    var contd = d.getGenericProperties().get("contd");
                    lastContinued = contd == null ? null : contd.get();
                    afterDrawing = true;
                }
            } else if (r instanceof ContinueRecord c) {
                if (wasAfterDrawing && inTarget()) {
                    drawing(c.getData());
                    afterDrawing = true;
                }
            } else if (r instanceof BOFRecord bof) {
                if (depth == 0) {
                    if (!globalsDone) {
                        if (bof.getType() != BOFRecord.TYPE_WORKBOOK) {
                            throw new IllegalStateException("not a BIFF8 workbook stream");
                        }
                    } else {
                        substream++;
                        if (tabOfSubstream == null) {
                            tabOfSubstream = tabsByStreamOrder(bound);
                        }
                        shared.clear();
                        pendingShared.clear();
                    }
                }
                depth++;
            } else if (r instanceof EOFRecord) {
                depth--;
                if (depth == 0) {
                    if (!globalsDone) {
                        globalsDone = true;
                        if (target == Integer.MAX_VALUE) {
                            throw new Stop(); // a picture read: the drawing group is in the globals
                        }
                    } else if (target >= 0 && currentTab() == target) {
                        throw new Stop();
                    }
                }
            } else if (r instanceof BoundSheetRecord b) {
                bound.add(b);
            } else if (r instanceof SSTRecord s) {
                sst = s;
            } else if (r instanceof MergeCellsRecord m) {
                if (inTarget()) {
                    for (int i = 0; i < m.getNumAreas(); i++) {
                        CellRangeAddress a = m.getAreaAt(i);
                        merges.add(new XlsxReader.Merge(
                                a.getFirstRow(), a.getLastRow(), a.getFirstColumn(), a.getLastColumn()));
                    }
                }
            } else if (r instanceof SharedFormulaRecord s) {
                if (inTarget()) {
                    shared.add(s);
                    for (var it = pendingShared.iterator(); it.hasNext(); ) {
                        FormulaRecord f = it.next();
                        if (s.isInRange(f.getRow(), f.getColumn())) {
                            it.remove();
                            replaceFormula(f, formulaText(s.getFormulaTokens(f)));
                        }
                    }
                }
            } else if (r instanceof StringRecord s) {
                if (stringFormula != null) {
                    FormulaRecord f = stringFormula;
                    stringFormula = null;
                    value(f.getRow(), f.getColumn(), s.getString(), formulaOf(f), null);
                }
            } else if (r instanceof NumberRecord n) {
                number(n, n.getValue(), null);
            } else if (r instanceof RKRecord rk) {
                number(rk, rk.getRKNumber(), null);
            } else if (r instanceof MulRKRecord m) {
                for (int i = 0; i < m.getNumColumns(); i++) {
                    NumberRecord n = new NumberRecord();
                    n.setRow(m.getRow());
                    n.setColumn((short) (m.getFirstColumn() + i));
                    n.setXFIndex(m.getXFAt(i));
                    n.setValue(m.getRKNumberAt(i));
                    number(n, n.getValue(), null);
                }
            } else if (r instanceof LabelSSTRecord l) {
                String s = sst == null ? "" : sst.getString(l.getSSTIndex()).getString();
                value(l.getRow(), l.getColumn(), s, s, null);
            } else if (r instanceof LabelRecord l) {
                value(l.getRow(), l.getColumn(), l.getValue(), l.getValue(), null);
            } else if (r instanceof BoolErrRecord b) {
                String s = b.isBoolean() ? (b.getBooleanValue() ? "TRUE" : "FALSE") : errorText(b.getErrorValue());
                value(b.getRow(), b.getColumn(), s, s, null);
            } else if (r instanceof FormulaRecord f) {
                formula(f);
            }
        }

        private boolean inTarget() {
            return globalsDone && depth == 1 && (target < 0 || currentTab() == target);
        }

        private boolean keeps(int block) {
            return wanted.contains(block) || !overBudget;
        }

        private void formula(FormulaRecord f) {
            if (!inTarget()) {
                return;
            }
            CellType t = f.getCachedResultTypeEnum();
            String text = switch (t) {
                case NUMERIC -> null;
                case BOOLEAN -> f.getCachedBooleanValue() ? "TRUE" : "FALSE";
                case ERROR -> errorText((byte) f.getCachedErrorValue());
                default -> "";
            };
            if (t == CellType.STRING) {
                stringFormula = f; // the text follows in a STRING record
                // recorded now too, so a missing STRING record still leaves the cell
                value(f.getRow(), f.getColumn(), "", formulaOf(f), null);
                return;
            }
            if (t == CellType.NUMERIC) {
                number(f, f.getValue(), formulaOf(f));
            } else {
                value(f.getRow(), f.getColumn(), text, formulaOf(f), null);
            }
        }

        /** "=A1*2", or null when the tokens cannot be rendered (the cell then shows its cached value only). */
        private String formulaOf(FormulaRecord f) {
            Ptg[] ptgs = f.getParsedExpression();
            if (ptgs.length > 0 && ptgs[0] instanceof ExpPtg) {
                for (SharedFormulaRecord s : shared) {
                    if (s.isInRange(f.getRow(), f.getColumn())) {
                        return formulaText(s.getFormulaTokens(f));
                    }
                }
                pendingShared.add(f);
                return null;
            }
            return formulaText(ptgs);
        }

        private String formulaText(Ptg[] ptgs) {
            try {
                return "=" + HSSFFormulaParser.toFormulaString(stubs.getStubHSSFWorkbook(), ptgs);
            } catch (RuntimeException e) {
                return null;
            }
        }

        /** The group's first cell got its text once its SHRFMLA record arrived. */
        private void replaceFormula(FormulaRecord f, String formula) {
            if (formula == null) {
                return;
            }
            List<XlsxReader.Cell> cells = blocks.get(f.getRow() / XlsxReader.BLOCK_ROWS);
            if (cells == null) {
                return;
            }
            for (int i = cells.size() - 1; i >= 0; i--) {
                XlsxReader.Cell c = cells.get(i);
                if (c.row() == f.getRow() && c.col() == f.getColumn()) {
                    cells.set(i, new XlsxReader.Cell(c.row(), c.col(), c.text(), formula, c.numFormat()));
                    return;
                }
            }
        }

        private void number(CellValueRecordInterface cell, double v, String formula) {
            if (!inTarget()) {
                return;
            }
            String fmt = formats.getFormatString(cell);
            int fmtIndex = formats.getFormatIndex(cell);
            boolean general = fmt == null || "General".equalsIgnoreCase(fmt);
            String shown;
            if (general) {
                shown = v == Math.rint(v) && Math.abs(v) < 1e11
                        ? Long.toString((long) v)
                        : FORMATTER.formatRawCellContents(v, 0, "General");
            } else {
                shown = FORMATTER.formatRawCellContents(v, fmtIndex, fmt);
            }
            value(
                    cell.getRow(),
                    cell.getColumn(),
                    shown,
                    formula != null ? formula : Formulas.text(v),
                    general ? null : fmt);
        }

        private void value(int row, int col, String text, String formula, String numFormat) {
            if (!inTarget()) {
                return;
            }
            if (target < 0) {
                int tab = currentTab();
                int[] u = used.computeIfAbsent(tab, k -> new int[] {Integer.MAX_VALUE, -1, Integer.MAX_VALUE, -1});
                u[0] = Math.min(u[0], row);
                u[1] = Math.max(u[1], row);
                u[2] = Math.min(u[2], col);
                u[3] = Math.max(u[3], col);
                return;
            }
            int block = row / XlsxReader.BLOCK_ROWS;
            if (!keeps(block)) {
                return;
            }
            List<XlsxReader.Cell> cells = blocks.computeIfAbsent(block, b -> new ArrayList<>());
            // a STRING record completes a formula cell already recorded: replace it
            if (!cells.isEmpty()) {
                XlsxReader.Cell last = cells.get(cells.size() - 1);
                if (last.row() == row && last.col() == col) {
                    cells.set(cells.size() - 1, new XlsxReader.Cell(row, col, text, formula, numFormat));
                    return;
                }
            }
            cells.add(new XlsxReader.Cell(row, col, text, formula, numFormat));
            kept++;
            if (!overBudget && kept > budget) {
                overBudget = true;
                blocks.keySet().removeIf(b -> !wanted.contains(b));
                kept = blocks.values().stream().mapToInt(List::size).sum();
            }
        }
    }

    private static String errorText(byte code) {
        try {
            return FormulaError.forInt(code).getString();
        } catch (IllegalArgumentException e) {
            return "#N/A";
        }
    }

    /** Tab index of each sheet substream, in the order the substreams come (their BOF offsets). */
    private static int[] tabsByStreamOrder(List<BoundSheetRecord> bound) {
        BoundSheetRecord[] byOffset = BoundSheetRecord.orderByBofPosition(bound);
        int[] tabs = new int[byOffset.length];
        for (int i = 0; i < byOffset.length; i++) {
            tabs[i] = bound.indexOf(byOffset[i]);
        }
        return tabs;
    }

    static boolean isOle2(Path file) {
        try (var in = Files.newInputStream(file)) {
            byte[] head = in.readNBytes(8);
            return Arrays.equals(head, new byte[] {
                (byte) 0xD0, (byte) 0xCF, 0x11, (byte) 0xE0, (byte) 0xA1, (byte) 0xB1, 0x1A, (byte) 0xE1
            });
        } catch (IOException e) {
            return false;
        }
    }
}
