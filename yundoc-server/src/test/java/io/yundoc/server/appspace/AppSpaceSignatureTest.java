package io.yundoc.server.appspace;

import static io.yundoc.server.appspace.AppSpaceApiTest.err;
import static io.yundoc.server.appspace.AppSpaceApiTest.ok;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.yundoc.server.TestServer;
import io.yundoc.server.TestServerExtension;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * WPS-2 over HTTP for the app space (api.md §3.4): every client variant the document lists passes, everything else
 * is 30003 with the documented hint; the body md5 is taken over the bytes actually received (also when they arrive
 * in many small pieces); the replay cache; the failure counters in {@code /metrics}. The signer is the test's own.
 */
class AppSpaceSignatureTest {
    static final String API = "/api/v1/openapi/appspace";
    static final String HINT_SIG = "signature not match";
    static final String HINT_DATE = "not a valid datetime or too skewed";
    static final String HINT_MD5 = "content md5 not match";

    @RegisterExtension
    static final TestServerExtension ts = TestServerExtension.embedded();

    static TestServer.App app;
    static TestServer.App other;

    @BeforeAll
    static void start() {
        app = ts.app("formal");
        other = ts.app("formal");
    }

    static String md5(String s) {
        return TestServer.hex("MD5", s.getBytes(StandardCharsets.UTF_8));
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static String name(String ext) {
        return "s-" + UUID.randomUUID().toString().substring(0, 8) + ext;
    }

    static void hint(HttpResponse<String> r, String hint) {
        assertThat(err(r, 30003, 401).get("hint").asText()).isEqualTo(hint);
    }

    /** Signed headers as a mutable ordered map (name → value). */
    static Map<String, String> headers(TestServer.App a, byte[] body, String contentType) {
        String[] h = ts.wps2Headers(a, body, contentType);
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < h.length; i += 2) {
            m.put(h[i], h[i + 1]);
        }
        return m;
    }

    static HttpResponse<String> send(String method, String path, byte[] body, Map<String, String> headers) {
        List<String> flat = new ArrayList<>();
        headers.forEach((k, v) -> {
            flat.add(k);
            flat.add(v);
        });
        return ts.sendRaw(method, path, body, flat.toArray(String[]::new));
    }

    static String fileToken() {
        return ok(uploadFile(name(".txt"), utf8("content"))).get("file_token").asText();
    }

    static HttpResponse<String> uploadFile(String fileName, byte[] content) {
        String boundary = "b-" + UUID.randomUUID();
        byte[] body = TestServer.multipart(boundary, fileName, "text/plain", content);
        return ts.signed(app, "POST", API + "/files/upload", body, "multipart/form-data; boundary=" + boundary);
    }

    // ---- missing, foreign, tampered ----

    @Test
    void missingEachHeaderInTurnIs30003() {
        String ft = fileToken();
        byte[] create = utf8("{\"filename\":\"" + name(".docx") + "\"}");
        String[][] cases = {
            {"Authorization", HINT_SIG}, {"Date", HINT_DATE}, {"Content-Md5", HINT_SIG}, {"Content-Type", HINT_SIG}
        };
        for (String[] c : cases) {
            Map<String, String> h = headers(app, create, "application/json");
            h.remove(c[0]);
            hint(send("POST", API + "/files", create, h), c[1]);

            Map<String, String> g = headers(app, null, "application/json");
            g.remove(c[0]);
            hint(send("GET", API + "/files/" + ft, null, g), c[1]);

            String boundary = "mb" + UUID.randomUUID();
            byte[] mp = TestServer.multipart(boundary, name(".txt"), null, utf8("x"));
            Map<String, String> u = headers(app, mp, "multipart/form-data; boundary=" + boundary);
            u.remove(c[0]);
            hint(send("POST", API + "/files/upload", mp, u), c[1]);
        }
    }

