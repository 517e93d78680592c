package io.yundoc.server;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.SortedSet;
import java.util.function.Consumer;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The lifecycle of a {@link TestServer} as a JUnit 5 extension, so a test class declares its server instead of
 * starting and closing it by hand:
 *
 * <pre>{@code
 * @RegisterExtension
 * static final TestServerExtension ts = TestServerExtension.embedded();
 * }</pre>
 *
 * <p>On a {@code static} field the server starts before the class's {@code @BeforeAll} methods and stops after its
 * {@code @AfterAll} methods; on an instance field each test gets a fresh server. {@link #embedded} follows the run's
 * mode like {@link TestServer} does: {@code -Dyundoc.test.mode=scaleout} (the {@code scaleout} Failsafe execution of
 * yundoc-server) puts it on PostgreSQL + S3Mock + Redis; {@link #scaleOut} always does. The calls below delegate to
 * the running {@link TestServer}; {@link #get()} hands it to helpers that take one.
 */
public final class TestServerExtension
        implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback, AfterEachCallback {
    private final Consumer<ServerConfig.Builder> customize;
    private TestServer running;
    /** The context whose end stops the server: the class (static field) or the test (instance field). */
    private String owner;

    private TestServerExtension(Consumer<ServerConfig.Builder> customize) {
        this.customize = customize;
    }

    /** A dev-mode server with the test defaults (free port, fresh data dir); scale-out backends in a scale-out run. */
    public static TestServerExtension embedded() {
        return new TestServerExtension(b -> {});
    }

    /** {@link #embedded()} with configuration of its own, applied after the defaults (and kept in a scale-out run). */
    public static TestServerExtension embedded(Consumer<ServerConfig.Builder> customize) {
        return new TestServerExtension(customize);
    }

    /** A server on PostgreSQL + S3Mock + Redis whatever the run's mode (fails, never skips, when one is missing). */
    public static TestServerExtension scaleOut() {
        return scaleOut(b -> {});
    }

    /** {@link #scaleOut()} with configuration of its own, applied after the backends. */
    public static TestServerExtension scaleOut(Consumer<ServerConfig.Builder> customize) {
        return new TestServerExtension(b -> customize.accept(ScaleOutBackends.apply(b)));
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        start(context);
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        start(context); // an instance field: JUnit calls only the per-test callbacks
    }

    @Override
    public void afterEach(ExtensionContext context) {
        stop(context);
    }

    @Override
    public void afterAll(ExtensionContext context) {
        stop(context);
    }

    private void start(ExtensionContext context) {
        if (running == null) { // a @Nested class inherits its outer class's server
            running = new TestServer(customize);
            owner = context.getUniqueId();
        }
    }

    private void stop(ExtensionContext context) {
        if (running != null && context.getUniqueId().equals(owner)) {
            try {
                running.close();
            } finally {
                running = null;
                owner = null;
            }
        }
    }

    /** The running server, for helpers that take a {@link TestServer}. */
    public TestServer get() {
        if (running == null) {
            throw new IllegalStateException(
                    "the test server runs only between the extension's before and after callbacks");
        }
        return running;
    }

    /**
     * Stops the server and starts a new one on the same data dir (and the same scale-out schema and prefixes), with
     * the same configuration: the restart tests' "a second start keeps everything".
     */
    public TestServer restart() {
        TestServer old = get();
        old.stopKeepingData();
        running = new TestServer(old.dataDir, customize);
        return running;
    }

    public YundocServer server() {
        return get().server;
    }

    public String base() {
        return get().base;
    }

    public Path dataDir() {
        return get().dataDir;
    }

    public HttpClient http() {
        return get().http;
    }

    public TestServer.App app(String tier) {
        return get().app(tier);
    }

    public TestServer.App app(String appId, String appKey) {
        return get().app(appId, appKey);
    }

    public TestServer.User user(TestServer.App app, String... scopes) {
        return get().user(app, scopes);
    }

    public TestServer.User token(TestServer.App app, String userId, String... scopes) {
        return get().token(app, userId, scopes);
    }

    public JsonNode adminOk(String method, String path, String body) {
        return get().adminOk(method, path, body);
    }

    public HttpResponse<String> openapi(TestServer.User u, String method, String path, String body) {
        return get().openapi(u, method, path, body);
    }

    public JsonNode openapiOk(TestServer.User u, String method, String path, String body) {
        return get().openapiOk(u, method, path, body);
    }

    public HttpResponse<String> send(String method, String path, String body, String... headers) {
        return get().send(method, path, body, headers);
    }

    public <T> HttpResponse<T> exchange(
            String method,
            String path,
            HttpRequest.BodyPublisher body,
            HttpResponse.BodyHandler<T> handler,
            Duration timeout,
            String... headers) {
        return get().exchange(method, path, body, handler, timeout, headers);
    }

    public HttpResponse<byte[]> sendBytes(String method, String path, byte[] body, String... headers) {
        return get().sendBytes(method, path, body, headers);
    }

    public HttpResponse<String> sendBody(String method, String path, byte[] body, String... headers) {
        return get().sendBody(method, path, body, headers);
    }

    public HttpResponse<String> sendRaw(String method, String path, byte[] body, String... headers) {
        return get().sendRaw(method, path, body, headers);
    }

    public HttpResponse<String> signed(
            TestServer.App app, String method, String path, byte[] body, String contentType) {
        return get().signed(app, method, path, body, contentType);
    }

    public String[] wps2Headers(TestServer.App app, byte[] body, String contentType) {
        return get().wps2Headers(app, body, contentType);
    }

    public TestServer.RawResponse raw(byte[] request) {
        return get().raw(request);
    }

    public String date() {
        return get().date();
    }

    public void advanceClock(long seconds) {
        get().advanceClock(seconds);
    }

    public void setClock(String rfc3339) {
        get().setClock(rfc3339);
    }

    public boolean blobExists(String key) {
        return get().blobExists(key);
    }

    public SortedSet<String> blobFiles() {
        return get().blobFiles();
    }
}
