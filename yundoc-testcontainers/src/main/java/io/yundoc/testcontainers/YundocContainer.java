package io.yundoc.testcontainers;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.dockerjava.api.command.InspectContainerResponse;
import io.yundoc.client.InMemoryTokenStore;
import io.yundoc.client.Tokens;
import io.yundoc.client.YundocClient;
import io.yundoc.protocol.Scope;
import io.yundoc.testkit.AdminApi;
import io.yundoc.testkit.Fault;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.images.builder.Transferable;
import org.testcontainers.utility.DockerImageName;
import org.testcontainers.utility.MountableFile;

/**
 * yundoc in a container, the way S3Mock and LocalStack run for Java tests: dev mode on, a well-known admin token, the
 * emulator controls (clock, faults, fixtures) as methods, and a ready {@link YundocClient} for a fresh app and user.
 *
 * <pre>{@code
 * @Container
 * static YundocContainer yundoc = new YundocContainer().withFixtures(Path.of("src/test/resources/fixtures.json"));
 *
 * @BeforeEach
 * void isolate() { yundoc.reset(); }            // or register YundocContainerExtension, which does this
 *
 * @Test
 * void uploads() { yundoc.client().personal().upload(...); }
 * }</pre>
 *
 * <p>The image defaults to {@code localhost/yundoc:<this module's version>}, as {@code bin/image} builds it. The server
 * waits for {@code GET /health} answering 200. Only this class, the SDK and Testcontainers are on the test class
 * path: the server runs in the container.
 */
public class YundocContainer extends GenericContainer<YundocContainer> {
    /** The port the server listens on inside the container. */
    public static final int PORT = 8080;
    /**
     * The admin token unless {@link #withAdminToken} sets another; well known on purpose, like Azurite's account key: a
     * test server holds nothing worth protecting, and tests and tools can reach it without asking the container.
     */
    public static final String DEFAULT_ADMIN_TOKEN = "yundoc-testcontainers-well-known-admin-token";
    /** The image this module was released with: {@code localhost/yundoc:<version>}. */
    public static final DockerImageName DEFAULT_IMAGE =
            DockerImageName.parse("localhost/yundoc").withTag(moduleVersion());

    private static final String FIXTURES_PATH = "/tmp/yundoc-fixtures.json";
    private static final ObjectMapper JSON = new ObjectMapper();
    private final AtomicInteger users = new AtomicInteger();
    private final EmulatorClock clock = new EmulatorClock();
    private String adminToken = DEFAULT_ADMIN_TOKEN;
    private boolean dev = true;
    private Instant clockAt;
    private HttpClient http;
    private YundocClient client;

    /** The {@link #DEFAULT_IMAGE}. */
    public YundocContainer() {
        this(DEFAULT_IMAGE);
    }

    /** @param image e.g. {@code "localhost/yundoc:0.1.0-SNAPSHOT"} */
    public YundocContainer(String image) {
        this(DockerImageName.parse(image));
    }

    /** @param image a yundoc image */
    public YundocContainer(DockerImageName image) {
        super(image);
        withExposedPorts(PORT);
        withEnv("YUNDOC_DEV", "true");
        withEnv("YUNDOC_ADMIN_TOKEN", adminToken);
        waitingFor(Wait.forHttp("/health").forPort(PORT).forStatusCode(200).withStartupTimeout(Duration.ofMinutes(2)));
    }

    /** Sets the admin token ({@code YUNDOC_ADMIN_TOKEN}); the default is {@link #DEFAULT_ADMIN_TOKEN}. */
    public YundocContainer withAdminToken(String token) {
        if (token == null || token.isBlank()) {
            throw new IllegalArgumentException("the admin token must not be blank");
        }
        adminToken = token;
        return withEnv("YUNDOC_ADMIN_TOKEN", token);
    }

    /**
     * Dev mode (on by default): the movable clock, faults, fixtures and {@link #reset()}. Off, the container behaves as
     * an operator's server, and those calls answer 10003.
     */
    public YundocContainer withDevMode(boolean on) {
        dev = on;
        return withEnv("YUNDOC_DEV", Boolean.toString(on));
    }

