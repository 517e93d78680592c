package io.yundoc.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Scale-out behaviour that only exists with the shared backends (always run against the machine's PostgreSQL and
 * Redis and an S3Mock, in both Surefire executions): presigned downloads, exact quotas across instances, the Redis
 * failure policies, and PostgreSQL / S3 outages.
 */
// integration phase (Failsafe, mvn verify): PostgreSQL, Redis, S3Mock and redis-server processes
@Tag("integration")
class ScaleOutBackendsTest {
    static final String DOWNLOAD = "GET /api/v1/openapi/personal/files/:file_token/download";

    static String upload(TestServer ts, TestServer.User u, String name, byte[] content) {
        HttpResponse<byte[]> r = ts.sendBytes(
                "POST",
                "/api/v1/openapi/personal/files/upload?access_token=" + u.token(),
                TestServer.multipart("b0undary", name, "text/plain", content, "path_from_root", "true"),
                "Content-Type",
                "multipart/form-data; boundary=b0undary");
        JsonNode n = parse(r.body());
        assertThat(n.get("code").asInt())
                .as(new String(r.body(), StandardCharsets.UTF_8))
                .isZero();
        return n.get("data").get("id").get("open_id").asText();
    }

    static JsonNode parse(byte[] body) {
        try {
            return TestServer.JSON.readTree(body);
        } catch (IOException e) {
            throw new AssertionError(new String(body, StandardCharsets.UTF_8), e);
        }
    }

    @Test
    void presignedDownloadUrlPointsAtTheS3StoreWithNameAndType() {
        try (TestServer ts = new TestServer(b -> ScaleOutBackends.apply(b).blobsPresign(true))) {
            TestServer.App app = ts.app("test");
            TestServer.User u = ts.user(app);
            byte[] content = "presigned 下载".getBytes(StandardCharsets.UTF_8);
            String ft = upload(ts, u, "报告 1.txt", content);
            JsonNode dl = TestServer.json(ts.send(
                            "GET",
                            "/api/v1/openapi/personal/files/" + ft + "/download?access_token=" + u.token(),
                            null))
                    .get("data");
            String url = dl.get("url").asText();
            assertThat(url)
                    .startsWith(ScaleOutBackends.s3().endpoint + "/")
                    .contains("X-Amz-Signature=")
                    .contains("X-Amz-Expires=900")
                    .contains("response-content-disposition=");
            HttpResponse<byte[]> bytes = ts.sendBytes("GET", url, null);
            assertThat(bytes.statusCode()).isEqualTo(200);
            assertThat(bytes.body()).isEqualTo(content);
            assertThat(bytes.headers().firstValue("Content-Disposition").orElseThrow())
                    .contains("attachment")
                    .contains("UTF-8''%E6%8A%A5%E5%91%8A%201.txt");
            assertThat(bytes.headers().firstValue("Content-Type").orElseThrow()).startsWith("text/plain");
            assertThat(dl.get("checksums").get("sha1").asText()).isEqualTo(TestServer.hex("SHA-1", content));
        }
    }

    @Test
    void withoutPresignYundocStreamsFromS3IncludingRanges() {
        try (TestServer ts = new TestServer(ScaleOutBackends::apply)) {
            TestServer.App app = ts.app("test");
            TestServer.User u = ts.user(app);
            byte[] content = new byte[3 * 1024 * 1024 + 17];
            new Random(7).nextBytes(content);
            String ft = upload(ts, u, "big.bin", content);
            String url = TestServer.json(ts.send(
                            "GET",
                            "/api/v1/openapi/personal/files/" + ft + "/download?access_token=" + u.token(),
                            null))
                    .get("data")
                    .get("url")
                    .asText();
            assertThat(url).startsWith(ts.base + "/dl/");
            HttpResponse<byte[]> all = ts.sendBytes("GET", url, null);
            assertThat(all.body()).isEqualTo(content);
            HttpResponse<byte[]> part = ts.sendBytes("GET", url, null, "Range", "bytes=1000000-1000009");
            assertThat(part.statusCode()).isEqualTo(206);
            assertThat(part.body()).isEqualTo(Arrays.copyOfRange(content, 1_000_000, 1_000_010));
            // content-addressed: the object is stored under its SHA-256 below this data dir's prefix
            try (var s3 = ScaleOutBackends.s3().client()) {
                var listed = s3.listObjectsV2(r -> r.bucket(ScaleOutBackends.s3().bucket))
                        .contents();
                assertThat(listed)
                        .anyMatch(o ->
                                o.key().endsWith(TestServer.hex("SHA-256", content)) && o.size() == content.length);
            }
        }
    }