    @Test
    void aSignatureMadeWithAnotherAppsKeyOrIdFails() {
        String ft = fileToken();
        Map<String, String> h = headers(app, null, "application/json");
        // app's signature presented under other's id: other's key does not produce it
        h.put("Authorization", h.get("Authorization").replace(app.appId(), other.appId()));
        hint(send("GET", API + "/files/" + ft, null, h), HINT_SIG);
        // an unknown app → 20002
        Map<String, String> u = headers(app, null, "application/json");
        u.put("Authorization", u.get("Authorization").replace(app.appId(), "SX20990101NOSUCH"));
        assertThat(err(send("GET", API + "/files/" + ft, null, u), 20002, 400)).isNotNull();
        // malformed Authorization values
        for (String bad : new String[] {
            "WPS-2:" + app.appId(),
            "WPS-3:" + app.appId() + ":" + "a".repeat(40),
            "WPS-2:" + app.appId() + ":" + "a".repeat(39),
            "Bearer abc",
            "WPS-2:" + app.appId() + ":" + "g".repeat(40)
        }) {
            Map<String, String> b = headers(app, null, "application/json");
            b.put("Authorization", bad);
            hint(send("GET", API + "/files/" + ft, null, b), HINT_SIG);
        }
        // the docs' placeholder never verifies
        Map<String, String> p = headers(app, null, "application/json");
        p.put("Authorization", "WPS-2:" + app.appId() + ":ac59dac1460772a04b3a97d7ef78409f28241e3a");
        hint(send("GET", API + "/files/" + ft, null, p), HINT_SIG);
    }

    @Test
    void aBodyThatDiffersFromItsContentMd5Is30003AndCreatesNothing() {
        String n = name(".docx");
        byte[] signed = utf8("{\"filename\":\"" + n + "\"}");
        byte[] sent = utf8("{\"filename\":\"" + n.replace('s', 't') + "\"}");
        Map<String, String> h = headers(app, signed, "application/json");
        hint(send("POST", API + "/files", sent, h), HINT_MD5);

        String boundary = "mb" + UUID.randomUUID();
        String fileName = name(".txt");
        byte[] mp = TestServer.multipart(boundary, fileName, "text/plain", utf8("original bytes"));
        Map<String, String> u = headers(app, mp, "multipart/form-data; boundary=" + boundary);
        byte[] tampered = mp.clone();
        int at = new String(mp, StandardCharsets.ISO_8859_1).indexOf("original");
        tampered[at] = 'O';
        hint(send("POST", API + "/files/upload", tampered, u), HINT_MD5);
        // a body with an extra byte after the closing boundary (the epilogue is signed too)
        byte[] longer = Arrays.copyOf(mp, mp.length + 1);
        longer[mp.length] = 'x';
        hint(send("POST", API + "/files/upload", longer, u), HINT_MD5);
        // nothing was stored: the same name uploads as version 1, and the failed attempts were not remembered as
        // replays, so the same headers with the right body pass
        JsonNode info = ok(send("POST", API + "/files/upload", mp, u));
        assertThat(info.get("version").asLong()).isEqualTo(1);
        assertThat(info.get("name").asText()).isEqualTo(fileName);
    }

    // ---- Date ----

    @Test
    void datesOutsideTheWindowAreRefusedAndLenientFormsAccepted() {
        String ft = fileToken();
        Instant now = ts.server().clock().instant();
        DateTimeFormatter rfc1123 = DateTimeFormatter.RFC_1123_DATE_TIME.withLocale(Locale.ROOT);
        Object[][] cases = {
            {rfc1123.format(now.plusSeconds(16 * 60).atOffset(ZoneOffset.UTC)), false},
            {rfc1123.format(now.minusSeconds(16 * 60).atOffset(ZoneOffset.UTC)), false},
            {rfc1123.format(now.plusSeconds(14 * 60).atOffset(ZoneOffset.UTC)), true},
            {rfc1123.format(now.minusSeconds(14 * 60).atOffset(ZoneOffset.UTC)), true},
            {"yesterday", false},
            {"", false},
            // numeric offset, RFC 850, asctime, UTC
            {
                DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss Z", Locale.ROOT)
                        .format(now.atOffset(ZoneOffset.ofHours(8))),
                true
            },
            {
                DateTimeFormatter.ofPattern("EEEE, dd-MMM-yy HH:mm:ss 'GMT'", Locale.ROOT)
                        .format(now.atOffset(ZoneOffset.UTC)),
                true
            },
            {
                DateTimeFormatter.ofPattern("EEE MMM ppd HH:mm:ss yyyy", Locale.ROOT)
                        .format(now.atOffset(ZoneOffset.UTC)),
                true
            },
            {
                DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'UTC'", Locale.ROOT)
                        .format(now.atOffset(ZoneOffset.UTC)),
                true
            },
        };
        for (Object[] c : cases) {
            String date = (String) c[0];
            String md5 = md5("");
            Map<String, String> h = new LinkedHashMap<>();
            h.put("Date", date);
            h.put("Content-Md5", md5);
            h.put("Content-Type", "application/json");
            h.put("Authorization", TestServer.wps2(app.appId(), app.appKey(), md5, "application/json", date));
            if (date.isEmpty()) {
                h.remove("Date");
            }
            HttpResponse<String> r = send("GET", API + "/files/" + ft, null, h);
            if ((Boolean) c[1]) {
                assertThat(r.statusCode()).as(date + " " + r.body()).isEqualTo(200);
            } else {
                hint(r, HINT_DATE);
            }
        }
    }

