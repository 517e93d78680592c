package io.yundoc.cli;

import io.yundoc.client.Sheets;
import io.yundoc.client.YundocClient;
import io.yundoc.client.YundocException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code yundoc sheet}: list the sheets of a workbook (.xlsx, et) or .ksheet, read a range as a table or JSON, write
 * cells of a .ksheet from a CSV file (docs/cli.md, docs/api-families.md §F1).
 */
@Command(
        name = "sheet",
        mixinStandardHelpOptions = true,
        description = {
            "Spreadsheets (.xlsx workbooks and .ksheet documents):",
            "  sheet ls TOKEN                          list the sheets",
            "  sheet read TOKEN --range A1:D20         a range as a table (--json: the cells as the API returns them)",
            "  sheet write TOKEN --csv FILE [--at B2]  write a CSV file into a .ksheet (=... fields are formulas);",
            "                                          sent 2,000 cells a request: each request is atomic, a larger file is not"
        })
final class SheetCommand extends ClientCommand {
    @Parameters(index = "0", description = "ls, read or write")
    String action;

    @Parameters(index = "1", description = "file token")
    String token;

    @Option(names = "--sheet", description = "sheet index, 0-based (default 0)")
    int sheet;

    @Option(names = "--range", description = "read: the cells, e.g. A1:D20")
    String range;

    @Option(names = "--csv", description = "write: CSV file (RFC 4180, UTF-8); - for standard input")
    String csv;

    @Option(names = "--at", description = "write: top-left cell (default A1)")
    String at = "A1";

    private static final Pattern A1 = Pattern.compile("([A-Za-z]{1,3})([0-9]{1,7})");

    @Override
    public Integer call() throws IOException {
        rejectOptionLike(token);
        return switch (action) {
            case "ls" -> ls();
            case "read" -> {
                if (range == null) {
                    throw usage("sheet read needs --range");
                }
                yield read();
            }
            case "write" -> {
                if (csv == null) {
                    throw usage("sheet write needs --csv");
                }
                yield write();
            }
            default -> throw usage("unknown sheet action " + action + " (ls, read, write)");
        };
    }

    /** The document's family: ksheet unless the server says it is not one (then et, an .xlsx workbook). */
    static Sheets.Family family(YundocClient c, String token) {
        try {
            c.sheets().sheets(Sheets.Family.KSHEET, token);
            return Sheets.Family.KSHEET;
        } catch (YundocException e) {
            if (e.code() == 10001 && "document is not a ksheet".equals(e.hint())) {
                return Sheets.Family.ET;
            }
            throw e;
        }
    }

    /** {row, col} of an A1 reference, 0-based. */
    static int[] cell(String ref) {
        Matcher m = A1.matcher(ref.trim());
        if (!m.matches()) {
            throw ClientCommand.usage("not a cell reference: " + ref);
        }
        int col = 0;
        for (char ch : m.group(1).toUpperCase(Locale.ROOT).toCharArray()) {
            col = col * 26 + (ch - 'A' + 1);
        }
        int row = Integer.parseInt(m.group(2));
        if (row < 1) {
            throw ClientCommand.usage("rows start at 1: " + ref);
        }
        return new int[] {row - 1, col - 1};
    }

    /** "A1:D20" or "B3" as a range. */
    static Sheets.Range range(String a1) {
        String[] p = a1.split(":", -1);
        if (p.length > 2) {
            throw ClientCommand.usage("not a range: " + a1);
        }
        int[] from = cell(p[0]);
        int[] to = p.length == 2 ? cell(p[1]) : from;
        return Sheets.Range.of(
                Math.min(from[0], to[0]), Math.max(from[0], to[0]), Math.min(from[1], to[1]), Math.max(from[1], to[1]));
    }

    static String colName(int col) {
        StringBuilder b = new StringBuilder();
        for (int n = col + 1; n > 0; n = (n - 1) / 26) {
            b.insert(0, (char) ('A' + (n - 1) % 26));
        }
        return b.toString();
    }

    private int ls() {
        {
            try (YundocClient c = o.client(false)) {
                List<Sheets.SheetInfo> sheets = c.sheets().sheets(family(c, token), token);
                if (o.json) {
                    Output.json(out(), sheets);
                    return 0;
                }
                List<List<String>> rows = new ArrayList<>();
                for (Sheets.SheetInfo s : sheets) {
                    String used = s.empty()
                            ? "-"
                            : colName(s.colFrom()) + (s.rowFrom() + 1) + ":" + colName(s.colTo()) + (s.rowTo() + 1);
                    rows.add(List.of(
                            Integer.toString(s.sheetIdx()),
                            s.sheetName(),
                            s.sheetType(),
                            s.visible() ? "yes" : "no",
                            used));
                }
                Output.table(out(), List.of("IDX", "NAME", "TYPE", "VISIBLE", "USED RANGE"), rows);
            }
            return 0;
        }
    }

