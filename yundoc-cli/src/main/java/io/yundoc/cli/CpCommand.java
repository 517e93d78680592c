package io.yundoc.cli;

import io.yundoc.client.Models;
import io.yundoc.client.YundocClient;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "cp", mixinStandardHelpOptions = true, description = "Copy personal files (deeply for folders).")
final class CpCommand extends ClientCommand {
    @Parameters(arity = "1..*", description = "file tokens")
    List<String> tokens;

    @Option(names = "--to", description = "target folder id (default: the source folder)")
    String to;

    @Option(
            names = "--app",
            arity = "0..1",
            fallbackValue = "true",
            description = "app space: not supported (no copy endpoint)")
    boolean app;

    @Override
    public Integer call() {
        rejectOptionLike(tokens);
        if (app) {
            throw usage("the app space has no copy endpoint (api.md §5.9)");
        }
        Models.TaskResult r;
        try (YundocClient c = o.client(false)) {
            r = c.personal().copy(tokens, to);
        }
        if (o.json) {
            Output.json(out(), r);
        } else {
            out().println("Copied; new ids: " + String.join(" ", r.fileIds()));
            out().flush();
        }
        return 0;
    }
}
