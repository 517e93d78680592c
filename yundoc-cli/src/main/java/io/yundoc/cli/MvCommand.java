package io.yundoc.cli;

import io.yundoc.client.Models;
import io.yundoc.client.YundocClient;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "mv", mixinStandardHelpOptions = true, description = "Move files into a folder.")
final class MvCommand extends ClientCommand {
    @Parameters(arity = "1..*", description = "file tokens (all from one folder)")
    List<String> tokens;

    @Option(names = "--to", required = true, description = "target folder id (personal) or token (--app; \"\" = root)")
    String to;

    @Option(names = "--app", arity = "0..1", fallbackValue = "true", description = "app space")
    boolean app;

    @Override
    public Integer call() {
        rejectOptionLike(tokens);
        Models.TaskResult r;
        try (YundocClient c = o.client(app)) {
            r = app ? c.appSpace().move(tokens, to, null) : c.personal().move(tokens, to);
        }
        if (o.json) {
            Output.json(out(), r);
        } else {
            out().println("Moved " + String.join(" ", r.fileIds()) + " to " + (to.isEmpty() ? "the root" : to));
            out().flush();
        }
        return 0;
    }
}
