package io.yundoc.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.lettuce.core.RedisClient;
import io.yundoc.server.core.ReadCache;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The row cache of scale-out mode seen from outside: two instances on the machine's PostgreSQL and Redis (always, in
 * both Surefire executions). Whatever one instance changes and has answered, the next call through the other sees,
 * exactly as if neither cached: key rotation, disabling an app or a user, quota changes, new file versions. Changes
 * the instances never hear of (SQL run by hand) show within the entry lifetime, or at once once Redis lost the
 * generation.
 */
// integration phase (Failsafe, mvn verify): PostgreSQL, Redis, S3Mock and a redis-server process
@Tag("integration")
class SharedCacheAcrossInstancesTest {
    static final String API = "/api/v1/openapi/appspace";
    static final String INFO = "GET /api/v1/openapi/appspace/files/:file_token";
    // two instances on one data dir name: b takes a's PostgreSQL schema, S3 prefix and Redis prefix
    @RegisterExtension
    @Order(1)
    final TestServerExtension a = TestServerExtension.scaleOut();

    @RegisterExtension
    @Order(2)
    final TestServerExtension b = TestServerExtension.embedded(x -> ScaleOutBackends.apply(x.dataDir(a.dataDir())));

    TestServer.App app;
    String ft;

    static final String BOUNDARY = "shared-cache-boundary";
    static final String MULTIPART = "multipart/form-data; boundary=" + BOUNDARY;

    @BeforeEach
    void start() {
        app = a.app("test");
        ft = ok(a.signed(app, "POST", API + "/files/upload", multipart("v1"), MULTIPART))
                .get("file_token")
                .asText();
    }

    /** A new version of the same file (the file name decides), with a fresh random part so no two look like replays. */
    static byte[] multipart(String content) {
        return TestServer.multipart(
                BOUNDARY,
                "shared.txt",
                "text/plain",
                (content + " " + UUID.randomUUID()).getBytes(StandardCharsets.UTF_8));
    }

    static JsonNode ok(HttpResponse<String> r) {
        JsonNode n = TestServer.json(r);
        assertThat(n.get("code").asInt()).as(r.body()).isZero();
        return n.get("data");
    }

    static int code(HttpResponse<String> r) {
        return TestServer.json(r).get("code").asInt();
    }

    HttpResponse<String> info(TestServer via, TestServer.App signer) {
        return via.signed(signer, "GET", API + "/files/" + ft, null, "application/json");
    }

    /** Calls through {@code b} until its cache answers them (hits counted in its /metrics). */
    void warm(TestServer via) {
        double before = hits(via);
        for (int i = 0; i < 3; i++) {
            ok(info(via, app));
        }
        assertThat(hits(via)).as("the instance answers from its row cache").isGreaterThan(before);
    }

