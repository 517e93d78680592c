package io.yundoc.cli;

import io.yundoc.client.Tables;
import io.yundoc.client.YundocClient;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code yundoc table}: light tables (docs/api-families.md §F2) — their schema, list records, add a record. */
@Command(
        name = "table",
        mixinStandardHelpOptions = true,
        description = "Light tables (.dbt): schema, list and add records.",
        subcommands = {TableCommand.Schema.class, TableCommand.ListRecords.class, TableCommand.Add.class})
final class TableCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "name a subcommand: schema, list or add");
    }

    @Command(name = "schema", mixinStandardHelpOptions = true, description = "The document's tables with their fields.")
    static final class Schema extends ClientCommand {
        @Parameters(index = "0", description = "the .dbt file token")
        String token;

        @Override
        public Integer call() {
            rejectOptionLike(token);
            try (YundocClient c = o.client(false)) {
                List<Tables.Sheet> sheets = c.tables().schemas(token);
                if (o.json) {
                    Output.json(out(), sheets);
                    return 0;
                }
                List<List<String>> rows = new ArrayList<>();
                for (Tables.Sheet s : sheets) {
                    for (Tables.Field f : s.fields()) {
                        rows.add(List.of(Integer.toString(s.id()), s.name(), f.id(), f.name(), f.type()));
                    }
                }
                Output.table(out(), List.of("SHEET", "TABLE", "FIELD", "NAME", "TYPE"), rows);
            }
            return 0;
        }
    }

    @Command(
            name = "list",
            mixinStandardHelpOptions = true,
            description = "List a table's records, every page; --where filters (complex_query).")
    static final class ListRecords extends ClientCommand {
        @Parameters(index = "0", description = "the .dbt file token")
        String token;

        @Option(names = "--sheet", description = "table id (default 1)")
        int sheet = 1;

        @Option(
                names = "--where",
                description = "FIELD:OP:VALUE, e.g. 数量:Greater:2 (ops: Equals, NotEqu, Contains, "
                        + "NotContains, Greater, Less, Empty, NotEmpty); repeatable, all must match")
        List<String> where = new ArrayList<>();

        @Option(names = "--fields", split = ",", description = "only these fields")
        List<String> fields = new ArrayList<>();

        @Option(names = "--max", description = "at most this many records")
        Long max;

        @Override
        public Integer call() {
            rejectOptionLike(token);
            Tables.RecordQuery q = Tables.RecordQuery.all().pageSize(500).fields(fields.toArray(String[]::new));
            if (max != null) {
                q.maxRecords(max);
            }
            for (String w : where) {
                String[] p = w.split(":", 3);
                if (p.length < 2) {
                    throw usage("--where takes FIELD:OP[:VALUE]");
                }
                q.where(p[0], p[1], p.length == 3 ? new String[] {p[2]} : new String[0]);
            }
            try (YundocClient c = o.client(false)) {
                List<Tables.Record> records = c.tables().allRecords(token, sheet, q);
                if (o.json) {
                    Output.json(out(), records);
                    return 0;
                }
                List<String> columns = new ArrayList<>();
                for (Tables.Record r : records) {
                    r.fields().keySet().stream()
                            .filter(k -> !columns.contains(k))
                            .forEach(columns::add);
                }
                List<String> header = new ArrayList<>(List.of("ID"));
                header.addAll(columns);
                List<List<String>> rows = new ArrayList<>();
                for (Tables.Record r : records) {
                    List<String> row = new ArrayList<>(List.of(r.id()));
                    for (String col : columns) {
                        String v = r.text(col);
                        row.add(v == null ? "" : v);
                    }
                    rows.add(row);
                }
                Output.table(out(), header, rows);
            }
            return 0;
        }
    }

    @Command(
            name = "add",
            mixinStandardHelpOptions = true,
            description = "Add one record: --set FIELD=VALUE ...; prints its id.")
    static final class Add extends ClientCommand {
        @Parameters(index = "0", description = "the .dbt file token")
        String token;

        @Option(names = "--sheet", description = "table id (default 1)")
        int sheet = 1;

        @Option(
                names = "--set",
                required = true,
                description = "FIELD=VALUE (numbers and true/false are sent as text; the "
                        + "server reads them by the field's type)")
        List<String> set = new ArrayList<>();

        @Override
        public Integer call() {
            rejectOptionLike(token);
            Map<String, Object> values = new LinkedHashMap<>();
            for (String s : set) {
                int eq = s.indexOf('=');
                if (eq <= 0) {
                    throw usage("--set takes FIELD=VALUE");
                }
                values.put(s.substring(0, eq), s.substring(eq + 1));
            }
            try (YundocClient c = o.client(false)) {
                Tables.Record r =
                        c.tables().createRecords(token, sheet, List.of(values)).get(0);
                if (o.json) {
                    Output.json(out(), r);
                } else {
                    out().println(r.id());
                }
            }
            return 0;
        }
    }
}