    /** A fixture file (design.md "Fixture file"), loaded once at start: objects with fixed ids. Needs dev mode. */
    public YundocContainer withFixtures(Path file) {
        withCopyFileToContainer(MountableFile.forHostPath(file, 0644), FIXTURES_PATH);
        return withEnv("YUNDOC_FIXTURES", FIXTURES_PATH);
    }

    /** A fixture document given as JSON text; as {@link #withFixtures(Path)}. */
    public YundocContainer withFixtureJson(String json) {
        withCopyToContainer(Transferable.of(json, 0644), FIXTURES_PATH);
        return withEnv("YUNDOC_FIXTURES", FIXTURES_PATH);
    }

    /**
     * Starts the emulator clock at {@code instant}, and {@link #reset()} brings it back there. Without it the clock
     * starts, and resets, at the real time.
     */
    public YundocContainer withClockAt(Instant instant) {
        clockAt = Objects.requireNonNull(instant, "instant");
        return self();
    }

    /** {@code --seed}: deterministic ids, so recorded test data stays stable. */
    public YundocContainer withSeed(long seed) {
        return withEnv("YUNDOC_SEED", Long.toString(seed));
    }

    @Override
    protected void containerIsStarted(InspectContainerResponse containerInfo) {
        http = HttpClient.newBuilder()
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(Duration.ofSeconds(10))
                .build();
        if (dev) {
            if (clockAt != null) {
                setClock(clockAt);
            } else {
                syncClock(); // fixtures may have set it
            }
        }
        client = newClient();
    }

    @Override
    protected void containerIsStopping(InspectContainerResponse containerInfo) {
        if (client != null) {
            client.close();
            client = null;
        }
        if (http != null) {
            http.close();
            http = null;
        }
    }

    /** The admin token. */
    public String adminToken() {
        return adminToken;
    }

    /** The server's base URL as the host sees it, e.g. {@code http://localhost:32771}. */
    public String baseUrl() {
        return "http://" + getHost() + ":" + getMappedPort(PORT);
    }

    /**
     * The ready client, made at start: a test-tier app with every scope and a user holding tokens for it. WPS-2 dates
     * and token expiries follow {@link #clock()}. Closed when the container stops.
     */
    public YundocClient client() {
        if (client == null) {
            throw new IllegalStateException("the yundoc container is not running");
        }
        return client;
    }

    /** A new client for a new app and a new user with every scope (each call makes both). */
    public YundocClient newClient() {
        return newClient(b -> {});
    }

    /** As {@link #newClient()}, with extra builder settings (retries, timeouts, ...). */
    public YundocClient newClient(Consumer<YundocClient.Builder> customize) {
        App app = createApp();
        YundocClient.Builder b = YundocClient.builder()
                .baseUrl(baseUrl())
                .appId(app.appId())
                .appKey(app.appKey())
                .clock(clock)
                .maxBackoff(Duration.ofSeconds(5))
                .tokenStore(new InMemoryTokenStore(issueTokens(app, createUser())));
        customize.accept(b);
        return b.build();
    }

    /**
     * The emulator clock as this side last saw it: real time plus the offset read back after every clock change made
     * through this class. A change made with a raw {@link #admin} call is seen after the next {@link #syncClock()}.
     */
    public Clock clock() {
        return clock;
    }

    /**
     * An app registered on the server.
     *
     * @param appId  its id
     * @param appKey its key
     */
    public record App(String appId, String appKey) {}

    /** Registers a test-tier app with every scope and a loopback redirect URI. */
    public App createApp() {
        ObjectNode b = JSON.createObjectNode().put("name", "testcontainers app").put("tier", "test");
        b.putArray("redirect_uris").add("http://127.0.0.1/callback");
        JsonNode d = admin("POST", "/apps", b);
        return new App(d.get("app_id").asText(), d.get("app_key").asText());
    }

    /** Creates a user and returns its id. */
    public String createUser() {
        int n = users.incrementAndGet();
        ObjectNode b = JSON.createObjectNode()
                .put("name", "tc-user" + n + "-" + System.nanoTime())
                .put("password", "password-" + n + "-" + System.nanoTime())
                .put("nickname", "Test User " + n);
        return admin("POST", "/users", b).get("user_id").asText();
    }

