package io.yundoc.cli;

import io.yundoc.client.YundocClient;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
        name = "rm",
        mixinStandardHelpOptions = true,
        description = "Delete files: personal ones go to the recycle bin; --app destroys them for good.")
final class RmCommand extends ClientCommand {
    @Parameters(arity = "1..*", description = "file tokens")
    List<String> tokens;

    @Option(names = "--app", arity = "0..1", fallbackValue = "true", description = "app space (permanent)")
    boolean app;

    @Option(names = "--modifier", description = "app space: modifier to record")
    String modifier;

    @Override
    public Integer call() {
        rejectOptionLike(tokens);
        try (YundocClient c = o.client(app)) {
            if (app) {
                for (String t : tokens) {
                    c.appSpace().destroy(t, modifier);
                }
            } else if (tokens.size() == 1) {
                c.personal().delete(tokens.get(0));
            } else {
                c.personal().deleteAll(tokens);
            }
        }
        if (o.json) {
            Output.json(out(), Map.of("deleted", tokens));
        } else {
            out().println((app ? "Destroyed " : "Moved to the recycle bin: ") + String.join(" ", tokens));
            out().flush();
        }
        return 0;
    }
}
