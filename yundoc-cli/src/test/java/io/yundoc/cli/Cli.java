package io.yundoc.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;

/** Runs the real {@code yundoc} command in process with captured stdout and stderr. */
final class Cli {
    record Result(int exit, String out, String err) {
        @Override
        public String toString() {
            return "exit " + exit + "\n--- stdout\n" + out + "--- stderr\n" + err;
        }
    }

    private final List<String> common;

    Cli(String... common) {
        this.common = List.of(common);
    }

    /** Common options go after the subcommand name (they belong to each client command). */
    Result run(String... args) {
        List<String> all = new ArrayList<>();
        all.add(args[0]);
        if (!args[0].equals("completion") && !args[0].equals("help")) {
            all.addAll(common);
        }
        all.addAll(List.of(args).subList(1, args.length));
        return raw(all.toArray(String[]::new));
    }

    static Result raw(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = Main.commandLine(args);
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int code = cl.execute(args);
        return new Result(code, out.toString(), err.toString());
    }
}