    @Test
    void aQuotaOfNAllowsExactlyNCallsAcrossInstances() {
        try (TestServer a = new TestServer(ScaleOutBackends::apply);
                TestServer b = new TestServer(
                        x -> ScaleOutBackends.apply(x.dataDir(a.server.config().dataDir())))) {
            TestServer.App app = a.app("test");
            TestServer.User u = a.user(app);
            String ft = upload(a, u, "q.txt", "q".getBytes(StandardCharsets.UTF_8));
            JsonNode row = a.adminOk(
                    "PUT",
                    "/quota",
                    "{\"app_id\":\"" + app.appId() + "\",\"endpoint\":\"" + DOWNLOAD + "\",\"limit\":7}");
            assertThat(row.get("limit").asLong()).isEqualTo(7);
            int ok = 0;
            for (int i = 0; i < 20; i++) {
                TestServer ts = i % 2 == 0 ? a : b;
                HttpResponse<String> r = ts.send(
                        "GET", "/api/v1/openapi/personal/files/" + ft + "/download?access_token=" + u.token(), null);
                int code = TestServer.json(r).get("code").asInt();
                if (code == 0) {
                    ok++;
                } else {
                    assertThat(code).isEqualTo(30002);
                    assertThat(r.statusCode()).isEqualTo(429);
                }
            }
            assertThat(ok).isEqualTo(7);
            JsonNode usage = b.adminOk("GET", "/quota?app_id=" + app.appId(), null);
            boolean seen = false;
            for (JsonNode e : usage.get("endpoints")) {
                if (e.get("endpoint").asText().equals(DOWNLOAD)) {
                    assertThat(e.get("limit").asLong()).isEqualTo(7);
                    assertThat(e.get("used").asLong()).isEqualTo(20);
                    seen = true;
                }
            }
            assertThat(seen).isTrue();
        }
    }

    @Test
    void quotaOverridesAreValidatedAndPatchable() {
        try (TestServer ts = new TestServer(ScaleOutBackends::apply)) {
            TestServer.App app = ts.app("test");
            HttpResponse<String> bad = ts.send(
                    "PUT",
                    "/admin/v1/quota",
                    "{\"app_id\":\"" + app.appId() + "\",\"endpoint\":\"GET /nope\",\"limit\":1}",
                    "Authorization",
                    "Bearer test-admin-token");
            assertThat(TestServer.json(bad).get("code").asInt()).isEqualTo(10001);
            HttpResponse<String> neg = ts.send(
                    "PUT",
                    "/admin/v1/quota",
                    "{\"app_id\":\"" + app.appId() + "\",\"endpoint\":\"" + DOWNLOAD + "\",\"limit\":-3}",
                    "Authorization",
                    "Bearer test-admin-token");
            assertThat(TestServer.json(neg).get("code").asInt()).isEqualTo(10001);
            HttpResponse<String> unknownApp = ts.send(
                    "PUT",
                    "/admin/v1/quota",
                    "{\"app_id\":\"NOPE\",\"endpoint\":\"" + DOWNLOAD + "\",\"limit\":1}",
                    "Authorization",
                    "Bearer test-admin-token");
            assertThat(TestServer.json(unknownApp).get("code").asInt()).isEqualTo(20002);
            JsonNode patched = ts.adminOk(
                    "PATCH",
                    "/apps/" + app.appId(),
                    "{\"name\":\"renamed\",\"quota_overrides\":{\"" + DOWNLOAD + "\":\"unlimited\"}}");
            assertThat(patched.get("name").asText()).isEqualTo("renamed");
            assertThat(patched.get("quota_overrides").get(DOWNLOAD).asText()).isEqualTo("unlimited");
            JsonNode removed =
                    ts.adminOk("PATCH", "/apps/" + app.appId(), "{\"quota_overrides\":{\"" + DOWNLOAD + "\":null}}");
            assertThat(removed.get("quota_overrides").has(DOWNLOAD)).isFalse();
            assertThat(removed.get("name").asText()).isEqualTo("renamed");
        }
    }

    static String metric(TestServer ts, String name) {
        Matcher m = Pattern.compile("(?m)^" + name + "(\\{[^}]*\\})? (\\S+)$")
                .matcher(ts.send("GET", "/metrics", null).body());
        return m.find() ? m.group(2) : null;
    }

