package io.yundoc.server.sheets;

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
 * than Excel's default), truncated or not a BIFF8 workbook → {@link XlsxReader.Unreadable} (30011, §F1.1). Pictures
 * inside .xls files are not reported (their drawing records are not read).
 */
final class XlsReader {
    private static final DataFormatter FORMATTER = new DataFormatter(Locale.ROOT);

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
        return new XlsxReader.Scan(pass.merges, pass.blocks, pass.kept, List.of());
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

        @Override
        public void processRecord(Record r) {
            if (r instanceof BOFRecord bof) {
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
