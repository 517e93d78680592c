package io.yundoc.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.yundoc.client.BrowserLogin;
import io.yundoc.client.BrowserLoginException;
import io.yundoc.client.FileTokenStore;
import io.yundoc.client.Tokens;
import io.yundoc.client.YundocClient;
import io.yundoc.protocol.Scope;
import java.awt.Desktop;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code yundoc login}: the SDK's {@link io.yundoc.client.OAuth#loginWithBrowser} with the terminal around it
 * (the printed URL, a desktop browser when there is one, a redirect pasted on the terminal).
 */
@Command(
        name = "login",
        mixinStandardHelpOptions = true,
        description = {
            "Authorize this command line as a yundoc user (OAuth authorization code flow).",
            "Prints the authorize URL (and opens it when a desktop browser is available), listens on 127.0.0.1 for "
                    + "the redirect, exchanges the code and stores the tokens in the config dir with mode 0600.",
            "The app must have a loopback redirect URI such as http://127.0.0.1/callback registered (any port matches)."
        })
final class LoginCommand extends ClientCommand {
    @Option(
            names = "--callback-port",
            defaultValue = "0",
            description = "callback port on 127.0.0.1 (default: any free port)")
    int port;

    @Option(names = "--scopes", split = ",", description = "scopes to request (default: all eight)")
    List<String> scopes;

    @Option(names = "--no-browser", arity = "0..1", fallbackValue = "true", description = "only print the URL")
    boolean noBrowser;

    @Option(
            names = "--login-timeout",
            defaultValue = "300",
            description = "seconds to wait for the redirect (default ${DEFAULT-VALUE})")
    int timeout;

    @Override
    public Integer call() throws IOException {
        if (o.appId() == null || o.appKey() == null) {
            throw usage("login needs --app-id and --app-key (or YUNDOC_APP_ID and YUNDOC_APP_KEY)");
        }
        if (port < 0 || port > 65535) {
            throw usage("--callback-port must be 0..65535");
        }
        if (timeout < 1) {
            throw usage("--login-timeout must be at least 1 second");
        }
        List<Scope> wanted = new ArrayList<>();
        for (String s : scopes == null
                ? Arrays.stream(Scope.values()).map(Scope::wireName).toList()
                : scopes) {
            wanted.add(Scope.parse(s.trim()).orElseThrow(() -> usage("unknown scope " + s)));
        }
        PrintWriter err = err();
        boolean interactive = Progress.isTerminal(0);
        CompletableFuture<String> pasted = new CompletableFuture<>();
        Thread stdin = null;
        BrowserLogin login = BrowserLogin.builder()
                .scopes(wanted)
                .port(port)
                .timeout(Duration.ofSeconds(timeout))
                .pastedRedirect(pasted)
                .onAuthorizeUrl(started -> {
                    err.println("Open this URL in a browser to authorize yundoc:");
                    err.println();
                    err.println("  " + started.authorizeUrl());
                    err.println();
                    if (!noBrowser) {
                        openBrowser(started.authorizeUrl());
                    }
                    err.print("Waiting for the redirect to 127.0.0.1:" + started.port()
                            + (interactive ? " (or paste the redirect URL here and press Enter): " : " ..."));
                    err.flush();
                })
                .build();
        if (interactive) {
            // stdin only when it is a terminal: a pipe may belong to someone else (a test runner's channel)
            stdin = Thread.ofPlatform().daemon().start(() -> {
                try {
                    String line =
                            new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
                    if (line != null && !line.isBlank()) {
                        pasted.complete(line);
                    }
                } catch (Exception ignored) {
                    // no terminal after all: the listener alone decides
                }
            });
        }
        try (YundocClient client = YundocClient.builder()
                .baseUrl(o.server())
                .appId(o.appId())
                .appKey(o.appKey())
                .tokenStore(new FileTokenStore(o.tokensFile()))
                .build()) {
            Tokens tokens;
            try {
                tokens = client.oauth().loginWithBrowser(login);
            } catch (BrowserLoginException e) {
                throw new CliException(Main.EXIT_AUTH, e.getMessage());
            } finally {
                err.println();
                if (stdin != null) {
                    stdin.interrupt();
                }
            }
            o.saveConfig(o.server(), o.appId(), o.appKey());
            if (o.json) {
                ObjectNode n = ClientOptions.JSON
                        .createObjectNode()
                        .put("server", o.server())
                        .put("app_id", o.appId())
                        .put("tokens_file", o.tokensFile().toString())
                        .put(
                                "expires_at",
                                tokens.expiresAt() == null
                                        ? null
                                        : tokens.expiresAt().toString());
                Output.json(out(), n);
            } else {
                out().println("Logged in to " + o.server() + " (app " + o.appId() + "); tokens saved to "
                        + o.tokensFile());
                out().flush();
            }
            return 0;
        }
    }

    private static void openBrowser(URI url) {
        try {
            if (System.getenv("DISPLAY") == null
                    && System.getenv("WAYLAND_DISPLAY") == null
                    && !System.getProperty("os.name").toLowerCase(Locale.ROOT).contains("mac")) {
                return; // a terminal session: printing the URL is all we can do
            }
            if (Desktop.isDesktopSupported() && Desktop.getDesktop().isSupported(Desktop.Action.BROWSE)) {
                Desktop.getDesktop().browse(url);
            }
        } catch (Throwable ignored) {
            // the printed URL is enough
        }
    }
}
