package io.yundoc.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * HTTP edge cases (issue 13 item 8), sent as raw bytes: chunk extensions are ignored (RFC 9112 §7.1.1); malformed
 * chunk sizes, a NUL in the method or path and a path that is not a URI path are 400 with at most one log line and no
 * stack trace; any method but GET, HEAD (and the CORS preflight) on {@code /dl/…} is 405 with {@code Allow: GET,
 * HEAD}; unknown paths outside {@code /api/} are a plain 404, while {@code /api/} keeps 30005.
 */
class HttpEdgeTest {
    @RegisterExtension
    static final TestServerExtension ts = TestServerExtension.embedded();

    LogCapture logged;

    /** The loggers whose INFO lines count (the test configuration keeps only WARNING); held so JUL keeps the level. */
    final List<Logger> watched = List.of(Logger.getLogger("io.yundoc"), Logger.getLogger("io.helidon"));

    @BeforeEach
    void listen() {
        watched.forEach(l -> l.setLevel(Level.INFO));
        logged = LogCapture.on(Logger.getLogger(""), Level.INFO);
    }

    @AfterEach
    void unlisten() {
        logged.close();
        watched.forEach(l -> l.setLevel(null));
    }

    static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    /** A request of this request line alone, with a Host and Connection: close. */
    static TestServer.RawResponse requestLine(String line) {
        return ts.raw(ascii(line + "\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"));
    }