    // ---- client variants (api.md §3.4 steps 1, 2, 5, 7) ----

    @Test
    void everyDocumentedClientVariantVerifies() throws Exception {
        String ft = fileToken();
        String path = API + "/files/" + ft;
        String date = ts.date();
        String ct = "application/json";
        List<Map<String, String>> variants = new ArrayList<>();
        // uppercase signature hex, lowercase WPS-2 prefix
        String sig = TestServer.wps2(app.appId(), app.appKey(), md5(""), ct, date);
        variants.add(map(
                "Date",
                date,
                "Content-Md5",
                md5(""),
                "Content-Type",
                ct,
                "Authorization",
                "WPS-2:" + app.appId() + ":"
                        + sig.substring(sig.lastIndexOf(':') + 1).toUpperCase(Locale.ROOT)));
        variants.add(map(
                "Date",
                date,
                "Content-Md5",
                md5(""),
                "Content-Type",
                ct,
                "Authorization",
                sig.replace("WPS-2", "wps-2")));
        // uppercase Content-Md5, signed as sent
        String up = md5("").toUpperCase(Locale.ROOT);
        variants.add(map(
                "Date",
                date,
                "Content-Md5",
                up,
                "Content-Type",
                ct,
                "Authorization",
                TestServer.wps2(app.appId(), app.appKey(), up, ct, date)));
        // md5 of the path; of path?query; of the percent-decoded path?query
        variants.add(map(
                "Date",
                date,
                "Content-Md5",
                md5(path),
                "Content-Type",
                ct,
                "Authorization",
                TestServer.wps2(app.appId(), app.appKey(), md5(path), ct, date)));
        // charset in Content-Type, signed literally
        String cs = "application/json;charset=utf-8";
        variants.add(map(
                "Date",
                date,
                "Content-Md5",
                md5(""),
                "Content-Type",
                cs,
                "Authorization",
                TestServer.wps2(app.appId(), app.appKey(), md5(""), cs, date)));
        // GET signed with "" as Content-Type, with and without the header sent
        variants.add(map(
                "Date",
                date,
                "Content-Md5",
                md5(""),
                "Content-Type",
                ct,
                "Authorization",
                TestServer.wps2(app.appId(), app.appKey(), md5(""), "", date)));
        variants.add(map(
                "Date",
                date,
                "Content-Md5",
                md5(""),
                "Authorization",
                TestServer.wps2(app.appId(), app.appKey(), md5(""), "", date)));
        for (Map<String, String> v : variants) {
            assertThat(send("GET", path, null, v).statusCode()).as(v.toString()).isEqualTo(200);
        }
        String query = "?file_token=" + ft + "&note="
                + URLEncoder.encode("a b", StandardCharsets.UTF_8).replace("+", "%20");
        String decoded = path + "?file_token=" + ft + "&note=a b";
        for (String input : new String[] {path + query, decoded, path}) {
            Map<String, String> q = map(
                    "Date",
                    date,
                    "Content-Md5",
                    md5(input),
                    "Content-Type",
                    ct,
                    "Authorization",
                    TestServer.wps2(app.appId(), app.appKey(), md5(input), ct, date));
            assertThat(send("GET", path + query, null, q).statusCode())
                    .as(input)
                    .isEqualTo(200);
        }
        // md5 of another path does not verify for an empty body
        Map<String, String> wrong = map(
                "Date",
                date,
                "Content-Md5",
                md5("/elsewhere"),
                "Content-Type",
                ct,
                "Authorization",
                TestServer.wps2(app.appId(), app.appKey(), md5("/elsewhere"), ct, date));
        hint(send("GET", path, null, wrong), HINT_MD5);
        // a POST signed with "" as Content-Type while sending application/json does not verify (GET/HEAD only)
        byte[] body = utf8("{\"filename\":\"" + name(".docx") + "\"}");
        String bm = TestServer.hex("MD5", body);
        hint(
                send(
                        "POST",
                        API + "/files",
                        body,
                        map(
                                "Date",
                                date,
                                "Content-Md5",
                                bm,
                                "Content-Type",
                                ct,
                                "Authorization",
                                TestServer.wps2(app.appId(), app.appKey(), bm, "", date))),
                HINT_SIG);
        // the DATE header name (one SDK sends it upper case), over a raw socket so the name goes out exactly so
        Raw r = raw(
                "GET " + path + " HTTP/1.1",
                List.of(
                        "DATE: " + date,
                        "CONTENT-MD5: " + md5(""),
                        "content-type: " + ct,
                        "AUTHORIZATION: " + TestServer.wps2(app.appId(), app.appKey(), md5(""), ct, date)),
                new byte[0],
                0,
                0);
        assertThat(r.status).as(r.body).isEqualTo(200);
        // an empty-body write signed with md5(path): destroy
        String victim = fileToken();
        String dpath = API + "/files/" + victim + "/destroy";
        HttpResponse<String> d = send(
                "DELETE",
                dpath,
                null,
                map(
                        "Date",
                        date,
                        "Content-Md5",
                        md5(dpath),
                        "Content-Type",
                        ct,
                        "Authorization",
                        TestServer.wps2(app.appId(), app.appKey(), md5(dpath), ct, date)));
        assertThat(d.body()).isEqualTo("{\"code\":0}");
    }

