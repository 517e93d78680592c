package io.yundoc.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.http.HttpHeaders;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Temporary download URLs, api.md §6. */
class DownloadUrlTest {
    @RegisterExtension
    static final TestServerExtension ts = TestServerExtension.embedded();

    static TestServer.User user;
    static final byte[] CONTENT = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII); // 16 bytes
    static String fileA;
    static String sha1A;

    @BeforeAll
    static void start() {
        TestServer.App app = ts.app("test");
        user = ts.user(app);
        fileA = upload("a.txt", CONTENT);
        sha1A = TestServer.hex("SHA-1", CONTENT);
    }

    static String upload(String name, byte[] content) {
        HttpResponse<String> r = ts.sendBody(
                "POST",
                "/api/v1/openapi/personal/files/upload?access_token=" + user.token(),
                TestServer.multipart("dlb0undary", name, "application/octet-stream", content, "path_from_root", "true"),
                "Content-Type",
                "multipart/form-data; boundary=dlb0undary");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return TestServer.json(r).get("data").get("id").get("open_id").asText();
    }

    static JsonNode answer(String ft) {
        HttpResponse<String> r =
                ts.send("GET", "/api/v1/openapi/personal/files/" + ft + "/download?access_token=" + user.token(), null);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return TestServer.json(r).get("data");
    }

    static String url(String ft) {
        return answer(ft).get("url").asText();
    }

    static HttpResponse<byte[]> get(String url, String... headers) {
        HttpResponse<byte[]> r = ts.sendBytes("GET", url, null, headers);
        assertNoRedirect(r.statusCode());
        return r;
    }

    static void assertNoRedirect(int status) {
        assertThat(status < 300 || status >= 400 || status == 304)
                .as("download URLs never redirect, got " + status)
                .isTrue();
    }

    static void assertErrorBody(byte[] body, int code, String hint) {
        JsonNode n;
        try {
            n = TestServer.JSON.readTree(body);
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + new String(body, StandardCharsets.UTF_8), e);
        }
        List<String> keys = new ArrayList<>();
        n.fieldNames().forEachRemaining(keys::add);
        assertThat(keys).containsExactly("code", "msg", "result", "hint");
        assertThat(n.get("code").asInt()).isEqualTo(code);
        assertThat(n.get("hint").asText()).isEqualTo(hint);
    }

    @Test
    void getServesBytesWithDocumentedHeaders() {
        String url = url(fileA);
        HttpResponse<byte[]> r = get(url);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo(CONTENT);
        HttpHeaders h = r.headers();
        assertThat(h.firstValue("Content-Length")).hasValue("16");
        assertThat(h.firstValue("ETag")).hasValue("\"" + sha1A + "\"");
        assertThat(h.firstValue("Accept-Ranges")).hasValue("bytes");
        assertThat(h.firstValue("Content-Type").orElse("")).startsWith("text/plain");
        assertThat(h.firstValue("Last-Modified")).isPresent();
        assertThat(h.firstValue("Cache-Control").orElse("")).matches("private, max-age=\\d+");
        long maxAge = Long.parseLong(h.firstValue("Cache-Control").get().replaceAll("\\D", ""));
        assertThat(maxAge).isBetween(1L, 15 * 60L);
        assertThat(h.firstValue("X-Content-Type-Options")).hasValue("nosniff");
        assertThat(h.firstValue("Access-Control-Allow-Origin")).hasValue("*");
        assertThat(h.firstValue("Content-Disposition"))
                .hasValue("attachment; filename=\"a.txt\"; filename*=UTF-8''a.txt");
    }

    @Test
    void headHasTheSameHeadersAndNoBody() {
        String url = url(fileA);
        HttpResponse<byte[]> g = get(url);
        HttpResponse<byte[]> h = ts.sendBytes("HEAD", url, null);
        assertNoRedirect(h.statusCode());
        assertThat(h.statusCode()).isEqualTo(200);
        assertThat(h.body()).isEmpty();
        for (String name : List.of(
                "Content-Length",
                "Content-Type",
                "ETag",
                "Last-Modified",
                "Accept-Ranges",
                "Content-Disposition",
                "X-Content-Type-Options",
                "Access-Control-Allow-Origin")) {
            assertThat(h.headers().firstValue(name))
                    .as(name)
                    .isPresent()
                    .isEqualTo(g.headers().firstValue(name));
        }
        assertThat(h.headers().firstValue("Content-Length")).hasValue("16");
    }

    @Test
    void singleRanges() {
        String url = url(fileA);
        HttpResponse<byte[]> r = get(url, "Range", "bytes=0-4");
        assertThat(r.statusCode()).isEqualTo(206);
        assertThat(new String(r.body(), StandardCharsets.US_ASCII)).isEqualTo("01234");
        assertThat(r.headers().firstValue("Content-Range")).hasValue("bytes 0-4/16");
        assertThat(r.headers().firstValue("Content-Length")).hasValue("5");

        r = get(url, "Range", "bytes=-3");
        assertThat(r.statusCode()).isEqualTo(206);
        assertThat(new String(r.body(), StandardCharsets.US_ASCII)).isEqualTo("def");
        assertThat(r.headers().firstValue("Content-Range")).hasValue("bytes 13-15/16");

        r = get(url, "Range", "bytes=5-");
        assertThat(r.statusCode()).isEqualTo(206);
        assertThat(new String(r.body(), StandardCharsets.US_ASCII)).isEqualTo("56789abcdef");
        assertThat(r.headers().firstValue("Content-Range")).hasValue("bytes 5-15/16");

        // an end beyond the size is clamped
        r = get(url, "Range", "bytes=10-99");
        assertThat(r.statusCode()).isEqualTo(206);
        assertThat(new String(r.body(), StandardCharsets.US_ASCII)).isEqualTo("abcdef");
        assertThat(r.headers().firstValue("Content-Range")).hasValue("bytes 10-15/16");
    }

    @Test
    void unsatisfiableRangeIs416() {
        String url = url(fileA);
        // start >= size, in the closed and the open-ended form; and a zero-length suffix
        List<String> wrong = new ArrayList<>();
        for (String range : List.of("bytes=16-20", "bytes=100-200", "bytes=16-", "bytes=100-", "bytes=-0")) {
            HttpResponse<byte[]> r = get(url, "Range", range);
            String cr = r.headers().firstValue("Content-Range").orElse(null);
            if (r.statusCode() != 416 || !"bytes */16".equals(cr)) {
                wrong.add(range + " → HTTP " + r.statusCode() + ", Content-Range " + cr);
            }
        }
        assertThat(wrong)
                .as("unsatisfiable ranges must answer 416 with Content-Range: bytes */16 (api.md §6)")
                .isEmpty();
    }

    @Test
    void multipleOrMalformedRangesAreIgnored() {
        String url = url(fileA);
        for (String range : List.of(
                "bytes=0-1,3-4", "bytes=0-1, 5-6", "bytes=abc", "items=0-4", "bytes=", "bytes=-", "bytes=4-2", "0-4")) {
            HttpResponse<byte[]> r = get(url, "Range", range);
            assertThat(r.statusCode()).as(range).isEqualTo(200);
            assertThat(r.body()).as(range).isEqualTo(CONTENT);
            assertThat(r.headers().firstValue("Content-Range")).as(range).isEmpty();
        }
    }

    @Test
    void ifNoneMatchGives304() {
        String url = url(fileA);
        String etag = "\"" + sha1A + "\"";
        for (String inm : List.of(etag, "W/" + etag, "*", "\"other\", " + etag)) {
            HttpResponse<byte[]> r = get(url, "If-None-Match", inm);
            assertThat(r.statusCode()).as(inm).isEqualTo(304);
            assertThat(r.body()).as(inm).isEmpty();
            assertThat(r.headers().firstValue("ETag")).as(inm).hasValue(etag);
            assertThat(r.headers().firstValue("Cache-Control")).as(inm).isPresent();
        }
        HttpResponse<byte[]> r = get(url, "If-None-Match", "\"0000000000000000000000000000000000000000\"");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo(CONTENT);
    }

    @Test
    void ifRange() {
        String url = url(fileA);
        HttpResponse<byte[]> r = get(url, "Range", "bytes=0-4", "If-Range", "\"not-the-etag\"");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo(CONTENT);
        r = get(url, "Range", "bytes=0-4", "If-Range", "W/\"" + sha1A + "\"");
        assertThat(r.statusCode()).as("a weak validator never matches If-Range").isEqualTo(200);
        r = get(url, "Range", "bytes=0-4", "If-Range", "\"" + sha1A + "\"");
        assertThat(r.statusCode()).isEqualTo(206);
        assertThat(new String(r.body(), StandardCharsets.US_ASCII)).isEqualTo("01234");
    }

    @Test
    void ifModifiedSinceOnlyWithoutIfNoneMatch() {
        String url = url(fileA);
        String lastModified = get(url).headers().firstValue("Last-Modified").orElseThrow();
        HttpResponse<byte[]> r = get(url, "If-Modified-Since", lastModified);
        assertThat(r.statusCode()).isEqualTo(304);
        assertThat(r.body()).isEmpty();
        // If-None-Match present and not matching: If-Modified-Since is ignored
        r = get(url, "If-Modified-Since", lastModified, "If-None-Match", "\"something-else\"");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo(CONTENT);
    }

    @Test
    void zeroLengthFileIgnoresRange() {
        String ft = upload("empty.txt", new byte[0]);
        JsonNode a = answer(ft);
        assertThat(a.get("fsize").asLong()).isZero();
        assertThat(a.get("checksums").get("sha1").asText()).isEqualTo(TestServer.hex("SHA-1", new byte[0]));
        for (String range : List.of("bytes=0-4", "bytes=0-", "bytes=-1")) {
            HttpResponse<byte[]> r = get(a.get("url").asText(), "Range", range);
            assertThat(r.statusCode()).as(range).isEqualTo(200);
            assertThat(r.body()).as(range).isEmpty();
            assertThat(r.headers().firstValue("Content-Length")).as(range).hasValue("0");
        }
    }

    @Test
    void contentDispositionForChineseName() {
        byte[] c = "report".getBytes(StandardCharsets.US_ASCII);
        String ft = upload("报告 v1.txt", c);
        String url = url(ft);
        assertThat(url).endsWith("/%E6%8A%A5%E5%91%8A%20v1.txt");
        HttpResponse<byte[]> r = get(url);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Disposition"))
                .hasValue("attachment; filename=\"__ v1.txt\"; filename*=UTF-8''%E6%8A%A5%E5%91%8A%20v1.txt");
    }

    @Test
    void nameWithQuoteIsRefusedSoTheFallbackNeverNeedsIt() {
        // api.md §5.1: names may not contain " (→ 10001), so 报告 "v1".txt cannot be stored at all
        HttpResponse<String> r = ts.sendBody(
                "POST",
                "/api/v1/openapi/personal/files/upload?access_token=" + user.token(),
                TestServer.multipart(
                        "dlb0undary", "报告 \\\"v1\\\".txt", "text/plain", new byte[] {1}, "path_from_root", "true"),
                "Content-Type",
                "multipart/form-data; boundary=dlb0undary");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
        assertThat(TestServer.json(r).get("code").asInt()).isEqualTo(10001);
    }

    @Test
    void tamperedTicketIs403Invalid() {
        String url = url(fileA);
        int start = url.indexOf("/dl/") + 4;
        int end = url.indexOf('/', start);
        String ticket = url.substring(start, end);
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        List<String> accepted = new ArrayList<>();
        for (int i = 0; i < ticket.length(); i++) {
            char c = ticket.charAt(i);
            List<Character> replacements = new ArrayList<>();
            int idx = alphabet.indexOf(c);
            if (idx < 0) {
                replacements.add('A'); // the separator
            } else {
                replacements.add(alphabet.charAt(idx ^ 1)); // lowest bit of the 6-bit group
                replacements.add(alphabet.charAt(idx ^ 32)); // highest bit
            }
            for (char rep : replacements) {
                String t = ticket.substring(0, i) + rep + ticket.substring(i + 1);
                HttpResponse<byte[]> r = get(url.substring(0, start) + t + url.substring(end));
                if (r.statusCode() != 403) {
                    accepted.add("pos " + i + " '" + c + "'→'" + rep + "': HTTP " + r.statusCode());
                    continue;
                }
                assertErrorBody(r.body(), 10003, "download url invalid");
            }
        }
        assertThat(accepted)
                .as("every altered ticket must be refused (api.md §6 Tampered → 403)")
                .isEmpty();
    }

    @Test
    void truncatedOrGarbageTicketsAre403() {
        String url = url(fileA);
        int start = url.indexOf("/dl/") + 4;
        int end = url.indexOf('/', start);
        String ticket = url.substring(start, end);
        for (String t : List.of(
                ticket.substring(0, ticket.length() - 1),
                ticket + "A",
                "garbage",
                "a.b",
                ticket.substring(0, ticket.indexOf('.')))) {
            HttpResponse<byte[]> r = get(url.substring(0, start) + t + url.substring(end));
            assertThat(r.statusCode()).as(t).isEqualTo(403);
            assertErrorBody(r.body(), 10003, "download url invalid");
        }
    }

    @Test
    void ticketCannotReachAnotherFileThroughThePathName() {
        byte[] other = "the bytes of file B, never to be served via A's ticket".getBytes(StandardCharsets.UTF_8);
        String fileB = upload("b-secret.txt", other);
        String urlA = url(fileA);
        String urlB = url(fileB);
        String nameB = urlB.substring(urlB.lastIndexOf('/') + 1);
        String mixed = urlA.substring(0, urlA.lastIndexOf('/') + 1) + nameB;
        HttpResponse<byte[]> r = get(mixed);
        if (r.statusCode() == 200) {
            assertThat(r.body()).isEqualTo(CONTENT);
            assertThat(r.headers().firstValue("ETag")).hasValue("\"" + sha1A + "\"");
        } else {
            assertThat(r.statusCode()).isIn(403, 404);
        }
        assertThat(new String(r.body(), StandardCharsets.UTF_8)).doesNotContain("file B");
    }

    @Test
    void expiredAfterFifteenMinutes() {
        String url = url(fileA);
        assertThat(get(url).statusCode()).isEqualTo(200);
        ts.advanceClock(16 * 60);
        try {
            HttpResponse<byte[]> r = get(url);
            assertThat(r.statusCode()).isEqualTo(403);
            assertErrorBody(r.body(), 10003, "download url expired");
            HttpResponse<byte[]> h = ts.sendBytes("HEAD", url, null);
            assertThat(h.statusCode()).isEqualTo(403);
        } finally {
            ts.advanceClock(-16 * 60);
        }
    }

    @Test
    void otherMethods() {
        String url = url(fileA);
        for (String m : List.of("POST", "PUT", "DELETE", "PATCH")) {
            HttpResponse<byte[]> r = ts.sendBytes(m, url, m.equals("DELETE") ? null : new byte[] {'x'});
            assertNoRedirect(r.statusCode());
            assertThat(r.statusCode()).as(m).isEqualTo(405);
            assertThat(r.headers().firstValue("Allow")).as(m).hasValue("GET, HEAD");
        }
        HttpResponse<byte[]> o = ts.sendBytes(
                "OPTIONS", url, null, "Origin", "https://example.com", "Access-Control-Request-Method", "GET");
        assertThat(o.statusCode()).isEqualTo(204);
        assertThat(o.body()).isEmpty();
        // preflight needs no valid ticket ("without authentication")
        HttpResponse<byte[]> o2 = ts.sendBytes("OPTIONS", ts.base() + "/dl/garbage/x.txt", null);
        assertThat(o2.statusCode()).isEqualTo(204);
    }

    @Test
    void fiveMiBDownloadIsByteIdentical() {
        byte[] big = new byte[5 << 20];
        new Random(42).nextBytes(big);
        String ft = upload("big.bin", big);
        JsonNode a = answer(ft);
        assertThat(a.get("fsize").asLong()).isEqualTo(big.length);
        assertThat(a.get("checksums").get("sha1").asText()).isEqualTo(TestServer.hex("SHA-1", big));
        HttpResponse<byte[]> r = get(a.get("url").asText());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Length")).hasValue(Integer.toString(big.length));
        assertThat(TestServer.hex("SHA-1", r.body())).isEqualTo(TestServer.hex("SHA-1", big));
        assertThat(r.body()).isEqualTo(big);
        HttpResponse<byte[]> tail = get(a.get("url").asText(), "Range", "bytes=-1000");
        assertThat(tail.statusCode()).isEqualTo(206);
        assertThat(tail.body()).isEqualTo(Arrays.copyOfRange(big, big.length - 1000, big.length));
    }
}