    static double hits(TestServer via) {
        String metrics = via.send("GET", "/metrics", null).body();
        for (String line : metrics.split("\n", -1)) {
            if (line.startsWith("yundoc_row_cache_reads_total{") && line.contains("result=\"hit\"")) {
                return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        throw new AssertionError("no row cache counter in /metrics");
    }

    @Test
    void appChangesMadeThroughOneInstanceApplyToTheNextCallThroughTheOther() {
        warm(b.get());
        a.adminOk("POST", "/apps/" + app.appId() + "/disable", null);
        assertThat(code(info(b.get(), app)))
                .as("disabled through a, refused through b at once")
                .isEqualTo(20006);
        a.adminOk("POST", "/apps/" + app.appId() + "/enable", null);
        ok(info(b.get(), app));

        warm(b.get());
        String newKey = a.adminOk("POST", "/apps/" + app.appId() + "/rotate-key", null)
                .get("app_key")
                .asText();
        TestServer.App rotated = new TestServer.App(app.appId(), newKey);
        ok(info(b.get(), rotated)); // b's cached row knew only the old key: the refusal is re-decided on a fresh row
        warm(b.get());
        a.adminOk("POST", "/apps/" + app.appId() + "/rotate-key/end", null);
        HttpResponse<String> old = info(b.get(), app);
        assertThat(code(old)).as(old.body()).isEqualTo(30003);
        ok(info(b.get(), rotated));
    }

    @Test
    void aLowerQuotaSetThroughOneInstanceCountsAtOnceOnTheOther() {
        warm(b.get());
        JsonNode usage = b.adminOk("GET", "/quota?app_id=" + app.appId(), null);
        long used = 0;
        for (JsonNode e : usage.get("endpoints")) {
            if (e.get("endpoint").asText().equals(INFO)) {
                used = e.get("used").asLong();
            }
        }
        assertThat(used).isPositive();
        a.adminOk(
                "PUT",
                "/quota",
                "{\"app_id\":\"" + app.appId() + "\",\"endpoint\":\"" + INFO + "\",\"limit\":" + (used + 1) + "}");
        HttpResponse<String> last = info(b.get(), app);
        ok(last);
        assertThat(last.headers().firstValue("RateLimit").orElseThrow()).startsWith("\"daily\";r=0;");
        HttpResponse<String> over = info(b.get(), app);
        assertThat(code(over)).as(over.body()).isEqualTo(30002);
        assertThat(over.statusCode()).isEqualTo(429);
    }

    @Test
    void aNewVersionWrittenThroughOneInstanceIsWhatTheOtherAnswers() {
        warm(b.get());
        assertThat(ok(info(b.get(), app)).get("version").asLong()).isEqualTo(1);
        JsonNode v2 = ok(a.signed(app, "POST", API + "/files/upload", multipart("second version"), MULTIPART));
        assertThat(v2.get("version").asLong()).isEqualTo(2);
        JsonNode seen = ok(info(b.get(), app));
        assertThat(seen.get("version").asLong()).isEqualTo(2);
        assertThat(seen.get("size").asLong()).isEqualTo(v2.get("size").asLong());
    }

    @Test
    void tokenCallsSeeAUserDisabledThroughTheOtherInstance() {
        TestServer.User u = a.user(app);
        String path = "/api/v1/openapi/user/basic?access_token=" + u.token();
        HttpResponse<String> first = b.send("GET", path, null);
        assertThat(code(first)).as(first.body()).isZero();
        ok(b.send("GET", path, null));
        a.adminOk("POST", "/users/" + u.userId() + "/disable", null);
        HttpResponse<String> refused = b.send("GET", path, null);
        assertThat(code(refused)).as(refused.body()).isEqualTo(30007);
        a.adminOk("POST", "/users/" + u.userId() + "/enable", null);
        ok(b.send("GET", path, null));
    }

    @Test
    void changesTheInstancesNeverHeardOfShowWithinTheEntryLifetimeOrAtOnceWhenRedisLostTheGeneration()
            throws Exception {
        String schema = ScaleOutBackends.schemaOf(a.server().config().dataDir());
        warm(b.get());
        try (Connection c = DriverManager.getConnection(ScaleOutBackends.jdbcUrl(schema))) {
            c.createStatement().execute("UPDATE apps SET disabled = 1 WHERE app_id = '" + app.appId() + "'");
            long changed = System.nanoTime();
            Awaitility.await()
                    .atMost(Duration.ofSeconds(15))
                    .pollInterval(Duration.ofMillis(200))
                    .until(() -> code(info(b.get(), app)) != 0);
            assertThat(Duration.ofNanos(System.nanoTime() - changed))
                    .isLessThan(Duration.ofMillis(ReadCache.SHARED_MAX_AGE_MILLIS + 3000));

            c.createStatement().execute("UPDATE apps SET disabled = 0 WHERE app_id = '" + app.appId() + "'");
            // Redis restarted without persistence (or was flushed): a new generation, so nothing cached serves
            RedisClient redis = RedisClient.create(ScaleOutBackends.REDIS);
            try (var conn = redis.connect()) {
                assertThat(conn.sync().del(schema + ":cache-generation")).isEqualTo(1);
            } finally {
                redis.shutdown();
            }
            ok(info(b.get(), app));
            ok(info(a.get(), app));
        }
    }

    @Test
    void idleInstancesLeaveTheCacheGenerationAlone() {
        // the periodic housekeeping (ended upload tasks purged, abandoned conversions failed, every 2 s on each
        // instance) writes to tables no cached row comes from: it must not empty both instances' caches each time
        String key = ScaleOutBackends.schemaOf(a.server().config().dataDir()) + ":cache-generation";
        ok(info(b.get(), app));
        RedisClient redis = RedisClient.create(ScaleOutBackends.REDIS);
        try (var conn = redis.connect()) {
            String before = conn.sync().get(key);
            assertThat(before).isNotNull();
            Awaitility.await()
                    .during(Duration.ofMillis(5_000))
                    .atMost(Duration.ofMillis(7_000))
                    .pollInterval(Duration.ofMillis(250))
                    .until(() -> before.equals(conn.sync().get(key)));
        } finally {
            redis.shutdown();
        }
    }

    @Test
    void withTheRowCacheOffEveryCallReadsTheDatabase() {
        try (TestServer off = new TestServer(x ->
                ScaleOutBackends.apply(x.dataDir(a.server().config().dataDir())).rowCache(false))) {
            for (int i = 0; i < 3; i++) {
                ok(info(off, app));
            }
            assertThat(hits(off)).isZero();
            String metrics = off.send("GET", "/metrics", null).body();
            assertThat(metrics).containsPattern("yundoc_row_cache_reads_total\\{result=\"load\"[^}]*} [1-9]");
        }
    }

    @Test
    void whenRedisGoesAwayCallsReadTheDatabaseAndTheCacheResumesWhenItReturns() throws Exception {
        int port = ScaleOutBackends.freePort();
        Process redis = ScaleOutBackendsTest.redisServer(port);
        try (TestServer c = new TestServer(x -> ScaleOutBackends.apply(x)
                .quota("redis://127.0.0.1:" + port + "?prefix=cache-outage:&timeout_ms=300"))) {
            TestServer.App own = c.app("test");
            String file = ok(c.signed(own, "POST", API + "/files/upload", multipart("x"), MULTIPART))
                    .get("file_token")
                    .asText();
            Supplier<HttpResponse<String>> info =
                    () -> c.signed(own, "GET", API + "/files/" + file, null, "application/json");
            double before = hits(c);
            for (int i = 0; i < 3; i++) {
                ok(info.get());
            }
            assertThat(hits(c)).isGreaterThan(before);

            // a change no generation hears of, then Redis goes away: the call that finds it gone used a cached row
            // that says "enabled", and must re-read it from PostgreSQL before it may count locally
            String schema = ScaleOutBackends.schemaOf(c.server.config().dataDir());
            try (Connection db = DriverManager.getConnection(ScaleOutBackends.jdbcUrl(schema))) {
                db.createStatement().execute("UPDATE apps SET disabled = 1 WHERE app_id = '" + own.appId() + "'");
                redis.destroy();
                redis.waitFor(10, TimeUnit.SECONDS);
                HttpResponse<String> refused = info.get();
                assertThat(code(refused)).as(refused.body()).isEqualTo(20006);
                db.createStatement().execute("UPDATE apps SET disabled = 0 WHERE app_id = '" + own.appId() + "'");
            }
            ok(info.get()); // fail open: counted locally, rows from PostgreSQL

            // a write while Redis is away owes a generation bump; the cache resumes once it landed
            c.adminOk("POST", "/apps/" + own.appId() + "/disable", null);
            assertThat(code(info.get())).isEqualTo(20006);
            c.adminOk("POST", "/apps/" + own.appId() + "/enable", null);
            redis = ScaleOutBackendsTest.redisServer(port);
            Awaitility.await()
                    .atMost(Duration.ofSeconds(20))
                    .pollInterval(Duration.ofMillis(200))
                    .until(() -> "1.0".equals(ScaleOutBackendsTest.metric(c, "yundoc_quota_backend_up")));
            ok(info.get());
            double resumed = hits(c);
            ok(info.get());
            ok(info.get());
            assertThat(hits(c)).as("answers come from the cache again").isGreaterThan(resumed);
        } finally {
            redis.destroy();
            redis.waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void withPostgresDownCachedReadsAnswerUntilTheirEntriesExpireThenEverythingIs30004() throws Exception {
        try (TcpProxy pg = new TcpProxy(5432);
                TestServer c = new TestServer(x -> ScaleOutBackends.applyWithPostgresAt(x, pg.port()))) {
            TestServer.App own = c.app("test");
            String file = ok(c.signed(own, "POST", API + "/files/upload", multipart("x"), MULTIPART))
                    .get("file_token")
                    .asText();
            Supplier<HttpResponse<String>> info =
                    () -> c.signed(own, "GET", API + "/files/" + file, null, "application/json");
            long maxAge = ReadCache.SHARED_MAX_AGE_MILLIS;
            // The set-up's rows are in the cache already, loaded when the upload checked its signature: on a JVM whose
            // first upload this is, seconds before its answer. Once they have expired, the next call loads them again
            // and they are younger than the reference below (taken after the upload, it made 30004 come 2-3 s early).
            Thread.sleep(maxAge + 100);
            long cached = System.nanoTime(); // the entries are loaded by the next call, so they are younger than this
            ok(info.get());
            ok(info.get());
            pg.cut();
            HttpResponse<String> fromMemory = info.get();
            // a machine too slow for this window is told so, rather than the check being skipped
            assertThat(Duration.ofNanos(System.nanoTime() - cached))
                    .as("the entries must still be young")
                    .isLessThan(Duration.ofMillis(maxAge - 500));
            ok(fromMemory); // app and file rows from memory, checked against the generation in Redis
            // once the entries are older than their lifetime the call reads PostgreSQL again, which is cut
            HttpResponse<String> expired = Awaitility.await()
                    .atMost(Duration.ofMillis(maxAge + 10_000))
                    .pollInterval(Duration.ofMillis(100))
                    .until(info::get, r -> code(r) != 0);
            assertThat(code(expired)).as(expired.body()).isEqualTo(30004);
            assertThat(Duration.ofNanos(System.nanoTime() - cached))
                    .as("not before the entries' lifetime")
                    .isGreaterThanOrEqualTo(Duration.ofMillis(maxAge));
            pg.restore();
            Awaitility.await()
                    .atMost(Duration.ofSeconds(30))
                    .pollInterval(Duration.ofMillis(200))
                    .until(() -> code(info.get()) == 0);
        }
    }
}