    static Map<String, String> map(String... kv) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return m;
    }

    // ---- replay cache ----

    @Test
    void aReplayedWriteIsRefusedInEverySpellingWhileReadsStayReplayable() {
        byte[] body = utf8("{\"filename\":\"" + name(".docx") + "\"}");
        Map<String, String> h = headers(app, body, "application/json");
        ok(send("POST", API + "/files", body, h));
        hint(send("POST", API + "/files", body, h), "replayed request");
        // re-spelled: signature hex in upper case, prefix in lower case, an unsigned query added
        Map<String, String> upper = new LinkedHashMap<>(h);
        String auth = h.get("Authorization");
        upper.put(
                "Authorization",
                "wps-2:" + app.appId() + ":"
                        + auth.substring(auth.lastIndexOf(':') + 1).toUpperCase(Locale.ROOT));
        hint(send("POST", API + "/files", body, upper), "replayed request");
        hint(send("POST", API + "/files?again=1", body, h), "replayed request");

        String ft = fileToken();
        Map<String, String> g = headers(app, null, "application/json");
        for (int i = 0; i < 3; i++) {
            assertThat(send("GET", API + "/files/" + ft, null, g).statusCode()).isEqualTo(200);
        }
        // a signed empty-body write is accepted once, whatever the route: neither method nor path is signed
        String a = fileToken();
        String b = fileToken();
        ts.advanceClock(1); // the reads above spent this second's empty-body headers: the write signs the next one's
        Map<String, String> d = headers(app, null, "application/json");
        assertThat(send("DELETE", API + "/files/" + a + "/destroy", null, d).body())
                .isEqualTo("{\"code\":0}");
        hint(send("DELETE", API + "/files/" + b + "/destroy", null, d), "replayed request");
        hint(send("DELETE", API + "/files/" + a + "/destroy", null, d), "replayed request");
        // the same path spelled with a percent-escape is the same request
        String escaped = "%" + Integer.toHexString(a.charAt(0)).toUpperCase(Locale.ROOT) + a.substring(1);
        hint(send("DELETE", API + "/files/" + escaped + "/destroy", null, d), "replayed request");
        ok(send("GET", API + "/files/" + b, null, g));
    }

    /** A captured signed GET used to replay as DELETE .../destroy: its headers now buy reads only. */
    @Test
    void aSignedReadsHeadersCannotBeSpentOnAWrite() {
        String ft = fileToken();
        Map<String, String> g = headers(app, null, "application/json");
        for (int i = 0; i < 3; i++) {
            ok(send("GET", API + "/files/" + ft, null, g));
        }
        hint(send("DELETE", API + "/files/" + ft + "/destroy", null, g), "replayed request");
        // the file is still there, and the read headers still read
        ok(send("GET", API + "/files/" + ft, null, g));
    }

    /** A write's headers may be read with afterwards (reads are not refused), but not written with again. */
    @Test
    void anEmptyBodyWriteIsAcceptedOnceEvenAfterAReadWithOtherHeaders() {
        String ft = fileToken();
        ts.advanceClock(1); // headers no other test of this class has signed
        Map<String, String> d = headers(app, null, "application/json");
        assertThat(send("DELETE", API + "/files/" + ft + "/destroy", null, d).body())
                .isEqualTo("{\"code\":0}");
        assertThat(send("GET", API + "/files/" + ft, null, d).statusCode()).isNotEqualTo(401);
        hint(send("DELETE", API + "/files/" + ft + "/destroy", null, d), "replayed request");
    }

    /** A Date up to a window in the future stays valid for a window after it, and so does its replay-cache entry. */
    @Test
    void aFutureDatedWriteCannotBeReplayedOnceTheServerClockPassesTheWindow() {
        TestServer own = new TestServer();
        try {
            TestServer.App a = own.app("test");
            String date = DateTimeFormatter.RFC_1123_DATE_TIME.format(
                    own.server.clock().instant().plusSeconds(14 * 60).atOffset(ZoneOffset.UTC));
            byte[] body = utf8("{\"filename\":\"future.docx\"}");
            String m = TestServer.hex("MD5", body);
            String[] h = {
                "Date",
                date,
                "Content-Md5",
                m,
                "Content-Type",
                "application/json",
                "Authorization",
                TestServer.wps2(a.appId(), a.appKey(), m, "application/json", date)
            };
            ok(own.sendRaw("POST", API + "/files", body, h));
            own.adminOk("POST", "/clock", "{\"advance_seconds\":1200}"); // Date is now 6 min in the past: still valid
            hint(own.sendRaw("POST", API + "/files", body, h), "replayed request");
            own.adminOk("POST", "/clock", "{\"advance_seconds\":600}"); // 16 min: outside the window
            hint(own.sendRaw("POST", API + "/files", body, h), HINT_DATE);
        } finally {
            own.close();
        }
    }

    @Test
    void withTheReplayCacheOffASecondIdenticalWriteIsProcessed() {
        TestServer own = new TestServer(b -> b.wps2ReplayCache(false));
        try {
            TestServer.App a = own.app("test");
            byte[] body = utf8("{\"filename\":\"twice.docx\"}");
            String[] h = own.wps2Headers(a, body, "application/json");
            ok(own.sendRaw("POST", API + "/files", body, h));
            err(own.sendRaw("POST", API + "/files", body, h), 30015, 409); // processed: the name is taken
        } finally {
            own.close();
        }
    }

    /** Two identical signed uploads at once: exactly one is accepted, whichever finishes its body first. */
    @Test
    void concurrentIdenticalUploadsAcceptExactlyOne() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            for (int round = 0; round < 3; round++) {
                String boundary = "cc" + UUID.randomUUID();
                byte[] content = new byte[2 << 20];
                new Random(round).nextBytes(content);
                byte[] mp = TestServer.multipart(boundary, name(".bin"), null, content);
                String[] h = ts.wps2Headers(app, mp, "multipart/form-data; boundary=" + boundary);
                CountDownLatch go = new CountDownLatch(1);
                Callable<HttpResponse<String>> call = () -> {
                    go.await();
                    return ts.sendRaw("POST", API + "/files/upload", mp, h);
                };
                Future<HttpResponse<String>> f1 = pool.submit(call);
                Future<HttpResponse<String>> f2 = pool.submit(call);
                go.countDown();
                List<HttpResponse<String>> rs = List.of(f1.get(), f2.get());
                assertThat(rs.stream().filter(r -> r.statusCode() == 200).count())
                        .as(rs.toString())
                        .isEqualTo(1);
                HttpResponse<String> refused = rs.stream()
                        .filter(r -> r.statusCode() != 200)
                        .findFirst()
                        .orElseThrow();
                hint(refused, "replayed request");
                JsonNode info = ok(rs.stream()
                        .filter(r -> r.statusCode() == 200)
                        .findFirst()
                        .orElseThrow());
                assertThat(info.get("version").asLong()).isEqualTo(1);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    // ---- multipart ----

    @Test
    void malformedMultipartIs10001AfterTheSignatureVerified() {
        String boundary = "mb" + UUID.randomUUID();
        byte[] mp = TestServer.multipart(boundary, name(".txt"), "text/plain", utf8("hello"));
        // no boundary parameter in the (signed) Content-Type
        err(ts.signed(app, "POST", API + "/files/upload", mp, "multipart/form-data"), 10001, 400);
        // not multipart at all
        err(ts.signed(app, "POST", API + "/files/upload", mp, "application/json"), 10001, 400);
        // truncated inside the file part, and without the closing delimiter
        byte[] cut = Arrays.copyOf(mp, mp.length - boundary.length() - 12);
        err(
                ts.signed(app, "POST", API + "/files/upload", cut, "multipart/form-data; boundary=" + boundary),
                10001,
                400);
        byte[] noClose = Arrays.copyOf(mp, mp.length - boundary.length() - 6);
        err(
                ts.signed(app, "POST", API + "/files/upload", noClose, "multipart/form-data; boundary=" + boundary),
                10001,
                400);
        // a boundary that never occurs; an empty body; a part without "file"
        err(ts.signed(app, "POST", API + "/files/upload", mp, "multipart/form-data; boundary=other"), 10001, 400);
        err(
                ts.signed(app, "POST", API + "/files/upload", null, "multipart/form-data; boundary=" + boundary),
                10001,
                400);
        byte[] fieldsOnly = TestServer.multipart(boundary, null, null, null, "creator", "x");
        err(
                ts.signed(app, "POST", API + "/files/upload", fieldsOnly, "multipart/form-data; boundary=" + boundary),
                10001,
                400);
        // malformed AND not matching its Content-Md5: the signature is checked first (api.md §1.5)
        Map<String, String> h = headers(app, mp, "multipart/form-data; boundary=" + boundary);
        hint(send("POST", API + "/files/upload", cut, h), HINT_MD5);
    }

    // ---- bytes in many small pieces ----

    @Test
    void aBodySentInManySmallPiecesVerifiesAndStoresTheExactBytes() throws Exception {
        byte[] content = new byte[20_000];
        new Random(7).nextBytes(content);
        for (boolean chunked : new boolean[] {false, true}) {
            String boundary = "sp" + UUID.randomUUID();
            String fileName = name(".bin");
            byte[] mp = TestServer.multipart(
                    boundary, fileName, "application/octet-stream", content, "parent_path", "pieces");
            String ct = "multipart/form-data; boundary=" + boundary;
            String[] h = ts.wps2Headers(app, mp, ct);
            List<String> lines = new ArrayList<>();
            for (int i = 0; i < h.length; i += 2) {
                lines.add(h[i] + ": " + h[i + 1]);
            }
            byte[] body = mp;
            if (chunked) {
                lines.add("Transfer-Encoding: chunked");
                body = chunk(mp, new Random(3));
            } else {
                lines.add("Content-Length: " + mp.length);
            }
            Raw r = raw("POST " + API + "/files/upload HTTP/1.1", lines, body, 100, 1);
            assertThat(r.status).as(r.body).isEqualTo(200);
            JsonNode info = TestServer.JSON.readTree(r.body).get("data");
            assertThat(info.get("size").asLong()).isEqualTo(content.length);
            JsonNode dl = ok(ts.signed(
                    app,
                    "GET",
                    API + "/files/" + info.get("file_token").asText() + "/download",
                    null,
                    "application/json"));
            assertThat(dl.get("checksums").get("sha1").asText()).isEqualTo(TestServer.hex("SHA-1", content));
            assertThat(ts.sendBytes("GET", dl.get("url").asText(), null).body()).isEqualTo(content);
        }
    }

    /** An upload whose connection dies mid-body was never verified: the same signed request may be sent again. */
    @Test
    void anUploadCutOffMidBodyCanBeRetriedWithTheSameHeaders() throws Exception {
        String boundary = "cut" + UUID.randomUUID();
        byte[] content = new byte[300_000];
        new Random(11).nextBytes(content);
        byte[] mp = TestServer.multipart(boundary, name(".bin"), null, content);
        String[] h = ts.wps2Headers(app, mp, "multipart/form-data; boundary=" + boundary);
        StringBuilder head = new StringBuilder("POST " + API + "/files/upload HTTP/1.1\r\nHost: 127.0.0.1\r\n");
        for (int i = 0; i < h.length; i += 2) {
            head.append(h[i]).append(": ").append(h[i + 1]).append("\r\n");
        }
        head.append("Content-Length: ").append(mp.length).append("\r\n\r\n");
        // the server's open connections (the test client's kept-alive ones): the cut one adds one while it is handled
        int before = ts.server().connections().openConnections();
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), ts.server().port())) {
            OutputStream out = s.getOutputStream();
            out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
            out.write(mp, 0, mp.length / 2);
            out.flush();
            await().atMost(Duration.ofSeconds(10))
                    .pollInterval(Duration.ofMillis(10))
                    .until(() -> ts.server().connections().openConnections() > before);
        } // closed half-way
        // the server is done with the cut request (its handler returned) before the same headers come again
        await().atMost(Duration.ofSeconds(10))
                .pollInterval(Duration.ofMillis(10))
                .until(() -> ts.server().connections().openConnections() <= before);
        JsonNode info = ok(ts.sendRaw("POST", API + "/files/upload", mp, h));
        assertThat(info.get("size").asLong()).isEqualTo(content.length);
        hint(ts.sendRaw("POST", API + "/files/upload", mp, h), "replayed request");
    }

    // ---- metrics ----

    @Test
    void failedSignaturesAreCountedByReasonInMetrics() {
        String ft = fileToken();
        Map<String, Double> before = failures();
        Map<String, String> h = headers(app, null, "application/json");
        Map<String, String> bad = new LinkedHashMap<>(h);
        bad.put("Authorization", "nonsense");
        send("GET", API + "/files/" + ft, null, bad);
        Map<String, String> unknown = new LinkedHashMap<>(h);
        unknown.put("Authorization", h.get("Authorization").replace(app.appId(), "SXNOSUCHAPP"));
        send("GET", API + "/files/" + ft, null, unknown);
        Map<String, String> date = new LinkedHashMap<>(h);
        date.put("Date", "not a date");
        send("GET", API + "/files/" + ft, null, date);
        date.remove("Date");
        send("GET", API + "/files/" + ft, null, date);
        Map<String, String> mismatch = new LinkedHashMap<>(h);
        mismatch.put("Content-Type", "text/plain");
        send("GET", API + "/files/" + ft, null, mismatch);
        byte[] body = utf8("{\"filename\":\"" + name(".docx") + "\"}");
        Map<String, String> w = headers(app, body, "application/json");
        hint(send("POST", API + "/files", utf8("{}"), w), HINT_MD5);
        send("POST", API + "/files", body, w);
        send("POST", API + "/files", body, w);
        Map<String, Double> after = failures();
        assertThat(delta(before, after, "malformed_authorization")).isEqualTo(1);
        assertThat(delta(before, after, "unknown_app")).isEqualTo(1);
        assertThat(delta(before, after, "bad_date")).isEqualTo(2);
        assertThat(delta(before, after, "signature_mismatch")).isEqualTo(1);
        assertThat(delta(before, after, "content_md5_mismatch")).isEqualTo(1);
        assertThat(delta(before, after, "replayed")).isEqualTo(1);
    }

    static double delta(Map<String, Double> before, Map<String, Double> after, String reason) {
        return after.getOrDefault(reason, 0.0) - before.getOrDefault(reason, 0.0);
    }

    static Map<String, Double> failures() {
        HttpResponse<String> r = ts.send("GET", "/metrics", null);
        assertThat(r.statusCode()).isEqualTo(200);
        Map<String, Double> out = new LinkedHashMap<>();
        Matcher m = Pattern.compile(
                        "(?m)^yundoc_wps2_failures_total\\{[^}]*reason=\"([a-z0-9_]+)\"[^}]*\\} ([0-9.eE+-]+)$")
                .matcher(r.body());
        while (m.find()) {
            out.put(m.group(1), Double.parseDouble(m.group(2)));
        }
        return out;
    }

    // ---- raw HTTP over a socket ----

    record Raw(int status, String body) {}

    /**
     * Writes a request over a plain socket: the head, then the body in pieces of 1 to {@code maxPiece} bytes with a
     * pause of {@code pauseMillis} between them (0 = all at once), and reads the whole answer.
     */
    static Raw raw(String requestLine, List<String> headerLines, byte[] body, int maxPiece, int pauseMillis)
            throws Exception {
        StringBuilder head = new StringBuilder(requestLine).append("\r\nHost: 127.0.0.1\r\nConnection: close\r\n");
        boolean framed = false;
        for (String l : headerLines) {
            head.append(l).append("\r\n");
            String lower = l.toLowerCase(Locale.ROOT);
            framed |= lower.startsWith("content-length:") || lower.startsWith("transfer-encoding:");
        }
        if (!framed && body.length > 0) {
            head.append("Content-Length: ").append(body.length).append("\r\n");
        }
        head.append("\r\n");
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        all.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
        all.write(body);
        byte[] bytes = all.toByteArray();
        Random rnd = new Random(42);
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), ts.server().port())) {
            s.setSoTimeout(30_000);
            s.setTcpNoDelay(true);
            OutputStream out = s.getOutputStream();
            int i = 0;
            while (i < bytes.length) {
                int n = maxPiece <= 0 ? bytes.length - i : Math.min(bytes.length - i, 1 + rnd.nextInt(maxPiece));
                out.write(bytes, i, n);
                out.flush();
                i += n;
                if (pauseMillis > 0) {
                    Thread.sleep(pauseMillis); // a slow client is the behaviour under test, not a wait for an event
                }
            }
            return parse(s.getInputStream());
        }
    }

    /** Reads one response: the head up to the blank line, then a Content-Length or chunked body. */
    static Raw parse(InputStream in) throws IOException {
        ByteArrayOutputStream headBytes = new ByteArrayOutputStream();
        int matched = 0;
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("connection closed in the response head");
            }
            headBytes.write(b);
            matched = (b == (matched % 2 == 0 ? '\r' : '\n')) ? matched + 1 : (b == '\r' ? 1 : 0);
        }
        String head = headBytes.toString(StandardCharsets.ISO_8859_1);
        int status = Integer.parseInt(head.substring(9, 12));
        String headers = head.toLowerCase(Locale.ROOT);
        Matcher cl = Pattern.compile("(?m)^content-length:\\s*(\\d+)").matcher(headers);
        String body;
        if (cl.find()) {
            body = new String(in.readNBytes(Integer.parseInt(cl.group(1))), StandardCharsets.UTF_8);
        } else if (headers.contains("transfer-encoding: chunked")) {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            while (true) {
                int len = Integer.parseInt(line(in).split(";", -1)[0].trim(), 16);
                if (len == 0) {
                    line(in);
                    break;
                }
                b.write(in.readNBytes(len));
                line(in);
            }
            body = b.toString(StandardCharsets.UTF_8);
        } else {
            body = "";
        }
        return new Raw(status, body);
    }

    static String line(InputStream in) throws IOException {
        StringBuilder sb = new StringBuilder();
        int c;
        while ((c = in.read()) >= 0 && c != '\n') {
            if (c != '\r') {
                sb.append((char) c);
            }
        }
        return sb.toString();
    }

    /** HTTP/1.1 chunked framing with chunks of random sizes (1 to 300 bytes). */
    static byte[] chunk(byte[] data, Random rnd) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int i = 0;
        while (i < data.length) {
            int n = Math.min(data.length - i, 1 + rnd.nextInt(300));
            out.writeBytes((Integer.toHexString(n) + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(data, i, n);
            out.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
            i += n;
        }
        out.writeBytes("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        return out.toByteArray();
    }
}
