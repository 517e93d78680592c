package io.yundoc.cli;

import io.yundoc.client.LinkOptions;
import io.yundoc.client.YundocClient;
import io.yundoc.protocol.wire.LinkInfo;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
        name = "share",
        mixinStandardHelpOptions = true,
        description = "Create or update a personal file's share link.")
final class ShareCommand extends ClientCommand {
    @Parameters(index = "0", description = "file token")
    String token;

    @Option(names = "--write", arity = "0..1", fallbackValue = "true", description = "allow editing (default: read)")
    boolean write;

    @Option(names = "--comment", arity = "0..1", fallbackValue = "true", description = "allow comments")
    boolean comment;

    @Option(names = "--period", description = "0 (permanent), 7 or 30 days")
    Integer period;

    @Option(names = "--close", arity = "0..1", fallbackValue = "true", description = "members only")
    boolean close;

    @Option(
            names = "--reset",
            arity = "0..1",
            fallbackValue = "true",
            description = "issue a new link, killing the old one")
    boolean reset;

    @Option(
            names = "--app",
            arity = "0..1",
            fallbackValue = "true",
            description = "app space: not supported (no links)")
    boolean app;

    @Override
    public Integer call() {
        rejectOptionLike(token);
        if (app) {
            throw usage("app-space files have no share links");
        }
        if (period != null && period != 0 && period != 7 && period != 30) {
            throw usage("--period must be 0, 7 or 30");
        }
        LinkOptions l = write ? LinkOptions.write() : LinkOptions.read();
        if (comment) {
            l = l.withComments();
        }
        if (period != null) {
            l = l.withPeriod(period);
        }
        if (close) {
            l = l.withStatus("close");
        }
        if (reset) {
            l = l.withReset();
        }
        LinkInfo info;
        try (YundocClient c = o.client(false)) {
            info = c.personal().share(token, l);
        }
        printLink(info);
        return 0;
    }

    void printLink(LinkInfo info) {
        if (o.json) {
            Output.json(out(), info);
        } else {
            out().println(info.linkUrl());
            out().println("  file " + info.filename() + ", " + info.linkPermission()
                    + (info.extPermList().contains("comment") ? " + comment" : "")
                    + ", " + (info.expireTime() == 0 ? "permanent" : "expires " + Output.time(info.expireTime())));
            out().flush();
        }
    }
}