    /** A redis-server of our own on a free port (the machine's shared Redis on 6379 is never stopped). */
    static Process redisServer(int port) throws Exception {
        Path dir = Files.createTempDirectory("redis");
        Process p = new ProcessBuilder(
                        "redis-server",
                        "--port",
                        Integer.toString(port),
                        "--bind",
                        "127.0.0.1",
                        "--save",
                        "",
                        "--appendonly",
                        "no",
                        "--dir",
                        dir.toString())
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("log").toFile())
                .start();
        await(Duration.ofSeconds(20), () -> ScaleOutBackends.listening(port), "redis-server on port " + port);
        return p;
    }

    static void await(Duration max, BooleanSupplier cond, String what) {
        Awaitility.await(what).atMost(max).pollInterval(Duration.ofMillis(50)).until(cond::getAsBoolean);
    }

    @Test
    void redisDownFailsOpenByDefaultCountsLocallyAndReconciles() throws Exception {
        int port = ScaleOutBackends.freePort();
        String prefix = "yd-open-" + System.nanoTime() + ":";
        try (TestServer ts = new TestServer(b -> ScaleOutBackends.apply(b)
                .quota("redis://127.0.0.1:" + port + "?prefix=" + prefix + "&timeout_ms=300"))) {
            TestServer.App app = ts.app("test");
            TestServer.User u = ts.user(app);
            String ft = upload(ts, u, "o.txt", "o".getBytes(StandardCharsets.UTF_8));
            for (int i = 0; i < 3; i++) {
                long t0 = System.nanoTime();
                HttpResponse<String> r = ts.send(
                        "GET", "/api/v1/openapi/personal/files/" + ft + "/download?access_token=" + u.token(), null);
                assertThat(TestServer.json(r).get("code").asInt()).isZero();
                assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(2));
            }
            assertThat(metric(ts, "yundoc_quota_backend_up")).isEqualTo("0.0");
            assertThat(metric(ts, "hikaricp_connections_active")).isNotNull();
            assertThat(Double.parseDouble(metric(ts, "yundoc_quota_unreconciled")))
                    .isEqualTo(4.0); // 1 upload + 3 downloads
            HttpResponse<String> health = ts.send("GET", "/health", null);
            assertThat(health.statusCode()).isEqualTo(200);
            assertThat(health.body()).contains("\"quota\":\"DOWN\"").contains("warnings");

            Process redis = redisServer(port);
            try {
                await(
                        Duration.ofSeconds(20),
                        () -> "1.0".equals(metric(ts, "yundoc_quota_backend_up"))
                                && "0.0".equals(metric(ts, "yundoc_quota_unreconciled")),
                        "reconciliation");
                String day = ts.server.admin() == null
                        ? null
                        : TestServer.json(ts.send(
                                        "GET",
                                        "/admin/v1/quota?app_id=" + app.appId(),
                                        null,
                                        "Authorization",
                                        "Bearer test-admin-token"))
                                .get("data")
                                .get("day")
                                .asText();
                Process get = new ProcessBuilder(
                                "redis-cli",
                                "-p",
                                Integer.toString(port),
                                "GET",
                                prefix + "quota:" + day + ":" + app.appId() + ":" + DOWNLOAD)
                        .start();
                assertThat(new String(get.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip())
                        .isEqualTo("3");
                Process ttl = new ProcessBuilder(
                                "redis-cli",
                                "-p",
                                Integer.toString(port),
                                "TTL",
                                prefix + "quota:" + day + ":" + app.appId() + ":" + DOWNLOAD)
                        .start();
                long seconds =
                        Long.parseLong(new String(ttl.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip());
                assertThat(seconds).isPositive().isLessThanOrEqualTo(86_400 + 3600);
                // back on Redis: the next call is counted there
                ts.send("GET", "/api/v1/openapi/personal/files/" + ft + "/download?access_token=" + u.token(), null);
                Process again = new ProcessBuilder(
                                "redis-cli",
                                "-p",
                                Integer.toString(port),
                                "GET",
                                prefix + "quota:" + day + ":" + app.appId() + ":" + DOWNLOAD)
                        .start();
                assertThat(new String(again.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip())
                        .isEqualTo("4");
                assertThat(ts.send("GET", "/health", null).body()).doesNotContain("warnings");
            } finally {
                redis.destroy();
                redis.waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    @Test
    void redisDownFailClosedRefusesMeteredCallsWith30004() throws Exception {
        int port = ScaleOutBackends.freePort();
        try (TestServer ts = new TestServer(b -> ScaleOutBackends.apply(b)
                .quotaFailure("closed")
                .quota("redis://127.0.0.1:" + port + "?timeout_ms=300"))) {
            TestServer.App app = ts.app("test");
            TestServer.User u = ts.user(app);
            HttpResponse<byte[]> r = ts.sendBytes(
                    "POST",
                    "/api/v1/openapi/personal/files/upload?access_token=" + u.token(),
                    TestServer.multipart("b0undary", "c.txt", "text/plain", new byte[] {1}, "path_from_root", "true"),
                    "Content-Type",
                    "multipart/form-data; boundary=b0undary");
            JsonNode n = parse(r.body());
            assertThat(n.get("code").asInt()).isEqualTo(30004);
            assertThat(n.get("hint").asText()).isEqualTo("quota backend unavailable");
            assertThat(ts.send("GET", "/health", null).statusCode()).isEqualTo(503);
        }
    }

    @Test
    void postgresDownAnswers30004QuicklyAndServiceResumesByItself() throws Exception {
        try (TcpProxy pg = new TcpProxy(5432);
                TestServer ts = new TestServer(b -> ScaleOutBackends.applyWithPostgresAt(b, pg.port()))) {
            TestServer.App app = ts.app("test");
            TestServer.User u = ts.user(app);
            String ft = upload(ts, u, "p.txt", "p".getBytes(StandardCharsets.UTF_8));
            pg.cut();
            long t0 = System.nanoTime();
            HttpResponse<String> health = ts.send("GET", "/health", null);
            assertThat(health.statusCode()).isEqualTo(503);
            assertThat(health.body()).contains("\"database\":\"DOWN\"");
            List<Thread> callers = new ArrayList<>();
            List<Integer> codes = Collections.synchronizedList(new ArrayList<>());
            for (int i = 0; i < 20; i++) {
                callers.add(Thread.ofVirtual()
                        .start(() -> codes.add(TestServer.json(ts.send(
                                        "GET",
                                        "/api/v1/openapi/personal/files/" + ft + "/download?access_token=" + u.token(),
                                        null))
                                .get("code")
                                .asInt())));
            }
            for (Thread t : callers) {
                t.join();
            }
            assertThat(codes).hasSize(20).containsOnly(30004);
            assertThat(Duration.ofNanos(System.nanoTime() - t0))
                    .as("answers within the pool timeout")
                    .isLessThan(Duration.ofSeconds(10));
            pg.restore();
            await(Duration.ofSeconds(30), () -> ts.send("GET", "/health", null).statusCode() == 200, "database back");
            HttpResponse<String> r = ts.send(
                    "GET", "/api/v1/openapi/personal/files/" + ft + "/download?access_token=" + u.token(), null);
            assertThat(TestServer.json(r).get("code").asInt()).isZero();
        }
    }

    @Test
    void s3DownUploadFailsCleanlyWithNothingRecorded() throws Exception {
        try (TcpProxy s3 = new TcpProxy(ScaleOutBackends.s3().port);
                TestServer ts = new TestServer(b -> {
                    ScaleOutBackends.apply(b);
                    b.blobs(ScaleOutBackends.s3()
                            .url("down-" + System.nanoTime() + "/")
                            .replace(ScaleOutBackends.s3().endpoint, "http://127.0.0.1:" + s3.port()));
                })) {
            TestServer.App app = ts.app("test");
            TestServer.User u = ts.user(app);
            s3.cut();
            HttpResponse<byte[]> r = ts.sendBytes(
                    "POST",
                    "/api/v1/openapi/personal/files/upload?access_token=" + u.token(),
                    TestServer.multipart(
                            "b0undary",
                            "lost.txt",
                            "text/plain",
                            "x".repeat(5000).getBytes(StandardCharsets.UTF_8),
                            "path_from_root",
                            "true"),
                    "Content-Type",
                    "multipart/form-data; boundary=b0undary");
            assertThat(parse(r.body()).get("code").asInt()).isEqualTo(30004);
            int rows = ts.server
                    .database()
                    .jdbi()
                    .withHandle(h -> h.createQuery("SELECT COUNT(*) FROM files WHERE name = 'lost.txt'")
                            .mapTo(Integer.class)
                            .one());
            int blobs = ts.server
                    .database()
                    .jdbi()
                    .withHandle(h -> h.createQuery("SELECT COUNT(*) FROM blobs")
                            .mapTo(Integer.class)
                            .one());
            assertThat(rows).isZero();
            assertThat(blobs).isZero();
            // spool/<id>/ is this instance's own directory (SpoolDir); its upload files must be gone
            try (var spool = Files.walk(ts.server.config().dataDir().resolve("spool"))) {
                assertThat(spool.filter(p -> p.getFileName().toString().endsWith(".part"))
                                .toList())
                        .as("no spool file left behind")
                        .isEmpty();
            }
            await(
                    Duration.ofSeconds(5),
                    () -> ts.send("GET", "/health", null).statusCode() == 503,
                    "health reports blobs down");
            s3.restore();
            upload(ts, u, "lost.txt", "x".repeat(5000).getBytes(StandardCharsets.UTF_8));
        }
    }

    @Test
    void clockAndMaintenanceSetThroughOneInstanceReachTheOther() throws Exception {
        try (TestServer a = new TestServer(ScaleOutBackends::apply);
                TestServer b = new TestServer(
                        x -> ScaleOutBackends.apply(x.dataDir(a.server.config().dataDir())))) {
            TestServer.App app = a.app("test");
            TestServer.User u = a.user(app);
            String ft = upload(a, u, "m.txt", "m".getBytes(StandardCharsets.UTF_8));
            JsonNode moved = a.adminOk("POST", "/clock", "{\"advance_seconds\":7200}");
            assertThat(moved.get("offset_seconds").asLong()).isEqualTo(7200);
            await(
                    Duration.ofSeconds(5),
                    () -> b.adminOk("GET", "/clock", null).get("offset_seconds").asLong() == 7200,
                    "clock on b");
            // the local change is never rolled back by a poll that read the old value
            for (int i = 0; i < 15; i++) {
                a.adminOk("POST", "/clock", "{\"advance_seconds\":1}");
                long expected = 7201L + i;
                assertThat(a.adminOk("GET", "/clock", null)
                                .get("offset_seconds")
                                .asLong())
                        .isEqualTo(expected);
                // b has polled the new value, so a poll cycle ran between two changes
                await(
                        Duration.ofSeconds(5),
                        () -> b.adminOk("GET", "/clock", null)
                                        .get("offset_seconds")
                                        .asLong()
                                == expected,
                        "clock " + expected + " on b");
                assertThat(a.adminOk("GET", "/clock", null)
                                .get("offset_seconds")
                                .asLong())
                        .isEqualTo(expected);
            }
            a.adminOk("PUT", "/maintenance", "{\"on\":true,\"retry_after_seconds\":60}");
            String dl = "/api/v1/openapi/personal/files/" + ft + "/download?access_token=" + u.token();
            await(
                    Duration.ofSeconds(5),
                    () -> TestServer.json(b.send("GET", dl, null)).get("code").asInt() == 40008,
                    "maintenance on b");
            b.adminOk("PUT", "/maintenance", "{\"on\":false}");
            await(
                    Duration.ofSeconds(5),
                    () -> TestServer.json(a.send("GET", dl, null)).get("code").asInt() == 0,
                    "maintenance off on a");
        }
    }

    /** Sends exactly these bytes and headers (a captured signed request) to {@code ts}. */
    static JsonNode sendRaw(TestServer ts, String path, byte[] body, String... headers) throws Exception {
        var req = HttpRequest.newBuilder(URI.create(ts.base + path))
                .headers(headers)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .build();
        return TestServer.JSON.readTree(
                ts.http.send(req, HttpResponse.BodyHandlers.ofString()).body());
    }

    @Test
    void aSignedWriteReplayedToAnotherInstanceIsRefused() throws Exception {
        // with Redis (SET NX PX) and without it (the database table)
        for (boolean redis : new boolean[] {true, false}) {
            try (TestServer a = new TestServer(b -> {
                        ScaleOutBackends.apply(b);
                        if (!redis) {
                            b.quota(null);
                        }
                    });
                    TestServer b = new TestServer(x -> {
                        ScaleOutBackends.apply(x.dataDir(a.server.config().dataDir()));
                        if (!redis) {
                            x.quota(null);
                        }
                    })) {
                TestServer.App app = a.app("test");
                byte[] body = "{\"filename\":\"replayed.docx\"}".getBytes(StandardCharsets.UTF_8);
                String md5 = TestServer.hex("MD5", body);
                String date = a.date();
                String[] headers = {
                    "Content-Type",
                    "application/json",
                    "Content-Md5",
                    md5,
                    "Date",
                    date,
                    "Authorization",
                    TestServer.wps2(app.appId(), app.appKey(), md5, "application/json", date)
                };
                assertThat(sendRaw(a, "/api/v1/openapi/appspace/files", body, headers)
                                .get("code")
                                .asInt())
                        .isZero();
                JsonNode replay = sendRaw(b, "/api/v1/openapi/appspace/files", body, headers);
                assertThat(replay.get("code").asInt())
                        .as("redis=" + redis + " " + replay)
                        .isEqualTo(30003);
                assertThat(replay.get("hint").asText()).isEqualTo("replayed request");
            }
        }
    }

    /**
     * Redis cut for both instances (through a {@link TcpProxy}): the replay cache falls back to the database table of
     * the no-Redis mode, so a write replayed to the other instance is refused during the outage, and still refused
     * once Redis is back (the key is in the database, not in Redis). A captured signed GET cannot be spent on a write
     * at the other instance either.
     */
    @Test
    void replayProtectionHoldsAcrossInstancesWhileRedisIsDownAndAfterItReturns() throws Exception {
        try (TcpProxy redis = new TcpProxy(6379);
                TestServer a = new TestServer(b -> viaProxy(ScaleOutBackends.apply(b), redis));
                TestServer b = new TestServer(x -> viaProxy(
                        ScaleOutBackends.apply(x.dataDir(a.server.config().dataDir())), redis))) {
            TestServer.App app = a.app("test");
            String api = "/api/v1/openapi/appspace/files";
            // Redis up: a signed GET's headers (md5 of the empty body) read on a, then replayed as a delete on b
            String ft = TestServer.json(a.signed(
                            app,
                            "POST",
                            api,
                            ("{\"filename\":\"read-" + System.nanoTime() + ".docx\"}").getBytes(StandardCharsets.UTF_8),
                            "application/json"))
                    .get("data")
                    .get("file_token")
                    .asText();
            a.advanceClock(1); // b shares the clock; this second's empty-body headers are fresh
            String[] read = a.wps2Headers(app, null, "application/json");
            assertThat(a.sendRaw("GET", api + "/" + ft, null, read).statusCode())
                    .isEqualTo(200);
            JsonNode deleted = TestServer.json(b.sendRaw("DELETE", api + "/" + ft + "/destroy", null, read));
            assertThat(deleted.get("code").asInt()).as(deleted.toString()).isEqualTo(30003);
            assertThat(a.sendRaw("GET", api + "/" + ft, null, read).statusCode())
                    .isEqualTo(200);

            redis.cut();
            byte[] body = ("{\"filename\":\"outage-" + System.nanoTime() + ".docx\"}").getBytes(StandardCharsets.UTF_8);
            String[] write = a.wps2Headers(app, body, "application/json");
            JsonNode first = sendRaw(a, api, body, write);
            assertThat(first.get("code").asInt()).as(first.toString()).isZero();
            JsonNode during = sendRaw(b, api, body, write);
            assertThat(during.get("code").asInt())
                    .as("replay to b while Redis is down: " + during)
                    .isEqualTo(30003);
            assertThat(during.get("hint").asText()).isEqualTo("replayed request");
            assertThat(metric(a, "yundoc_quota_backend_up")).isEqualTo("0.0");

            redis.restore();
            Awaitility.await()
                    .atMost(Duration.ofSeconds(30))
                    .until(() -> "1.0".equals(metric(a, "yundoc_quota_backend_up"))
                            && "1.0".equals(metric(b, "yundoc_quota_backend_up")));
            for (TestServer ts : List.of(b, a)) {
                JsonNode after = sendRaw(ts, api, body, write);
                assertThat(after.get("code").asInt())
                        .as("replay after Redis returned: " + after)
                        .isEqualTo(30003);
            }
        }
    }

    /** The shared Redis reached through {@code proxy}, keeping the prefix {@link ScaleOutBackends#apply} chose. */
    private static ServerConfig.Builder viaProxy(ServerConfig.Builder b, TcpProxy proxy) {
        String quota = b.build().quota();
        return b.quota(quota.replace(ScaleOutBackends.REDIS, "redis://127.0.0.1:" + proxy.port()) + "&timeout_ms=300");
    }
}
