package io.yundoc.cli;

import io.yundoc.protocol.wire.AppFileInfo;
import io.yundoc.protocol.wire.FileItem;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** Shared plumbing: output streams, the client, the app-space switch. */
abstract class ClientCommand implements Callable<Integer> {
    @Mixin
    ClientOptions o;

    @Spec
    CommandSpec spec;

    static final List<String> ITEM_HEADER = List.of("TYPE", "NAME", "SIZE", "MODIFIED", "ID");

    static final List<String> APP_HEADER = List.of("TYPE", "NAME", "SIZE", "VERSION", "MODIFIED", "TOKEN");

    PrintWriter out() {
        return spec.commandLine().getOut();
    }

    PrintWriter err() {
        return spec.commandLine().getErr();
    }

    static List<String> itemRow(FileItem f) {
        return List.of(
                f.ftype(),
                f.fname(),
                f.ftype().equals("folder") ? "-" : Output.size(f.fsize()),
                Output.time(f.mtime()),
                f.id().openId());
    }

    static List<String> appRow(AppFileInfo f) {
        return List.of(
                f.type(),
                f.name(),
                f.type().equals("folder") ? "-" : Output.size(f.size()),
                Long.toString(f.version()),
                Output.time(f.mtime()),
                f.fileToken());
    }

    static CliException usage(String message) {
        return new CliException(2, message);
    }

    /**
     * File tokens may start with '-', so unknown options reach the commands as arguments; one that starts with
     * "--" is still a typo'd option (a token that starts with "--" is 1 in 4096 and can be given as -- --x...).
     */
    void rejectOptionLike(List<?> args) {
        List<String> raw = spec.commandLine().getParseResult().originalArgs();
        int dashdash = raw.indexOf("--");
        for (Object a : args) {
            String s = String.valueOf(a);
            int at = raw.indexOf(s);
            if (s.startsWith("--") && s.length() > 2 && (dashdash < 0 || at < dashdash)) {
                throw usage("unknown option " + s);
            }
        }
    }

    void rejectOptionLike(Object one) {
        if (one != null) {
            rejectOptionLike(List.of(one));
        }
    }
}
