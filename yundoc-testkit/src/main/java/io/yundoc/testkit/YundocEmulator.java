package io.yundoc.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.yundoc.client.InMemoryTokenStore;
import io.yundoc.client.Tokens;
import io.yundoc.client.YundocClient;
import io.yundoc.protocol.Scope;
import io.yundoc.server.YundocServer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * A running in-process yundoc in dev mode, with the emulator controls at hand: apps, users and tokens, the movable
 * clock, fault injection, fixtures and ready-made clients. Injected by {@link YundocServerExtension}.
 */
public final class YundocEmulator implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final YundocServer server;
    private final Path dataDir;
    private final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final AtomicInteger users = new AtomicInteger();

    /** An app registered on the emulator. @param appId its id @param appKey its key */
    public record App(String appId, String appKey) {
    }

    /** A user with tokens for an app. @param userId the user @param tokens access and refresh token */
    public record User(String userId, Tokens tokens) {
    }

    YundocEmulator(YundocServer server, Path dataDir) {
        this.server = server;
        this.dataDir = dataDir;
    }

    /** The server itself (routes, clock, ids). */
    public YundocServer server() {
        return server;
    }

    /** Base URL, e.g. {@code http://127.0.0.1:41234}. */
    public String url() {
        return server.url();
    }

    /** The data dir (deleted when the emulator stops). */
    public Path dataDir() {
        return dataDir;
    }

    /** The admin token. */
    public String adminToken() {
        return server.adminToken();
    }

    /** Registers a test-tier app with a loopback redirect URI and every scope. */
    public App createApp() {
        return createApp(Map.of());
    }

    /**
     * Registers an app; {@code extra} fields override the defaults of {@code POST /admin/v1/apps}.
     *
     * @param extra e.g. {@code Map.of("tier", "formal", "auto_consent_user", userId)}
     */
    public App createApp(Map<String, Object> extra) {
        ObjectNode b = JSON.createObjectNode().put("name", "test app").put("tier", "test");
        b.putArray("redirect_uris").add("http://127.0.0.1/callback");
        extra.forEach((k, v) -> b.set(k, JSON.valueToTree(v)));
        JsonNode d = admin("POST", "/apps", b);
        return new App(d.get("app_id").asText(), d.get("app_key").asText());
    }

    /** Creates a user and returns its id. */
    public String createUser() {
        int n = users.incrementAndGet();
        ObjectNode b = JSON.createObjectNode().put("name", "user" + n + "-" + System.nanoTime())
                .put("password", "password-" + n + "-pw").put("nickname", "Test User " + n);
        return admin("POST", "/users", b).get("user_id").asText();
    }

    /** Issues access and refresh tokens ({@code POST /admin/v1/tokens}); no scopes given means all eight. */
    public Tokens issueTokens(App app, String userId, Scope... scopes) {
        ObjectNode b = JSON.createObjectNode().put("app_id", app.appId()).put("user_id", userId);
        ArrayNode a = b.putArray("scopes");
        (scopes.length == 0 ? Arrays.asList(Scope.values()) : List.of(scopes)).forEach(s -> a.add(s.wireName()));
        JsonNode d = admin("POST", "/tokens", b);
        return new Tokens(d.get("access_token").asText(), d.path("refresh_token").asText(null),
                server.clock().instant().plusSeconds(d.path("expires_in").asLong(86400)), app.appId());
    }

    /** A new user with tokens for {@code app}. */
    public User createUser(App app, Scope... scopes) {
        String id = createUser();
        return new User(id, issueTokens(app, id, scopes));
    }

    /**
     * A client for {@code app} acting as {@code user}: WPS-2 dates follow the emulator clock, tokens in memory.
     *
     * @param customize extra builder settings (retries, timeouts, ...)
     */
    public YundocClient client(App app, User user, Consumer<YundocClient.Builder> customize) {
        YundocClient.Builder b = YundocClient.builder().baseUrl(url()).appId(app.appId()).appKey(app.appKey())
                .clock(server.clock()).maxBackoff(Duration.ofSeconds(5))
                .tokenStore(new InMemoryTokenStore(user == null ? null : user.tokens()));
        customize.accept(b);
        return b.build();
    }

    /** A client for a fresh app and a fresh user with every scope. */
    public YundocClient newClient() {
        App app = createApp();
        return client(app, createUser(app), b -> { });
    }

    /** Moves the emulator clock forward (every expiry follows it). */
    public void advanceClock(Duration d) {
        admin("POST", "/clock", JSON.createObjectNode().put("advance_seconds", d.toSeconds()));
    }

    /**
     * Arms a fault ({@code POST /admin/v1/faults}) and returns its id.
     *
     * @param fault e.g. {@code Map.of("route", "GET /dl/**", "drop", true, "drop_after_bytes", 1000, "count", 1)}
     */
    public String addFault(Map<String, Object> fault) {
        return admin("POST", "/faults", JSON.valueToTree(fault)).get("fault_id").asText();
    }

    /** Clears every fault. */
    public void clearFaults() {
        admin("DELETE", "/faults", null);
    }

    /** Applies a fixture document ({@code POST /admin/v1/fixtures}). */
    public JsonNode loadFixtures(JsonNode document) {
        return admin("POST", "/fixtures", document);
    }

    /**
     * Calls the admin API and returns {@code data}; fails with an {@link IllegalStateException} on an error answer.
     *
     * @param path below {@code /admin/v1}, e.g. {@code /clock}
     */
    public JsonNode admin(String method, String path, JsonNode body) {
        HttpRequest req = HttpRequest.newBuilder(URI.create(url() + "/admin/v1" + path)).timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + adminToken()).header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body.toString()))
                .build();
        try {
            HttpResponse<String> r = http.send(req, HttpResponse.BodyHandlers.ofString());
            JsonNode n = JSON.readTree(r.body());
            if (r.statusCode() != 200 || n.path("code").asInt(-1) != 0) {
                throw new IllegalStateException("admin " + method + " " + path + ": HTTP " + r.statusCode() + " " + r.body());
            }
            return n.path("data");
        } catch (IOException e) {
            throw new IllegalStateException("admin " + method + " " + path + " failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * True when the server has a route for {@code method path} (it does not answer 30005). For tests of endpoints
     * that arrive with other work: {@code assumeTrue(emulator.hasRoute(...))}.
     */
    public boolean hasRoute(String method, String template) {
        return server.routes().stream().anyMatch(e -> e.method().equals(method) && e.template().equals(template));
    }

    /** Stops the server and deletes its data dir. */
    @Override
    public void close() {
        http.close();
        server.close();
        try (var walk = java.nio.file.Files.walk(dataDir)) {
            walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a temp dir; the OS cleans it eventually
        }
    }
}
