package io.yundoc.cli;

import io.yundoc.client.YundocClient;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(
        name = "unshare",
        mixinStandardHelpOptions = true,
        description = "Remove a personal file's share link for good.")
final class UnshareCommand extends ClientCommand {
    @Parameters(index = "0", description = "file token")
    String token;

    @Override
    public Integer call() {
        rejectOptionLike(token);
        try (YundocClient c = o.client(false)) {
            c.personal().unshare(token);
        }
        if (o.json) {
            Output.json(out(), Map.of("unshared", token));
        } else {
            out().println("Removed the share link of " + token);
            out().flush();
        }
        return 0;
    }
}
