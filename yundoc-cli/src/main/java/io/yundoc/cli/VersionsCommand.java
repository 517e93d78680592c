package io.yundoc.cli;

import io.yundoc.client.Models;
import io.yundoc.client.YundocClient;
import io.yundoc.protocol.wire.AppFileInfo;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
        name = "versions",
        mixinStandardHelpOptions = true,
        description = "List an app-space file's versions, newest first.")
final class VersionsCommand extends ClientCommand {
    @Parameters(index = "0", description = "file token")
    String token;

    @Option(
            names = "--app",
            arity = "0..1",
            fallbackValue = "true",
            description = "app space (the only space with versions; implied)")
    boolean app;

    @Override
    public Integer call() {
        rejectOptionLike(token);
        List<AppFileInfo> all = new ArrayList<>();
        try (YundocClient c = o.client(true)) {
            Long offset = null;
            do {
                Models.VersionPage p = c.appSpace().versions(token, offset, 100);
                all.addAll(p.versions());
                offset = p.nextOffset() < 0 ? null : p.nextOffset();
            } while (offset != null);
        }
        if (o.json) {
            Output.json(out(), all);
        } else {
            Output.table(
                    out(), APP_HEADER, all.stream().map(ClientCommand::appRow).toList());
        }
        return 0;
    }
}