    /** A chunked admin request; each chunk's size line is {@code hex + ext}. */
    static byte[] chunked(String method, String path, String contentType, byte[] body, int chunk, String ext) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(ascii(method + " " + path
                + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer test-admin-token\r\n" + "Content-Type: "
                + contentType + "\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"));
        for (int i = 0; i < body.length; i += chunk) {
            int n = Math.min(chunk, body.length - i);
            out.writeBytes(ascii(Integer.toHexString(n) + ext + "\r\n"));
            out.write(body, i, n);
            out.writeBytes(ascii("\r\n"));
        }
        out.writeBytes(ascii("0" + ext + "\r\n\r\n"));
        return out.toByteArray();
    }

    static JsonNode json(TestServer.RawResponse r) {
        try {
            return TestServer.JSON.readTree(r.body());
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + r.bodyText(), e);
        }
    }

    /** 400, the KDocs envelope with 10001, no stack trace; and exactly one log line, without a Throwable. */
    void badRequest(TestServer.RawResponse r) {
        assertThat(r.status()).as(r.head() + "\n" + r.bodyText()).isEqualTo(400);
        assertThat(r.header("Content-Type")).startsWith("application/json");
        assertThat(json(r).get("code").asInt()).isEqualTo(10001);
        assertThat(r.bodyText()).doesNotContain("Exception").doesNotContain("\tat ");
        List<LogRecord> lines = logged.drain();
        assertThat(lines)
                .as("log lines: %s", LogCapture.lines(lines))
                .hasSize(1)
                .allSatisfy(l -> assertThat(l.getThrown()).isNull());
    }

    @Test
    void chunkExtensionsAreIgnored() {
        byte[] body = "{\"name\":\"chunky\",\"password\":\"password-123\"}".getBytes(StandardCharsets.UTF_8);
        for (String ext : List.of(";a=b", " ; a = \"x;y\"", ";a", ";\tb=1;c=2")) {
            byte[] user = ("{\"name\":\"chunky" + Integer.toUnsignedString(ext.hashCode())
                            + "\",\"password\":\"password-123\"}")
                    .getBytes(StandardCharsets.UTF_8);
            TestServer.RawResponse r = ts.raw(chunked("POST", "/admin/v1/users", "application/json", user, 7, ext));
            assertThat(r.status())
                    .as("extension [" + ext + "]: " + r.bodyText())
                    .isEqualTo(200);
            assertThat(json(r).get("data").get("nickname").asText()).startsWith("chunky"); // the name, read whole
        }
        // the same without extensions still works, and a streamed upload reads through extensions too
        assertThat(ts.raw(chunked("POST", "/admin/v1/users", "application/json", body, 5, ""))
                        .status())
                .isEqualTo(200);
        TestServer.App app = ts.app("test");
        TestServer.User u = ts.user(app);
        byte[] form = TestServer.multipart(
                "xB0und",
                "chunked.txt",
                "text/plain",
                "ext bytes".repeat(1000).getBytes(StandardCharsets.UTF_8),
                "path_from_root",
                "true");
        ByteArrayOutputStream req = new ByteArrayOutputStream();
        byte[] all = chunked(
                "POST",
                "/api/v1/openapi/personal/files/upload?access_token=" + u.token(),
                "multipart/form-data; boundary=xB0und",
                form,
                1000,
                ";ext=1");
        req.writeBytes(all);
        TestServer.RawResponse up = ts.raw(req.toByteArray());
        assertThat(up.status()).as(up.bodyText()).isEqualTo(200);
        assertThat(json(up).get("data").get("fsize").asLong()).isEqualTo(9000);
    }

    @Test
    void malformedChunkSizesAre400WithoutStackTraces() {
        byte[] head = ascii("""
                POST /admin/v1/users HTTP/1.1\r
                Host: 127.0.0.1\r
                Authorization: Bearer test-admin-token\r
                Content-Type: application/json\r
                Transfer-Encoding: chunked\r
                Connection: close\r
                \r
                """);
        for (String bad : List.of(
                "zz\r\n{}\r\n0\r\n\r\n",
                "-1\r\n{}\r\n0\r\n\r\n",
                "fffffffffffffffff\r\n{}\r\n0\r\n\r\n",
                ";a=b\r\n{}\r\n0\r\n\r\n",
                "2 2\r\n{}\r\n0\r\n\r\n")) {
            ByteArrayOutputStream req = new ByteArrayOutputStream();
            req.writeBytes(head);
            req.writeBytes(ascii(bad));
            badRequest(ts.raw(req.toByteArray()));
        }
    }

    @Test
    void nulInMethodOrPathIs400() {
        for (String line : List.of(
                "G\0ET /health HTTP/1.1",
                "GET /hea\0lth HTTP/1.1",
                "GET /health\0 HTTP/1.1",
                "GET /api/v1/openapi/personal/files/a%00b/download HTTP/1.1",
                "GET /l/%00 HTTP/1.1")) {
            badRequest(requestLine(line));
        }
        // a NUL in a header line too (RFC 9110 §5.5)
        badRequest(
                ts.raw(ascii("GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Bad: a\0b\r\nConnection: close\r\n\r\n")));
        // the server still answers normally afterwards
        assertThat(requestLine("GET /health HTTP/1.1").status()).isEqualTo(200);
    }

    @Test
    void pathsThatAreNotUrisAre400() {
        // refused by PathCheck as Helidon's own path check refuses them: a bad escape, a character a URI may not hold
        for (String path : List.of(
                "/a%zz",
                "/a%",
                "/a%2",
                "/api/v1/openapi/personal/files/x%g1/download",
                "/a<b",
                "/a\"b",
                "/a{b}",
                "/a|b",
                "/a\\b",
                "/a^b",
                "/a`b",
                "/open/api/v1/app/files/<script>/info")) {
            badRequest(requestLine("GET " + path + " HTTP/1.1"));
        }
        // and what Helidon normalises still reaches the route it names
        for (String path : List.of("/static/../health", "/./health", "//health", "/h%65alth")) {
            TestServer.RawResponse r = requestLine("GET " + path + " HTTP/1.1");
            assertThat(r.status()).as(path + ": " + r.head()).isEqualTo(200);
            assertThat(r.bodyText()).as(path).contains("\"status\"");
        }
        // a plain path is not parsed, and answers as before
        assertThat(requestLine("GET /no-such_path~1/x HTTP/1.1").status()).isEqualTo(404);
    }

    @Test
    void downloadUrlsAllowOnlyGetAndHead() {
        for (String method : List.of("POST", "PUT", "DELETE", "PATCH", "PROPFIND", "TRACE", "MKCOL", "FOO")) {
            for (String path : List.of("/dl/ticket/name.txt", "/dl/onlyticket", "/dl/a/b/c")) {
                TestServer.RawResponse r = ts.raw(ascii(method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                        + "Content-Length: 0\r\nConnection: close\r\n\r\n"));
                assertThat(r.status()).as(method + " " + path + ": " + r.head()).isEqualTo(405);
                assertThat(r.header("Allow")).as(method + " " + path).isEqualTo("GET, HEAD");
            }
        }
        // GET keeps its documented answers; the CORS preflight keeps 204
        assertThat(ts.send("GET", "/dl/garbage/x.txt", null).statusCode()).isEqualTo(403);
        assertThat(ts.send("OPTIONS", "/dl/garbage/x.txt", null).statusCode()).isEqualTo(204);
    }

    @Test
    void unknownPathsOutsideApiAre404() {
        for (String path : List.of("/nope", "/favicon.ico", "/admin/v1/nope", "/l", "/static/nothing.css", "/apiv1")) {
            var r = ts.send("GET", path, null);
            assertThat(r.statusCode()).as(path + ": " + r.body()).isEqualTo(404);
            assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("text/html");
            assertThat(r.body()).contains("404 Not Found").doesNotContain("30005");
            assertThat(ts.send("POST", path, "{}").statusCode())
                    .as("POST " + path)
                    .isEqualTo(404);
        }
        TestServer.RawResponse head = requestLine("HEAD /nope HTTP/1.1");
        assertThat(head.status()).isEqualTo(404);
        // under /api/ an unknown route is still 30005 NoImpl (api.md §1.7)
        var api = ts.send("GET", "/api/v1/no/such/route", null);
        assertThat(api.statusCode()).isEqualTo(501);
        assertThat(TestServer.json(api).get("code").asInt()).isEqualTo(30005);
    }
}
