package io.yundoc.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.yundoc.client.InMemoryTokenStore;
import io.yundoc.client.Tokens;
import io.yundoc.client.YundocClient;
import io.yundoc.protocol.Scope;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * A running yundoc in dev mode, with the emulator controls at hand: apps, users and tokens, the movable clock, fault
 * injection, fixtures and ready-made clients. Everything goes through the HTTP admin API, so the same controls work
 * for an in-process server ({@link YundocServerExtension}), a container or a process started elsewhere
 * ({@link #connect}). Java 17 bytecode; nothing here loads server classes.
 */
public final class YundocEmulator implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final String url;
    private final String adminToken;
    private final Clock clock;
    private final Path dataDir;
    private final Predicate<String[]> routes;
    private final Runnable onClose;
    private final HttpClient http = HttpClient.newBuilder()
            .followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    private final AtomicInteger users = new AtomicInteger();

    /**
     * An app registered on the emulator.
     *
     * @param appId its id
     * @param appKey its key
     */
    public record App(String appId, String appKey) {}

    /**
     * A user with tokens for an app.
     *
     * @param userId the user
     * @param tokens access and refresh token
     */
    public record User(String userId, Tokens tokens) {}

    /**
     * @param clock the emulator clock (WPS-2 dates, token expiries); null: follow the server's over HTTP
     * @param routes answers {@code {method, template}}; null: the server's {@code /openapi} document
     * @param dataDir the server's data dir when this process owns it, else null
     * @param onClose stops what this process started (nothing for a remote server)
     */
    YundocEmulator(
            String url, String adminToken, Clock clock, Predicate<String[]> routes, Path dataDir, Runnable onClose) {
        this.url = stripSlash(url);
        this.adminToken = adminToken;
        this.clock = clock != null ? clock : new RemoteClock(this);
        this.routes = routes != null ? routes : this::inOpenApi;
        this.dataDir = dataDir;
        this.onClose = onClose;
    }

    /**
     * The controls of a yundoc already running in dev mode (a container, {@code yundoc serve --dev}, another JVM).
     * Closing the emulator does not stop that server.
     *
     * @param url its base URL, e.g. {@code http://127.0.0.1:8080}
     * @param adminToken its admin token ({@code YUNDOC_ADMIN_TOKEN}, or {@code <data>/admin.token})
     * @return the controls
     */
    public static YundocEmulator connect(String url, String adminToken) {
        if (url == null || !(url.startsWith("http://") || url.startsWith("https://"))) {
            throw new IllegalArgumentException("yundoc URL must start with http:// or https://: " + url);
        }
        if (adminToken == null || adminToken.isBlank()) {
            throw new IllegalArgumentException("an admin token is required");
        }
        return new YundocEmulator(url, adminToken.strip(), null, null, null, () -> {});
    }

    private static String stripSlash(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }

    /**
     * Base URL.
     *
     * @return e.g. {@code http://127.0.0.1:41234}
     */
    public String url() {
        return url;
    }

    /**
     * The data dir of a server this process started (deleted when the emulator stops).
     *
     * @return the directory, or null for a server running elsewhere
     */
    public Path dataDir() {
        return dataDir;
    }

    /**
     * The admin token.
     *
     * @return the bearer token of {@code /admin/v1}
     */
    public String adminToken() {
        return adminToken;
    }

    /**
     * The emulator clock: the server's time, moved by {@link #advanceClock} and {@link #resetClock}.
     *
     * @return a clock for WPS-2 dates and expiries
     */
    public Clock clock() {
        return clock;
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
        ObjectNode b = JSON.createObjectNode()
                .put("name", "user" + n + "-" + System.nanoTime())
                .put("password", "password-" + n + "-pw")
                .put("nickname", "Test User " + n);
        return admin("POST", "/users", b).get("user_id").asText();
    }

    /** Issues access and refresh tokens ({@code POST /admin/v1/tokens}); no scopes given means all eight. */
    public Tokens issueTokens(App app, String userId, Scope... scopes) {
        ObjectNode b = JSON.createObjectNode().put("app_id", app.appId()).put("user_id", userId);
        ArrayNode a = b.putArray("scopes");
        (scopes.length == 0 ? Arrays.asList(Scope.values()) : List.of(scopes)).forEach(s -> a.add(s.wireName()));
        JsonNode d = admin("POST", "/tokens", b);
        return new Tokens(
                d.get("access_token").asText(),
                d.path("refresh_token").asText(null),
                clock.instant().plusSeconds(d.path("expires_in").asLong(86400)),
                app.appId());
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
        YundocClient.Builder b = YundocClient.builder()
                .baseUrl(url())
                .appId(app.appId())
                .appKey(app.appKey())
                .clock(clock)
                .maxBackoff(Duration.ofSeconds(5))
                .tokenStore(new InMemoryTokenStore(user == null ? null : user.tokens()));
        customize.accept(b);
        return b.build();
    }

    /** A client for a fresh app and a fresh user with every scope. */
    public YundocClient newClient() {
        App app = createApp();
        return client(app, createUser(app), b -> {});
    }

    /**
     * Moves the emulator clock (every expiry follows it).
     *
     * @param d how far; negative moves it back
     */
    public void advanceClock(Duration d) {
        admin("POST", "/clock", JSON.createObjectNode().put("advance_seconds", d.toSeconds()));
        refreshClock();
    }

    /** Puts the emulator clock back on the real time (offset zero). */
    public void resetClock() {
        admin("POST", "/clock", JSON.createObjectNode().put("reset", true));
        refreshClock();
    }

    private void refreshClock() {
        if (clock instanceof RemoteClock r) {
            r.refresh();
        }
    }

    /**
     * Arms a fault ({@code POST /admin/v1/faults}) and returns its id.
     *
     * @param fault e.g. {@code Fault.on("GET /dl/**").dropAfterBytes(1000).count(1)}
     * @return the fault's id
     */
    public String addFault(Fault fault) {
        return admin("POST", "/faults", JSON.valueToTree(fault.toMap()))
                .get("fault_id")
                .asText();
    }

    /**
     * Arms a fault given as its raw JSON fields.
     *
     * @deprecated use {@link #addFault(Fault)}, which names the fields
     */
    @Deprecated
    public String addFault(Map<String, Object> fault) {
        return admin("POST", "/faults", JSON.valueToTree(fault)).get("fault_id").asText();
    }

    /** Clears every fault. */
    public void clearFaults() {
        admin("DELETE", "/faults", null);
    }

    /**
     * What the extensions do before each test unless told not to: clears every fault and puts the clock back on
     * the real time. Apps, users, files and tokens stay.
     */
    public void reset() {
        clearFaults();
        resetClock();
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
        return AdminApi.call(http, url(), adminToken(), method, path, body);
    }

    /**
     * True when the server has a route for {@code method path} (it does not answer 30005). For tests of endpoints
     * that arrive with other work: {@code assumeTrue(emulator.hasRoute(...))}.
     *
     * @param method e.g. {@code GET}
     * @param template e.g. {@code /api/v1/openapi/personal/files/:file_token/download}
     * @return whether it is served
     */
    public boolean hasRoute(String method, String template) {
        return routes.test(new String[] {method, template});
    }

    /** A remote server's routes, from its OpenAPI document ({@code :name} there is {@code {name}}). */
    private boolean inOpenApi(String[] route) {
        HttpRequest req = HttpRequest.newBuilder(URI.create(url + "/openapi"))
                .timeout(Duration.ofSeconds(30))
                .GET()
                .build();
        try {
            HttpResponse<String> r = http.send(req, HttpResponse.BodyHandlers.ofString());
            String path = route[1].replaceAll(":([A-Za-z_]+)", "{$1}");
            return JSON.readTree(r.body()).path("paths").path(path).has(route[0].toLowerCase(Locale.ROOT));
        } catch (IOException e) {
            throw new IllegalStateException("GET " + url + "/openapi failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Stops the server if this process started it (and deletes its data dir); a remote server keeps running. */
    @Override
    public void close() {
        onClose.run(); // the HttpClient needs no closing on Java 17 (its threads end when it is unreachable)
        if (dataDir != null) {
            try (var walk = Files.walk(dataDir)) {
                walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException ignored) {
                // a temp dir; the OS cleans it eventually
            }
        }
    }

    /**
     * The emulator clock of a server in another process: the local clock plus the server's offset, read from
     * {@code GET /admin/v1/clock} at start and after every move made through this emulator.
     */
    private static final class RemoteClock extends Clock {
        private final YundocEmulator emulator;
        private volatile long offsetMillis = Long.MIN_VALUE;

        RemoteClock(YundocEmulator emulator) {
            this.emulator = emulator;
        }

        void refresh() {
            offsetMillis =
                    emulator.admin("GET", "/clock", null).path("offset_seconds").asLong() * 1000;
        }

        private long offset() {
            if (offsetMillis == Long.MIN_VALUE) {
                refresh();
            }
            return offsetMillis;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return Clock.offset(Clock.system(zone), Duration.ofMillis(offset()));
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(System.currentTimeMillis() + offset());
        }
    }
}
