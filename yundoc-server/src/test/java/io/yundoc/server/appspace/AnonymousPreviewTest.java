package io.yundoc.server.appspace;

import static org.assertj.core.api.Assertions.assertThat;

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
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Anonymous preview over HTTP (api-families.md §F4): the operator's switch, the three task variants under both
 * paths and methods, the token's 24 h on the server clock, refresh, cancel, the task query, and the page
 * {@code /a/<task_id>?token=} that shows the file without login, refusing expired, cancelled, replaced and forged
 * tokens with the same 404 page.
 */
class AnonymousPreviewTest {
    static final String API = "/api/v1/openapi";
    static final byte[] PDF =
            ("%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>"
                            + "endobj 3 0 obj<</Type/Page/MediaBox[0 0 200 200]/Parent 2 0 R>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n")
                    .getBytes(StandardCharsets.US_ASCII);
    static final int LIMIT = 64 * 1024;

    @RegisterExtension
    static final TestServerExtension ts = TestServerExtension.embedded(
            b -> b.cloudAllow(List.of("127.0.0.1/32")).maxUpload(LIMIT));

    static HttpServer remote;
    static String origin;
    static TestServer.App app;
    static TestServer.App other;

    static final AtomicLong NONCE = new AtomicLong();

    @BeforeAll
    static void start() throws IOException {
        remote = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        remote.createContext("/report.pdf", ex -> {
            ex.sendResponseHeaders(200, PDF.length);
            try (OutputStream o = ex.getResponseBody()) {
                o.write(PDF);
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
        for (TestServer.App a : List.of(app, other)) {
            JsonNode view = ts.adminOk("PATCH", "/apps/" + a.appId(), "{\"anonymous_preview\":true}");
            assertThat(view.get("anonymous_preview").asBoolean()).isTrue();
        }
    }

    @AfterAll
    static void stop() {
        if (remote != null) {
            remote.stop(0);
        }
    }

    static JsonNode ok(HttpResponse<String> r) {
        JsonNode n = TestServer.json(r);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(n.get("code").asInt()).as(r.body()).isZero();
        return n.get("data");
    }

    static JsonNode err(HttpResponse<String> r, int code, int status, String hint) {
        JsonNode n = TestServer.json(r);
        assertThat(n.get("code").asInt()).as(r.body()).isEqualTo(code);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        if (hint != null) {
            assertThat(n.get("hint").asText()).as(r.body()).contains(hint);
        }
        assertThat(r.body()).doesNotContain("Exception").doesNotContain("\tat ");
        return n;
    }

    /**
     * A signed call; each gets a nonce (a JSON member the routes ignore, or a query parameter) so that two equal
     * calls within a second are not refused as replays (api.md §3.4).
     */
    static HttpResponse<String> call(TestServer.App a, String method, String path, String json) {
        long n = NONCE.incrementAndGet();
        if (json == null) {
            return ts.signed(
                    a, method, API + path + (path.contains("?") ? "&" : "?") + "_n=" + n, null, "application/json");
        }
        String body = json.equals("{}") ? "{\"_n\":" + n + "}" : "{\"_n\":" + n + "," + json.substring(1);
        return ts.signed(a, method, API + path, body.getBytes(StandardCharsets.UTF_8), "application/json");
    }

    static String appFile(TestServer.App a, String name, byte[] content) {
        String boundary = "b-" + UUID.randomUUID();
        return ok(ts.signed(
                        a,
                        "POST",
                        API + "/appspace/files/upload",
                        TestServer.multipart(boundary, name, "application/pdf", content),
                        "multipart/form-data; boundary=" + boundary))
                .get("file_token")
                .asText();
    }

    static HttpResponse<String> local(TestServer.App a, String partName, byte[] content, String... fields) {
        String boundary = "b-" + UUID.randomUUID();
        return ts.signed(
                a,
                "POST",
                API + "/anonymous/preview/local/with_token",
                TestServer.multipart(boundary, partName, "application/octet-stream", content, fields),
                "multipart/form-data; boundary=" + boundary);
    }

    /** The page path of a task answer's url (the test server's base stripped). */
    static String page(JsonNode task) {
        String url = task.get("url").asText();
        assertThat(url).startsWith(ts.base() + "/a/" + task.get("task_id").asText() + "?token=");
        return url.substring(ts.base().length());
    }

    static void checkTask(JsonNode d) {
        assertThat(d.get("task_id").asText()).matches("anon_[0-9a-f]{20}");
        assertThat(d.get("status").asText()).isEqualTo("success");
        assertThat(d.get("token").asText()).matches("AnonToken-[a-z]{32}");
        long now = ts.server().clock().millis();
        assertThat(d.get("timeout").asLong()).isBetween(86_400_000L - 60_000, 86_400_000L);
        assertThat(d.get("expire_time").asLong() * 1000).isBetween(now + 86_400_000L - 60_000, now + 86_400_000L);
    }

    @Test
    void appSpaceFileOpensOnThePageWithoutLoginAndOnlyWhileTheTokenLives() {
        String ft = appFile(app, "季度报告.pdf", PDF);
        JsonNode d = ok(call(app, "POST", "/anonymous/preview/appspace/with_token", "{\"file_token\":\"" + ft + "\"}"));
        checkTask(d);
        HttpResponse<String> p = ts.send("GET", page(d), null);
        assertThat(p.statusCode()).isEqualTo(200);
        assertThat(p.body()).contains("季度报告.pdf").contains("id=\"pdf-viewer\"").doesNotContain("id=\"download\"");
        assertThat(p.headers().firstValue("Content-Security-Policy").orElseThrow())
                .contains("script-src 'self'");
        String preview = page(d).replace("?token=", "/preview?token=");
        HttpResponse<byte[]> bytes = ts.sendBytes("GET", preview, null);
        assertThat(bytes.statusCode()).isEqualTo(200);
        assertThat(bytes.body()).isEqualTo(PDF);
        assertThat(bytes.headers().firstValue("Content-Type").orElseThrow()).isEqualTo("application/pdf");

        // the task query answers the same token while it lives; the documented GET and short-path slips work too
        JsonNode q = ok(call(app, "GET", "/anonymous/tasks/" + d.get("task_id").asText(), null));
        assertThat(q.get("token").asText()).isEqualTo(d.get("token").asText());
        assertThat(q.get("url").asText()).isEqualTo(d.get("url").asText());
        JsonNode slip = ok(call(
                app, "GET", "/anonymous/appspace/with_token", "{\"file_token\":\"" + ft + "\",\"download\":true}"));
        checkTask(slip);
        assertThat(slip.get("token").asText()).isNotEqualTo(d.get("token").asText());
        assertThat(ts.send("GET", page(slip), null).body())
                .contains("id=\"download\"")
                .contains("/dl/");

        // 24 h of the server clock, then the page is the 404 page and the token can no longer be refreshed
        ts.advanceClock(86_400 + 1);
        assertThat(ts.send("GET", page(d), null).statusCode()).isEqualTo(404);
        assertThat(ts.sendBytes("GET", preview, null).statusCode()).isEqualTo(404);
        err(
                call(
                        app,
                        "POST",
                        "/anonymous/token",
                        "{\"token\":\"" + d.get("token").asText() + "\"}"),
                10001,
                400,
                "token expired");
        err(call(app, "GET", "/anonymous/tasks/" + d.get("task_id").asText(), null), 10001, 400, "task not found");
    }

    @Test
    void refreshReplacesTheTokenAndCancelEndsIt() {
        String ft = appFile(app, "minutes.pdf", PDF);
        JsonNode d = ok(call(app, "POST", "/anonymous/preview/appspace/with_token", "{\"file_token\":\"" + ft + "\"}"));
        String oldToken = d.get("token").asText();
        // another app can neither refresh nor cancel it, nor read the task
        err(call(other, "POST", "/anonymous/token", "{\"token\":\"" + oldToken + "\"}"), 10001, 400, "token invalid");
        err(call(other, "DELETE", "/anonymous/token/" + oldToken, null), 10001, 400, "token invalid");
        err(call(other, "GET", "/anonymous/tasks/" + d.get("task_id").asText(), null), 10001, 400, "task not found");

        JsonNode fresh = ok(call(app, "POST", "/anonymous/token", "{\"token\":\"" + oldToken + "\"}"));
        assertThat(fresh.get("token").asText()).matches("AnonToken-[a-z]{32}").isNotEqualTo(oldToken);
        assertThat(fresh.get("timeout").asLong()).isBetween(86_400_000L - 60_000, 86_400_000L);
        assertThat(fresh.get("url").asText())
                .contains("/a/" + d.get("task_id").asText() + "?token="
                        + fresh.get("token").asText());
        assertThat(ts.send("GET", page(d), null).statusCode())
                .as("the old token ends at once")
                .isEqualTo(404);
        String freshPage = fresh.get("url").asText().substring(ts.base().length());
        assertThat(ts.send("GET", freshPage, null).statusCode()).isEqualTo(200);
        err(call(app, "POST", "/anonymous/token", "{\"token\":\"" + oldToken + "\"}"), 10001, 400, "token invalid");
        assertThat(ok(call(app, "GET", "/anonymous/tasks/" + d.get("task_id").asText(), null))
                        .get("token")
                        .asText())
                .isEqualTo(fresh.get("token").asText());

        JsonNode cancelled =
                ok(call(app, "DELETE", "/anonymous/token/" + fresh.get("token").asText(), null));
        assertThat(cancelled.size()).isZero();
        assertThat(ts.send("GET", freshPage, null).statusCode()).isEqualTo(404);
        err(call(app, "DELETE", "/anonymous/token/" + fresh.get("token").asText(), null), 10001, 400, "token invalid");
        err(call(app, "GET", "/anonymous/tasks/" + d.get("task_id").asText(), null), 10001, 400, "task not found");
    }

    @Test
    void forgedAndMismatchedTokensGetTheNotFoundPage() {
        String ft = appFile(app, "a.pdf", PDF);
        JsonNode a = ok(call(app, "POST", "/anonymous/preview/appspace/with_token", "{\"file_token\":\"" + ft + "\"}"));
        JsonNode b = ok(call(app, "POST", "/anonymous/preview/appspace/with_token", "{\"file_token\":\"" + ft + "\"}"));
        String taskA = a.get("task_id").asText();
        String tokenA = a.get("token").asText();
        String tokenB = b.get("token").asText();
        for (String path : List.of(
                "/a/" + taskA + "?token=" + tokenB, // a live token of another task
                "/a/" + taskA + "?token=AnonToken-" + "a".repeat(32), // forged
                "/a/" + taskA + "?token=" + tokenA.substring(0, tokenA.length() - 1)
                        + (tokenA.endsWith("x") ? "y" : "x"),
                "/a/" + taskA, // none
                "/a/" + taskA + "?token=" + "A".repeat(5000), // oversized
                "/a/anon_0000?token=" + tokenA, // unknown task
                "/a/" + taskA + "/preview?token=" + tokenB)) {
            HttpResponse<String> r = ts.send("GET", path, null);
            assertThat(r.statusCode()).as(path).isEqualTo(404);
            assertThat(r.body()).doesNotContain("a.pdf");
        }
        err(
                call(app, "POST", "/anonymous/token", "{\"token\":\"AnonToken-" + "b".repeat(32) + "\"}"),
                10001,
                400,
                "token invalid");
        err(call(app, "POST", "/anonymous/token", "{}"), 10001, 400, "token is required");
        err(call(app, "DELETE", "/anonymous/token/t2v4Ga8ZUYKc12KGMdEQpBh", null), 10001, 400, "token invalid");
        err(call(app, "GET", "/anonymous/tasks/anon_ffffffffffffffffffff", null), 10001, 400, "task not found");
    }

    @Test
    void destroyingTheFileEndsItsTasksAndTokens() {
        String ft = appFile(app, "gone.pdf", PDF);
        JsonNode d = ok(call(app, "POST", "/anonymous/preview/appspace/with_token", "{\"file_token\":\"" + ft + "\"}"));
        JsonNode second =
                ok(call(app, "POST", "/anonymous/preview/appspace/with_token", "{\"file_token\":\"" + ft + "\"}"));
        String keep = appFile(app, "kept.pdf", PDF);
        JsonNode kept =
                ok(call(app, "POST", "/anonymous/preview/appspace/with_token", "{\"file_token\":\"" + keep + "\"}"));
        String preview = page(d).replace("?token=", "/preview?token=");
        String status = page(d).replace("?token=", "/preview/status?token=");
        assertThat(ts.send("GET", page(d), null).statusCode()).isEqualTo(200);
        assertThat(ts.send("GET", status, null).statusCode()).isEqualTo(200);

        ok(call(app, "DELETE", "/appspace/files/" + ft + "/destroy", null));

        // the page, the bytes and the status poll: the 404 page, never a 500, never the file's name
        for (String path : List.of(page(d), preview, status, page(second))) {
            HttpResponse<String> r = ts.send("GET", path, null);
            assertThat(r.statusCode()).as(path).isEqualTo(404);
            assertThat(r.body()).as(path).doesNotContain("gone.pdf");
        }
        // the tasks and tokens went with the file (the purge hook), so the API answers its documented 10001s
        String task = d.get("task_id").asText();
        err(call(app, "GET", "/anonymous/tasks/" + task, null), 10001, 400, "task not found");
        err(
                call(
                        app,
                        "POST",
                        "/anonymous/token",
                        "{\"token\":\"" + d.get("token").asText() + "\"}"),
                10001,
                400,
                "token invalid");
        err(call(app, "DELETE", "/anonymous/token/" + second.get("token").asText(), null), 10001, 400, "token invalid");
        err(
                call(app, "POST", "/anonymous/preview/appspace/with_token", "{\"file_token\":\"" + ft + "\"}"),
                30012,
                404,
                null);
        Integer rows = ts.server()
                .database()
                .jdbi()
                .withHandle(h -> h.createQuery("SELECT (SELECT COUNT(*) FROM anon_tokens WHERE task_id IN (:a, :b)) "
                                + "+ (SELECT COUNT(*) FROM anon_previews WHERE file_id = :f)")
                        .bind("f", ft)
                        .bind("a", task)
                        .bind("b", second.get("task_id").asText())
                        .mapTo(Integer.class)
                        .one());
        assertThat(rows).isZero();
        // another file's task is untouched
        assertThat(ts.send("GET", page(kept), null).statusCode()).isEqualTo(200);
        assertThat(ok(call(app, "GET", "/anonymous/tasks/" + kept.get("task_id").asText(), null))
                        .get("token")
                        .asText())
                .isEqualTo(kept.get("token").asText());
    }

    @Test
    void appSpaceVariantChecksTheFile() {
        err(call(app, "POST", "/anonymous/preview/appspace/with_token", "{}"), 10001, 400, "file_token");
        err(call(app, "POST", "/anonymous/preview/appspace/with_token", "{\"file_token\":\"nope\"}"), 30012, 404, null);
        err(
                call(app, "POST", "/anonymous/preview/appspace/with_token", "{\"file_token\":\"../../etc\"}"),
                30012,
                404,
                null);
        String theirs = appFile(other, "theirs.pdf", PDF);
        err(
                call(app, "POST", "/anonymous/preview/appspace/with_token", "{\"file_token\":\"" + theirs + "\"}"),
                30012,
                404,
                null);
        String folder = ok(call(app, "POST", "/appspace/files", "{\"filename\":\"x.docx\",\"parent_path\":[\"dir\"]}"))
                .get("parent_token")
                .asText();
        err(
                call(app, "POST", "/anonymous/preview/appspace/with_token", "{\"file_token\":\"" + folder + "\"}"),
                10001,
                400,
                "folder");
        err(
                call(
                        app,
                        "POST",
                        "/anonymous/preview/appspace/with_token",
                        "{\"file_token\":\"x\",\"download\":\"maybe\"}"),
                10001,
                400,
                null);
    }

    @Test
    void cloudVariantFetchesThroughTheUrlGuard() {
        JsonNode d = ok(call(
                app,
                "POST",
                "/anonymous/preview/cloud/with_token",
                "{\"url\":\"" + origin + "/report.pdf\",\"filename\":\"远程.pdf\",\"download\":true}"));
        checkTask(d);
        HttpResponse<String> p = ts.send("GET", page(d), null);
        assertThat(p.body()).contains("远程.pdf").contains("id=\"download\"");
        assertThat(ts.sendBytes("GET", page(d).replace("?token=", "/preview?token="), null)
                        .body())
                .isEqualTo(PDF);
        // the short-path GET slip of the docs' example
        ok(call(
                app,
                "GET",
                "/anonymous/cloud/with_token",
                "{\"url\":\"" + origin + "/report.pdf\",\"filename\":\"r.pdf\"}"));

        // once its token is cancelled, the next task forgets the task and its private copy
        var jdbi = ts.server().database().jdbi();
        String task = d.get("task_id").asText();
        String copy = jdbi.withHandle(h -> h.createQuery("SELECT file_id FROM anon_previews WHERE task_id = :t")
                .bind("t", task)
                .mapTo(String.class)
                .one());
        String space = jdbi.withHandle(h -> h.createQuery("SELECT space FROM files WHERE file_id = :f")
                .bind("f", copy)
                .mapTo(String.class)
                .one());
        assertThat(space).isEqualTo("anon");
        ok(call(app, "DELETE", "/anonymous/token/" + d.get("token").asText(), null));
        ok(local(app, "next.pdf", PDF));
        int copies = jdbi.withHandle(h -> h.createQuery("SELECT COUNT(*) FROM files WHERE file_id = :f")
                .bind("f", copy)
                .mapTo(Integer.class)
                .one());
        int tokens = jdbi.withHandle(h -> h.createQuery("SELECT COUNT(*) FROM anon_tokens WHERE task_id = :t")
                .bind("t", task)
                .mapTo(Integer.class)
                .one());
        assertThat(copies).isZero();
        assertThat(tokens).isZero();

        err(
                call(
                        app,
                        "POST",
                        "/anonymous/preview/cloud/with_token",
                        "{\"url\":\"http://10.255.255.1/x\",\"filename\":\"a.pdf\"}"),
                10001,
                400,
                "url target not allowed");
        err(
                call(
                        app,
                        "POST",
                        "/anonymous/preview/cloud/with_token",
                        "{\"url\":\"http://[::1]:1/x\",\"filename\":\"a.pdf\"}"),
                10001,
                400,
                "url target not allowed");
        err(
                call(
                        app,
                        "POST",
                        "/anonymous/preview/cloud/with_token",
                        "{\"url\":\"file:///etc/passwd\",\"filename\":\"a.pdf\"}"),
                10001,
                400,
                "http or https");
        err(
                call(
                        app,
                        "POST",
                        "/anonymous/preview/cloud/with_token",
                        "{\"url\":\"" + origin + "/missing\",\"filename\":\"a.pdf\"}"),
                30009,
                502,
                "404");
        err(
                call(
                        app,
                        "POST",
                        "/anonymous/preview/cloud/with_token",
                        "{\"url\":\"" + origin + "/big\",\"filename\":\"a.pdf\"}"),
                30008,
                413,
                null);
        err(
                call(
                        app,
                        "POST",
                        "/anonymous/preview/cloud/with_token",
                        "{\"url\":\"" + origin + "/report.pdf\",\"filename\":\"noext\"}"),
                10001,
                400,
                "extension");
        err(
                call(app, "POST", "/anonymous/preview/cloud/with_token", "{\"url\":\"" + origin + "/report.pdf\"}"),
                10001,
                400,
                "filename");
    }

    @Test
    void localVariantTakesTheNameFromTheFormOrThePart() {
        JsonNode d = ok(local(app, "upload.bin", PDF, "filename", "本地.pdf", "download", "true"));
        checkTask(d);
        assertThat(ts.send("GET", page(d), null).body()).contains("本地.pdf").contains("id=\"download\"");
        JsonNode byPart = ok(local(app, "part.pdf", PDF));
        assertThat(ts.send("GET", page(byPart), null).body())
                .contains("part.pdf")
                .doesNotContain("id=\"download\"");
        err(local(app, "", PDF), 10001, 400, null);
        err(local(app, "big.pdf", new byte[LIMIT + 1]), 30008, 413, null);
        String boundary = "b-" + UUID.randomUUID();
        byte[] noFile = ("--" + boundary + "\r\nContent-Disposition: form-data; name=\"filename\"\r\n\r\nx.pdf\r\n--"
                        + boundary + "--\r\n")
                .getBytes(StandardCharsets.UTF_8);
        err(
                ts.signed(
                        app,
                        "POST",
                        API + "/anonymous/preview/local/with_token",
                        noFile,
                        "multipart/form-data; boundary=" + boundary),
                10001,
                400,
                "file");
    }

    @Test
    void theSwitchIsOffUntilTheOperatorTurnsItOn() {
        TestServer.App plain = ts.app("test");
        String ft = appFile(plain, "p.pdf", PDF);
        err(
                call(plain, "POST", "/anonymous/preview/appspace/with_token", "{\"file_token\":\"" + ft + "\"}"),
                10003,
                403,
                "anonymous preview not enabled for this app");
        err(
                call(
                        plain,
                        "POST",
                        "/anonymous/preview/cloud/with_token",
                        "{\"url\":\"" + origin + "/report.pdf\",\"filename\":\"a.pdf\"}"),
                10003,
                403,
                "not enabled");
        err(local(plain, "x.pdf", PDF), 10003, 403, "not enabled");
        assertThat(ts.adminOk("GET", "/apps/" + plain.appId(), null)
                        .get("anonymous_preview")
                        .asBoolean())
                .isFalse();
        JsonNode bad = TestServer.json(ts.send(
                "PATCH",
                "/admin/v1/apps/" + plain.appId(),
                "{\"anonymous_preview\":\"yes\"}",
                "Authorization",
                "Bearer test-admin-token"));
        assertThat(bad.get("code").asInt()).isEqualTo(10001);
    }
}
