package io.yundoc.server.appspace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import io.yundoc.server.TestServer;
import io.yundoc.server.TestServerExtension;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * App-space async upload over HTTP (api-families.md §F5): the task's answer, its progress while bytes arrive, the
 * file it makes (a new version on a name clash), the errors answered at once and those the task reports, the per-app
 * concurrency, retention, and a dead worker's task taken over once, then failed.
 */
class AsyncUploadTest {
    static final String API = "/api/v1/openapi/appspace";
    static final byte[] CONTENT = "异步上传 async bytes\n".repeat(200).getBytes(StandardCharsets.UTF_8);
    static final int LIMIT = 64 * 1024;

    @RegisterExtension
    static final TestServerExtension ts = TestServerExtension.embedded(
            b -> b.cloudAllow(List.of("127.0.0.1/32")).maxUpload(LIMIT).cloudConcurrency(2));

    static HttpServer remote;
    static String origin;
    static final CountDownLatch release = new CountDownLatch(1);
    static TestServer.App app;
    static TestServer.App other;

    static final AtomicLong NONCE = new AtomicLong();

    @BeforeAll
    static void start() throws IOException {
        remote = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        remote.setExecutor(Executors.newCachedThreadPool());
        remote.createContext("/doc.txt", ex -> {
            ex.sendResponseHeaders(200, CONTENT.length);
            try (OutputStream o = ex.getResponseBody()) {
                o.write(CONTENT);
            }
        });
        remote.createContext("/half", ex -> {
            ex.sendResponseHeaders(200, CONTENT.length);
            try (OutputStream o = ex.getResponseBody()) {
                o.write(CONTENT, 0, CONTENT.length / 2);
                o.flush();
                release.await(60, TimeUnit.SECONDS);
                o.write(CONTENT, CONTENT.length / 2, CONTENT.length - CONTENT.length / 2);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        remote.createContext("/big", ex -> {
            ex.sendResponseHeaders(200, LIMIT * 4L);
            try (OutputStream o = ex.getResponseBody()) {
                o.write(new byte[LIMIT * 4]);
            } catch (IOException ignored) {
                // yundoc hangs up at its limit
            }
        });
        remote.createContext("/missing", ex -> {
            ex.sendResponseHeaders(404, -1);
            ex.close();
        });
        remote.start();
        origin = "http://127.0.0.1:" + remote.getAddress().getPort();
        app = ts.app("formal");
        other = ts.app("formal");
    }

    @AfterAll
    static void stop() {
        release.countDown();
        if (remote != null) {
            remote.stop(0);
        }
    }

    /** A signed call with a nonce member, so two equal writes within a second are not replays (api.md §3.4). */
    static HttpResponse<String> call(TestServer.App a, String method, String path, String json) {
        long n = NONCE.incrementAndGet();
        if (json == null) {
            return ts.signed(a, method, API + path + "?_n=" + n, null, "application/json");
        }
        String body = json.equals("{}") ? "{\"_n\":" + n + "}" : "{\"_n\":" + n + "," + json.substring(1);
        return ts.signed(a, method, API + path, body.getBytes(StandardCharsets.UTF_8), "application/json");
    }

    static JsonNode ok(HttpResponse<String> r) {
        JsonNode n = TestServer.json(r);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(n.get("code").asInt()).as(r.body()).isZero();
        return n.get("data");
    }

    static void err(HttpResponse<String> r, int code, int status, String hint) {
        JsonNode n = TestServer.json(r);
        assertThat(n.get("code").asInt()).as(r.body()).isEqualTo(code);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        if (hint != null) {
            assertThat(n.get("hint").asText()).contains(hint);
        }
    }

    static String startTask(TestServer.App a, String json) {
        String id =
                ok(call(a, "POST", "/file/async/upload", json)).get("task_id").asText();
        assertThat(id).matches("upl_[0-9a-f]{20}");
        return id;
    }

    /** Polls the progress route until the task ended; returns its last answer. */
    static JsonNode ended(TestServer.App a, String taskId) {
        JsonNode[] last = new JsonNode[1];
        await().atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> {
                    last[0] = ok(call(a, "GET", "/file/async/upload/" + taskId, null));
                    String s = last[0].get("status").asText();
                    return s.equals("success") || s.equals("failure");
                });
        return last[0];
    }

    @Test
    void uploadsFromAUrlIntoTheAppSpaceAndANameClashMakesAVersion() {
        String id = startTask(app, "{\"url\":\"" + origin + "/doc.txt\",\"filename\":\"笔记.txt\",\"creator\":\"u-1\"}");
        JsonNode done = ended(app, id);
        assertThat(done.get("status").asText()).as(done.toString()).isEqualTo("success");
        assertThat(done.get("progress").asInt()).isEqualTo(100);
        String ft = done.get("file_token").asText();
        JsonNode info = ok(call(app, "GET", "/files/" + ft, null));
        assertThat(info.get("name").asText()).isEqualTo("笔记.txt");
        assertThat(info.get("size").asLong()).isEqualTo(CONTENT.length);
        assertThat(info.get("creator").asText()).isEqualTo("u-1");
        // the docs' example sends the query as PUT
        assertThat(ok(call(app, "PUT", "/file/async/upload/" + id, null))
                        .get("file_token")
                        .asText())
                .isEqualTo(ft);

        JsonNode again = ended(app, startTask(app, "{\"url\":\"" + origin + "/doc.txt\",\"filename\":\"笔记.txt\"}"));
        assertThat(again.get("file_token").asText()).isEqualTo(ft);
        assertThat(ok(call(app, "GET", "/files/" + ft, null)).get("version").asLong())
                .isEqualTo(2);

        // into a folder
        String folder = ok(call(app, "POST", "/files", "{\"filename\":\"x.docx\",\"parent_path\":[\"inbox\"]}"))
                .get("parent_token")
                .asText();
        JsonNode inFolder = ended(
                app,
                startTask(
                        app,
                        "{\"url\":\"" + origin + "/doc.txt\",\"filename\":\"a.txt\",\"parent_token\":\"" + folder
                                + "\"}"));
        assertThat(ok(call(app, "GET", "/files/" + inFolder.get("file_token").asText(), null))
                        .get("parent_token")
                        .asText())
                .isEqualTo(folder);

        // another app cannot read the task; after 24 h nobody can
        err(call(other, "GET", "/file/async/upload/" + id, null), 10001, 400, "task not found");
        ts.advanceClock(24 * 3600 + 1);
        err(call(app, "GET", "/file/async/upload/" + id, null), 10001, 400, "task not found");
    }

    @Test
    void reportsProgressWhileBytesArriveAndCountsAgainstTheFetchConcurrency() {
        String id = startTask(app, "{\"url\":\"" + origin + "/half\",\"filename\":\"half.txt\"}");
        await().atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> {
                    JsonNode p = ok(call(app, "GET", "/file/async/upload/" + id, null));
                    return p.get("status").asText().equals("running")
                            && p.get("progress").asInt() >= 45;
                });
        JsonNode mid = ok(call(app, "GET", "/file/async/upload/" + id, null));
        assertThat(mid.get("progress").asInt()).isBetween(45, 55);
        assertThat(mid.has("file_token")).isFalse();
        // --cloud-concurrency 2: one more fits, a third is refused at once with Retry-After
        String second = startTask(app, "{\"url\":\"" + origin + "/half\",\"filename\":\"half2.txt\"}");
        HttpResponse<String> third =
                call(app, "POST", "/file/async/upload", "{\"url\":\"" + origin + "/doc.txt\",\"filename\":\"c.txt\"}");
        err(third, 30010, 429, null);
        assertThat(third.headers().firstValue("Retry-After")).hasValue("5");
        release.countDown();
        assertThat(ended(app, id).get("status").asText()).isEqualTo("success");
        assertThat(ended(app, second).get("status").asText()).isEqualTo("success");
    }

    @Test
    void parameterErrorsAnswerAtOnceAndDownloadErrorsAreTheTasks() {
        err(call(app, "POST", "/file/async/upload", "{\"filename\":\"a.txt\"}"), 10001, 400, "url");
        err(call(app, "POST", "/file/async/upload", "{\"url\":\"" + origin + "/doc.txt\"}"), 10001, 400, "filename");
        err(
                call(app, "POST", "/file/async/upload", "{\"url\":\"ftp://example.com/a\",\"filename\":\"a.txt\"}"),
                10001,
                400,
                "http");
        err(
                call(
                        app,
                        "POST",
                        "/file/async/upload",
                        "{\"url\":\"http://user:pw@example.com/a\",\"filename\":\"a.txt\"}"),
                10001,
                400,
                null);
        err(
                call(
                        app,
                        "POST",
                        "/file/async/upload",
                        "{\"url\":\"" + origin + "/doc.txt\",\"filename\":\"t.ksheet\"}"),
                10001,
                400,
                "online");
        err(
                call(
                        app,
                        "POST",
                        "/file/async/upload",
                        "{\"url\":\"" + origin + "/doc.txt\",\"filename\":\"a/b.txt\"}"),
                10001,
                400,
                null);
        err(
                call(
                        app,
                        "POST",
                        "/file/async/upload",
                        "{\"url\":\"" + origin + "/doc.txt\",\"filename\":\"a.txt\",\"parent_token\":\"nope\"}"),
                30012,
                404,
                null);
        String file = ok(call(app, "POST", "/files", "{\"filename\":\"f.docx\"}"))
                .get("file_token")
                .asText();
        err(
                call(
                        app,
                        "POST",
                        "/file/async/upload",
                        "{\"url\":\"" + origin + "/doc.txt\",\"filename\":\"a.txt\",\"parent_token\":\"" + file
                                + "\"}"),
                30012,
                404,
                "folder");
        err(
                call(
                        app,
                        "POST",
                        "/file/async/upload",
                        "{\"url\":\"" + origin + "/doc.txt\",\"filename\":\"a.txt\",\"creator\":{\"x\":1}}"),
                10001,
                400,
                "creator");
        err(call(app, "GET", "/file/async/upload/upl_ffffffffffffffffffff", null), 10001, 400, "task not found");

        JsonNode missing = ended(app, startTask(app, "{\"url\":\"" + origin + "/missing\",\"filename\":\"m.txt\"}"));
        assertThat(missing.get("status").asText()).isEqualTo("failure");
        assertThat(missing.get("error").get("code").asInt()).isEqualTo(30009);
        assertThat(missing.get("error").get("msg").asText()).isEqualTo("DownloadFail");
        assertThat(missing.get("error").get("hint").asText()).contains("404");
        JsonNode ssrf = ended(app, startTask(app, "{\"url\":\"http://10.255.255.1/secret\",\"filename\":\"s.txt\"}"));
        assertThat(ssrf.get("error").get("code").asInt()).isEqualTo(10001);
        assertThat(ssrf.get("error").get("hint").asText()).isEqualTo("url target not allowed");
        JsonNode loop = ended(app, startTask(app, "{\"url\":\"http://[::1]:9/x\",\"filename\":\"s.txt\"}"));
        assertThat(loop.get("error").get("hint").asText()).isEqualTo("url target not allowed");
        JsonNode big = ended(app, startTask(app, "{\"url\":\"" + origin + "/big\",\"filename\":\"big.bin\"}"));
        assertThat(big.get("error").get("code").asInt()).isEqualTo(30008);
        assertThat(big.get("progress").asInt()).isZero();
    }

    @Test
    void aDeadWorkersTaskIsTakenOverOnceThenFails() {
        long now = ts.server().clock().millis();
        var jdbi = ts.server().database().jdbi();
        for (Object[] row : new Object[][] {{"upl_dead00000000000000a1", 1}, {"upl_dead00000000000000a2", 2}}) {
            jdbi.useHandle(h -> h.createUpdate("""
                            INSERT INTO upload_tasks (task_id, app_id, url, filename, status, progress, attempts, lease_until, created_at)
                            VALUES (:t, :a, :u, 'dead.txt', 'running', 40, :n, :lease, :c)""")
                    .bind("t", row[0])
                    .bind("a", app.appId())
                    .bind("u", origin + "/doc.txt")
                    .bind("n", row[1])
                    .bind("lease", now - 1)
                    .bind("c", now - 60_000)
                    .execute());
        }
        JsonNode retried = ended(app, "upl_dead00000000000000a1");
        assertThat(retried.get("status").asText()).as(retried.toString()).isEqualTo("success");
        JsonNode failed = ended(app, "upl_dead00000000000000a2");
        assertThat(failed.get("status").asText()).isEqualTo("failure");
        assertThat(failed.get("error").get("code").asInt()).isEqualTo(30004);
        assertThat(failed.get("error").get("hint").asText()).contains("retried once");
    }
}
