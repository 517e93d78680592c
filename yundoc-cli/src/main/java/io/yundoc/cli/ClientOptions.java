package io.yundoc.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.yundoc.client.FileTokenStore;
import io.yundoc.client.InMemoryTokenStore;
import io.yundoc.client.Tokens;
import io.yundoc.client.YundocClient;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import picocli.CommandLine.Option;

/**
 * Options every client command shares: where the server is, which app, which credentials, and the output form.
 * Flags win over the environment ({@code YUNDOC_SERVER}, {@code YUNDOC_APP_ID}, {@code YUNDOC_APP_KEY},
 * {@code YUNDOC_ACCESS_TOKEN}, {@code YUNDOC_CONFIG_DIR}), which wins over {@code config.json} written by
 * {@code yundoc login}.
 */
final class ClientOptions {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String DEFAULT_SERVER = "http://127.0.0.1:8080";

    @Option(names = "--server", description = "server base URL (default: from login, else http://127.0.0.1:8080)")
    String server;

    @Option(names = "--app-id", description = "app id (default: from login)")
    String appId;

    @Option(names = "--app-key", description = "app key (default: from login); prefer YUNDOC_APP_KEY over the flag")
    String appKey;

    @Option(
            names = "--access-token",
            description = "use this access token instead of the stored login; prefer YUNDOC_ACCESS_TOKEN")
    String accessToken;

    @Option(
            names = "--config-dir",
            description = "where login keeps config.json and tokens.json (default ~/.config/yundoc)")
    Path configDir;
    /** Like every boolean flag: bare means true whatever the environment says (ServeCommand explains). */
    @Option(names = "--json", arity = "0..1", fallbackValue = "true", description = "machine-readable JSON on stdout")
    boolean json;

    Path configDir() {
        if (configDir != null) {
            return configDir;
        }
        String xdg = System.getenv("XDG_CONFIG_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".config");
        return base.resolve("yundoc");
    }

    Path tokensFile() {
        return configDir().resolve("tokens.json");
    }

    JsonNode savedConfig() {
        Path f = configDir().resolve("config.json");
        try {
            return Files.exists(f) ? JSON.readTree(f.toFile()) : JSON.createObjectNode();
        } catch (IOException e) {
            throw new CliException(3, "cannot read " + f + ": " + e.getMessage());
        }
    }

    /** The server's base URL, checked: a malformed one is a usage error (exit 2) naming where it came from. */
    String server() {
        String s = server != null ? server : savedConfig().path("server").asText(DEFAULT_SERVER);
        String from =
                server != null ? "--server" : "the server in " + configDir().resolve("config.json");
        URI u;
        try {
            u = new URI(s.strip());
        } catch (URISyntaxException e) {
            throw new CliException(
                    Main.EXIT_USAGE,
                    "malformed " + from + " '" + s + "': " + e.getReason()
                            + " (expected http://host:port or https://host)");
        }
        if (u.getScheme() == null
                || !(u.getScheme().equals("http") || u.getScheme().equals("https"))
                || u.getHost() == null
                || u.getRawQuery() != null
                || u.getRawFragment() != null) {
            throw new CliException(
                    Main.EXIT_USAGE, "malformed " + from + " '" + s + "' (expected http://host:port or https://host)");
        }
        return s.strip();
    }

    String appId() {
        return appId != null ? appId : savedConfig().path("app_id").asText(null);
    }

    String appKey() {
        return appKey != null ? appKey : savedConfig().path("app_key").asText(null);
    }

    /** Writes config.json (0600: it holds the app key). */
    void saveConfig(String server, String appId, String appKey) throws IOException {
        ObjectNode n = JSON.createObjectNode()
                .put("server", server)
                .put("app_id", appId)
                .put("app_key", appKey);
        Path dir = configDir();
        boolean posix = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
        if (!Files.exists(dir)) {
            if (posix) {
                Files.createDirectories(
                        dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            } else {
                Files.createDirectories(dir);
            }
        }
        Path tmp = posix
                ? Files.createTempFile(
                        dir,
                        ".config",
                        ".tmp",
                        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")))
                : Files.createTempFile(dir, ".config", ".tmp");
        Files.write(tmp, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(n));
        Files.move(
                tmp, dir.resolve("config.json"), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** A client for personal calls (needs a login or an access token) or, with {@code appSpace}, for signed calls. */
    YundocClient client(boolean appSpace) {
        YundocClient.Builder b =
                YundocClient.builder().baseUrl(server()).appId(appId()).appKey(appKey());
        if (appSpace) {
            if (appId() == null || appKey() == null) {
                throw new CliException(
                        4, "app space needs --app-id and --app-key (or YUNDOC_APP_ID/YUNDOC_APP_KEY, or yundoc login)");
            }
        } else if (accessToken != null && !accessToken.isBlank()) {
            b.tokenStore(new InMemoryTokenStore(Tokens.ofAccessToken(accessToken)));
        } else {
            FileTokenStore store = new FileTokenStore(tokensFile());
            if (store.load().isEmpty()) {
                throw new CliException(4, "not logged in: run yundoc login (or pass --access-token)");
            }
            b.tokenStore(store);
        }
        return b.build();
    }
}
