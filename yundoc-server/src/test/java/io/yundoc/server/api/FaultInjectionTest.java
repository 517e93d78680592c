package io.yundoc.server.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.yundoc.server.TestServer;
import io.yundoc.server.TestServerExtension;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code /admin/v1/faults} against a real server: each effect, its duration, and what can never be faulted. */
class FaultInjectionTest {
    @RegisterExtension
    static final TestServerExtension ts = TestServerExtension.embedded();

    static TestServer.App app;
    static TestServer.User user;
    static final String ADMIN = "Bearer test-admin-token";

    @BeforeAll
    static void start() {
        app = ts.app("test");
        user = ts.user(app);
    }

    @AfterEach
    void clear() {
        ts.adminOk("DELETE", "/faults", null);
    }

    private String upload(String name, byte[] content) {
        HttpResponse<byte[]> r = ts.sendBytes(
                "POST",
                "/api/v1/openapi/personal/files/upload?access_token=" + user.token(),
                TestServer.multipart("bnd", name, "text/plain", content, "path_from_root", "true"),
                "Content-Type",
                "multipart/form-data; boundary=bnd");
        try {
            return TestServer.JSON.readTree(r.body()).at("/data/id/open_id").asText();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private String download(String ft) {
        return "/api/v1/openapi/personal/files/" + ft + "/download?access_token=" + user.token();
    }

    @Test
    void codeFaultAnswersTheEnvelopeForCountRequestsThenStops() {
        String ft = upload("code.txt", "x".getBytes(StandardCharsets.UTF_8));
        JsonNode f = ts.adminOk(
                "POST",
                "/faults",
                "{\"route\":\"GET /api/v1/openapi/personal/files/*/download\",\"code\":30002,\"count\":2,\"retry_after_seconds\":3}");
        assertThat(f.get("fault_id").asText()).isNotEmpty();
        for (int i = 0; i < 2; i++) {
            HttpResponse<String> r = ts.send("GET", download(ft), null);
            assertThat(r.statusCode()).isEqualTo(429);
            assertThat(r.headers().firstValue("Retry-After")).hasValue("3");
            assertThat(TestServer.json(r).get("msg").asText()).isEqualTo("RateLimiter");
            assertThat(r.body()).doesNotContain("\"data\"");
        }
        assertThat(ts.send("GET", download(ft), null).statusCode()).isEqualTo(200);
        assertThat(ts.adminOk("GET", "/faults", null).get("faults")).isEmpty();
    }

    @Test
    void faultsPrecedeAuthenticationAndMatchOnlyTheirRoute() {
        ts.adminOk("POST", "/faults", "{\"route\":\"GET /api/v1/openapi/personal/files/*/download\",\"code\":30004}");
        assertThat(ts.send("GET", "/api/v1/openapi/personal/files/abc/download", null)
                        .statusCode())
                .isEqualTo(500);
        // another route is untouched
        assertThat(ts.send("GET", "/api/v1/openapi/personal/files/abc/links?access_token=" + user.token(), null)
                        .statusCode())
                .isEqualTo(404);
        // the admin API never is, even with a catch-all
        HttpResponse<String> bad = ts.send(
                "POST",
                "/admin/v1/faults",
                "{\"route\":\"GET /admin/v1/clock\",\"code\":30004}",
                "Authorization",
                ADMIN);
        assertThat(bad.statusCode()).isEqualTo(400);
        ts.adminOk("POST", "/faults", "{\"route\":\"* /**\",\"code\":30004}");
        assertThat(ts.adminOk("GET", "/faults", null).get("faults")).hasSize(2);
    }

    @Test
    void latencyDelaysTheAnswer() {
        ts.adminOk("POST", "/faults", "{\"route\":\"GET /health\",\"latency_ms\":400,\"count\":1}");
        long t0 = System.nanoTime();
        assertThat(ts.send("GET", "/health", null).statusCode()).isBetween(200, 299);
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isGreaterThanOrEqualTo(Duration.ofMillis(400));
    }

    @Test
    void dropClosesTheConnectionWithoutAnAnswer() {
        // no count: java.net.http silently retries an idempotent GET once when a connection dies before the answer
        ts.adminOk("POST", "/faults", "{\"route\":\"GET /health\",\"drop\":true}");
        assertThatThrownBy(() -> ts.send("GET", "/health", null)).isInstanceOf(UncheckedIOException.class);
        ts.adminOk("DELETE", "/faults", null);
        assertThat(ts.send("GET", "/health", null).statusCode()).isBetween(200, 299);
    }

    @Test
    void dropAfterBytesTruncatesADownloadUrlAndRangeStillResumes() throws Exception {
        byte[] content = new byte[200_000];
        new Random(7).nextBytes(content);
        String ft = upload("big.bin", content);
        String url = TestServer.json(ts.send("GET", download(ft), null))
                .at("/data/url")
                .asText();
        ts.adminOk("POST", "/faults", "{\"route\":\"GET /dl/**\",\"drop\":true,\"drop_after_bytes\":1000,\"count\":1}");
        HttpRequest req = HttpRequest.newBuilder(URI.create(url)).build();
        var r = ts.http().send(req, HttpResponse.BodyHandlers.ofInputStream());
        assertThat(r.statusCode()).isEqualTo(200);
        byte[] got;
        int n = 0;
        try (var in = r.body()) {
            byte[] buf = new byte[8192];
            int k;
            while ((k = in.read(buf)) > 0) {
                n += k;
            }
            got = null;
        } catch (IOException expected) {
            got = new byte[0];
        }
        assertThat(got).as("the body must end early with an I/O error").isNotNull();
        assertThat(n).isEqualTo(1000);
        HttpResponse<byte[]> rest = ts.sendBytes("GET", url, null, "Range", "bytes=1000-");
        assertThat(rest.statusCode()).isEqualTo(206);
        assertThat(rest.body()).isEqualTo(Arrays.copyOfRange(content, 1000, content.length));
    }

    @Test
    void corruptFlipsABodyByteKeepingTheLength() {
        byte[] content = "hello corrupt world".getBytes(StandardCharsets.UTF_8);
        String ft = upload("c.txt", content);
        String url = TestServer.json(ts.send("GET", download(ft), null))
                .at("/data/url")
                .asText();
        ts.adminOk("POST", "/faults", "{\"route\":\"GET /dl/*/*\",\"corrupt\":true,\"count\":1}");
        HttpResponse<byte[]> bad = ts.sendBytes("GET", url, null);
        assertThat(bad.body()).hasSameSizeAs(content).isNotEqualTo(content);
        assertThat(ts.sendBytes("GET", url, null).body()).isEqualTo(content);
    }

    @Test
    void pagesCanBeFaultedToo() {
        String ft = upload("page.txt", "p".getBytes(StandardCharsets.UTF_8));
        HttpResponse<String> link = ts.send(
                "POST",
                "/api/v1/openapi/personal/files/" + ft + "/links?access_token=" + user.token(),
                "{\"range\":\"anyone\",\"permission\":\"read\"}");
        String sid = TestServer.json(link).at("/data/sid").asText();
        assertThat(ts.send("GET", "/l/" + sid, null).statusCode()).isEqualTo(200);
        ts.adminOk("POST", "/faults", "{\"route\":\"GET /l/*\",\"code\":30004,\"count\":1}");
        HttpResponse<String> faulted = ts.send("GET", "/l/" + sid, null);
        assertThat(faulted.statusCode()).isEqualTo(500);
        assertThat(TestServer.json(faulted).get("code").asInt()).isEqualTo(30004);
        assertThat(ts.send("GET", "/l/" + sid, null).statusCode()).isEqualTo(200);
    }

    @Test
    void probabilityZeroNeverFiresAndOneFaultCanBeCleared() {
        String id = ts.adminOk("POST", "/faults", "{\"route\":\"GET /health\",\"code\":30004,\"probability\":0}")
                .get("fault_id")
                .asText();
        for (int i = 0; i < 5; i++) {
            assertThat(ts.send("GET", "/health", null).statusCode()).isBetween(200, 299);
        }
        ts.adminOk("DELETE", "/faults/" + id, null);
        assertThat(ts.send("DELETE", "/admin/v1/faults/" + id, null, "Authorization", ADMIN)
                        .statusCode())
                .isEqualTo(400);
    }

    @Test
    void hostileFaultBodiesAre10001() {
        for (String body : new String[] {
            "{}",
            "{\"route\":\"GET\"}",
            "{\"route\":\"GET /x\"}",
            "{\"route\":\"GET /x\",\"code\":30004,\"latency_ms\":5}",
            "{\"route\":\"GET /x\",\"code\":12345}",
            "{\"route\":\"GET /x\",\"code\":30004,\"count\":0}",
            "{\"route\":\"GET /x\",\"code\":30004,\"probability\":2}",
            "{\"route\":\"GET /x\",\"code\":30004,\"count\":1,\"probability\":0.5}",
            "{\"route\":\"GET /x\",\"latency_ms\":-1}",
            "{\"route\":\"GET /x\",\"corrupt\":true,\"drop_after_bytes\":3}",
            "{\"route\":\"G<T /x\",\"code\":30004}",
            "not json"
        }) {
            HttpResponse<String> r = ts.send("POST", "/admin/v1/faults", body, "Authorization", ADMIN);
            assertThat(r.statusCode()).as(body).isEqualTo(400);
            assertThat(TestServer.json(r).get("code").asInt()).as(body).isEqualTo(10001);
        }
        assertThat(ts.send("POST", "/admin/v1/faults", "{\"route\":\"GET /x\",\"code\":30004}")
                        .statusCode())
                .isEqualTo(401);
    }

    @Test
    void devOnly() {
        try (TestServer prod = new TestServer(b -> b.dev(false))) {
            HttpResponse<String> r = prod.send(
                    "POST", "/admin/v1/faults", "{\"route\":\"GET /x\",\"code\":30004}", "Authorization", ADMIN);
            assertThat(r.statusCode()).isEqualTo(403);
            assertThat(TestServer.json(r).get("hint").asText()).isEqualTo("dev mode only");
        }
    }
}