    private int read() {
        {
            Sheets.Range r = range(range);
            try (YundocClient c = o.client(false)) {
                List<Sheets.Cell> cells = c.sheets().cells(family(c, token), token, sheet, r);
                if (o.json) {
                    Output.json(out(), cells);
                    return 0;
                }
                // a grid: one line per row of the range, merged areas shown in their top-left cell
                Map<Long, String> text = new LinkedHashMap<>();
                for (Sheets.Cell cell : cells) {
                    text.put(((long) cell.rowFrom() << 20) | cell.colFrom(), cell.text());
                }
                List<String> header = new ArrayList<>();
                header.add("");
                for (int col = r.colFrom(); col <= r.colTo(); col++) {
                    header.add(colName(col));
                }
                List<List<String>> rows = new ArrayList<>();
                for (int row = r.rowFrom(); row <= r.rowTo(); row++) {
                    List<String> line = new ArrayList<>();
                    line.add(Integer.toString(row + 1));
                    for (int col = r.colFrom(); col <= r.colTo(); col++) {
                        line.add(text.getOrDefault(((long) row << 20) | col, ""));
                    }
                    rows.add(line);
                }
                Output.table(out(), header, rows);
            }
            return 0;
        }
    }

    private int write() throws IOException {
        {
            int[] origin = cell(at);
            String text = "-".equals(csv)
                    ? new String(System.in.readAllBytes(), StandardCharsets.UTF_8)
                    : Files.readString(Path.of(csv), StandardCharsets.UTF_8);
            List<List<String>> rows = Csv.parse(text);
            int cells = 0;
            int requests = 0;
            try (YundocClient c = o.client(false)) {
                Sheets.CellWrites.Builder batch = Sheets.CellWrites.builder();
                int inBatch = 0;
                for (int i = 0; i < rows.size(); i++) {
                    List<String> row = rows.get(i);
                    for (int j = 0; j < row.size(); j++) {
                        batch.formula(Sheets.Range.cell(origin[0] + i, origin[1] + j), row.get(j));
                        cells++;
                        if (++inBatch == 2000) {
                            c.sheets().write(token, sheet, batch.build());
                            requests++;
                            batch = Sheets.CellWrites.builder();
                            inBatch = 0;
                        }
                    }
                }
                if (inBatch > 0) {
                    c.sheets().write(token, sheet, batch.build());
                    requests++;
                }
            }
            if (o.json) {
                Output.json(out(), Map.of("cells", cells, "requests", requests));
            } else {
                out().println("Wrote " + cells + " cells in " + requests + " request" + (requests == 1 ? "" : "s"));
                out().flush();
            }
            return 0;
        }
    }

    /** RFC 4180 CSV: quoted fields with "" for a quote, CRLF or LF line ends; a trailing empty line is dropped. */
    static final class Csv {
        private Csv() {}

        static List<List<String>> parse(String s) {
            List<List<String>> rows = new ArrayList<>();
            List<String> row = new ArrayList<>();
            StringBuilder field = new StringBuilder();
            boolean quoted = false;
            int i = s.startsWith("\uFEFF") ? 1 : 0;
            for (; i < s.length(); i++) {
                char ch = s.charAt(i);
                if (quoted) {
                    if (ch == '"') {
                        if (i + 1 < s.length() && s.charAt(i + 1) == '"') {
                            field.append('"');
                            i++;
                        } else {
                            quoted = false;
                        }
                    } else {
                        field.append(ch);
                    }
                } else if (ch == '"' && field.length() == 0) {
                    quoted = true;
                } else if (ch == ',') {
                    row.add(field.toString());
                    field.setLength(0);
                } else if (ch == '\n' || ch == '\r') {
                    if (ch == '\r' && i + 1 < s.length() && s.charAt(i + 1) == '\n') {
                        i++;
                    }
                    row.add(field.toString());
                    field.setLength(0);
                    rows.add(row);
                    row = new ArrayList<>();
                } else {
                    field.append(ch);
                }
            }
            if (quoted) {
                throw ClientCommand.usage("CSV ends inside a quoted field");
            }
            if (field.length() > 0 || !row.isEmpty()) {
                row.add(field.toString());
                rows.add(row);
            }
            return rows;
        }
    }
}