    /** Issues access and refresh tokens without the browser flow; no scopes given means all eight. */
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

    /** Moves the emulator clock by {@code d} (negative moves it back); every expiry follows it. */
    public void advanceClock(Duration d) {
        clock.sync(admin("POST", "/clock", JSON.createObjectNode().put("advance_seconds", d.toSeconds())));
    }

    /** Sets the emulator clock to {@code instant}. */
    public void setClock(Instant instant) {
        clock.sync(admin("POST", "/clock", JSON.createObjectNode().put("now", instant.toString())));
    }

    /** Reads the emulator clock ({@code GET /admin/v1/clock}) and returns its time; {@link #clock()} follows it. */
    public Instant syncClock() {
        return clock.sync(admin("GET", "/clock", null));
    }

    /**
     * Arms a fault ({@code POST /admin/v1/faults}) and returns its id.
     *
     * @param fault the testkit's builder, e.g. {@code Fault.on("GET /api/v1/openapi/personal/files/**").code(30004).count(1)}
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
    public String addFault(Map<String, ?> fault) {
        return admin("POST", "/faults", JSON.valueToTree(fault)).get("fault_id").asText();
    }

    /** Clears every fault. */
    public void clearFaults() {
        admin("DELETE", "/faults", null);
    }

    /** Applies a fixture document ({@code POST /admin/v1/fixtures}) and returns the counts created. */
    public JsonNode loadFixtures(String json) {
        try {
            return admin("POST", "/fixtures", JSON.readTree(json));
        } catch (IOException e) {
            throw new IllegalArgumentException("not a JSON document: " + e.getMessage(), e);
        }
    }

    /**
     * Puts the emulator back as a test expects to find it, like WireMock's stub reset: every fault cleared, and the
     * clock at {@link #withClockAt its start time} (or the real time). Files, apps and users stay; tests that must not
     * see each other's files use their own client ({@link #newClient()}). Needs dev mode.
     */
    public void reset() {
        if (!dev) {
            throw new IllegalStateException("reset() needs dev mode (withDevMode(true))");
        }
        clearFaults();
        setClock(clockAt != null ? clockAt : Instant.now());
    }

    /**
     * Calls the admin API and returns the answer's {@code data}; an error answer is an {@link IllegalStateException}
     * naming the code and hint.
     *
     * @param path below {@code /admin/v1}, e.g. {@code /clock}
     * @param body a JSON body, or null
     */
    public JsonNode admin(String method, String path, JsonNode body) {
        if (http == null) {
            throw new IllegalStateException("the yundoc container is not running");
        }
        return AdminApi.call(http, baseUrl(), adminToken, method, path, body);
    }

    private static String moduleVersion() {
        Properties p = new Properties();
        try (InputStream in = YundocContainer.class.getResourceAsStream("yundoc-testcontainers.properties")) {
            if (in != null) {
                p.load(in);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return p.getProperty("version", "latest");
    }

    /** Real time plus the emulator's offset, as last read from the server; zoned views share that offset. */
    private static final class EmulatorClock extends Clock {
        private final AtomicLong offsetMillis;
        private final ZoneId zone;

        EmulatorClock() {
            this(new AtomicLong(), ZoneOffset.UTC);
        }

        private EmulatorClock(AtomicLong offsetMillis, ZoneId zone) {
            this.offsetMillis = offsetMillis;
            this.zone = zone;
        }

        Instant sync(JsonNode clockView) {
            // the container shares the host's kernel clock, so the server's offset is this side's offset too
            offsetMillis.set(clockView.get("offset_seconds").asLong() * 1000);
            return Instant.parse(clockView.get("now").asText());
        }

        @Override
        public ZoneId getZone() {
            return zone;
        }

        @Override
        public Clock withZone(ZoneId z) {
            return new EmulatorClock(offsetMillis, z);
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(System.currentTimeMillis() + offsetMillis.get());
        }
    }
}
