package io.yundoc.cli;

import io.yundoc.client.FileTokenStore;
import java.util.Map;
import picocli.CommandLine.Command;

@Command(name = "logout", mixinStandardHelpOptions = true, description = "Forget the stored tokens.")
final class LogoutCommand extends ClientCommand {
    @Override
    public Integer call() {
        new FileTokenStore(o.tokensFile()).clear();
        if (!o.json) {
            out().println("Logged out; removed " + o.tokensFile());
            out().flush();
        } else {
            Output.json(out(), Map.of("logged_out", true));
        }
        return 0;
    }
}
