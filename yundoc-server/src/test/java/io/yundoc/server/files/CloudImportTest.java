package io.yundoc.server.files;

import static io.yundoc.server.files.DriveFixture.id;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import io.yundoc.server.TestServer;
import io.yundoc.server.TestServerExtension;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** URL import with its SSRF guard and limits (api.md §5.4), against a tiny local HTTP server. */
class CloudImportTest {
    /** The default guard: no private target is reachable. */
    @RegisterExtension
    static final TestServerExtension guarded = TestServerExtension.embedded();
    /** The local origin allowed, with small limits so the tests reach them quickly. */
    @RegisterExtension
    static final TestServerExtension allowing = TestServerExtension.embedded(b -> b.cloudAllow(List.of("127.0.0.1/32"))
            .maxUpload(16 * 1024)
            .cloudConcurrency(1)
            .cloudTimeout(Duration.ofSeconds(3)));

    static HttpServer remote;
    static String origin;
    static ServerSocket raw;
    static CountDownLatch release = new CountDownLatch(1);
    /** Counted down when the server's fetch of /slow reaches the origin: from then on that fetch is running. */
    static CountDownLatch slowReached = new CountDownLatch(1);

    static final byte[] CONTENT = "remote bytes 远程".getBytes(StandardCharsets.UTF_8);

    @BeforeAll
    static void startRemote() throws IOException {
        remote = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        remote.setExecutor(Executors.newCachedThreadPool());
        remote.createContext("/file.txt", ex -> {
            assertThat(ex.getRequestHeaders().getFirst("User-Agent")).startsWith("yundoc/");
            ex.sendResponseHeaders(200, CONTENT.length);
            try (OutputStream o = ex.getResponseBody()) {
                o.write(CONTENT);
            }
        });
        remote.createContext("/redirect/", ex -> {
            int n = Integer.parseInt(ex.getRequestURI().getPath().substring("/redirect/".length()));
            ex.getResponseHeaders().add("Location", n == 0 ? "/file.txt" : "/redirect/" + (n - 1));
            ex.sendResponseHeaders(302, -1);
            ex.close();
        });
        remote.createContext("/to-private", ex -> {
            ex.getResponseHeaders().add("Location", "http://10.1.2.3/secret");
            ex.sendResponseHeaders(301, -1);
            ex.close();
        });
        remote.createContext("/huge", ex -> {
            ex.sendResponseHeaders(200, 10L << 30); // claims 10 GiB
            try (OutputStream o = ex.getResponseBody()) {
                o.write(new byte[1024]);
            } catch (IOException ignored) {
                // the client hangs up early
            }
        });
        remote.createContext("/stream", ex -> {
            ex.sendResponseHeaders(200, 0); // chunked, no length: the limit applies while streaming
            try (OutputStream o = ex.getResponseBody()) {
                for (int i = 0; i < 64; i++) {
                    o.write(new byte[1024]);
                }
            } catch (IOException ignored) {
                // the client hangs up early
            }
        });
        remote.createContext("/missing", ex -> {
            ex.sendResponseHeaders(404, -1);
            ex.close();
        });
        remote.createContext("/slow", ex -> {
            slowReached.countDown();
            try {
                release.await(20, TimeUnit.SECONDS);
            } catch (InterruptedException ignored) {
                Thread.currentThread().interrupt();
            }
            ex.sendResponseHeaders(200, 2);
            try (OutputStream o = ex.getResponseBody()) {
                o.write("ok".getBytes(StandardCharsets.US_ASCII));
            } catch (IOException ignored) {
                // the client may have given up
            }
        });
        remote.start();
        origin = "http://127.0.0.1:" + remote.getAddress().getPort();
        // a raw server that sends a body with no Content-Length (the limit must hold while streaming)
        raw = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread.ofPlatform().daemon().start(() -> {
            while (!raw.isClosed()) {
                try (Socket s = raw.accept()) {
                    byte[] req = new byte[8192];
                    int n = s.getInputStream().read(req);
                    boolean huge = n > 0 && new String(req, 0, n, StandardCharsets.ISO_8859_1).startsWith("GET /huge ");
                    OutputStream o = s.getOutputStream();
                    o.write(("HTTP/1.0 200 OK\r\nContent-Type: application/octet-stream\r\n"
                                    + (huge ? "Content-Length: " + (10L << 30) + "\r\n" : "") + "\r\n")
                            .getBytes(StandardCharsets.US_ASCII));
                    for (int i = 0; i < 64; i++) {
                        o.write(new byte[1024]);
                    }
                } catch (IOException ignored) {
                    // next connection
                }
            }
        });
    }

    @AfterAll
    static void stopRemote() {
        release.countDown();
        remote.stop(0);
        try {
            raw.close();
        } catch (IOException ignored) {
            // done
        }
    }

    static String body(String url, String name) {
        return "{\"url\":\"" + url + "\",\"filename\":\"" + name + "\",\"path_from_root\":true}";
    }

    @Test
    void guardRefusesInternalTargetsWithoutAllowList() {
        TestServer ts = guarded.get();
        DriveFixture d = new DriveFixture(ts);
        TestServer.User u = ts.user(ts.app("test"));
        for (String url : List.of(
                origin + "/file.txt",
                "http://localhost:" + remote.getAddress().getPort() + "/file.txt",
                "http://[::1]/",
                "http://10.0.0.1/",
                "http://192.168.1.1/",
                "http://172.16.0.1/",
                "http://169.254.169.254/latest",
                "http://100.64.0.1/",
                "http://0.0.0.0/",
                "http://[::ffff:127.0.0.1]/",
                "http://[fd00::1]/",
                "http://[fe80::1]/",
                "http://224.0.0.1/",
                "http://255.255.255.255/",
                "http://[64:ff9b::a00:1]/",
                "http://2130706433/")) {
            JsonNode r = d.call(u, "POST", "/files/cloud", body(url, "x.txt"));
            assertThat(r.get("code").asInt()).as(url).isIn(10001, 30009);
            if (r.get("code").asInt() == 10001) {
                assertThat(r.get("hint").asText()).as(url).isEqualTo("url target not allowed");
            }
        }
        assertThat(d.call(u, "POST", "/files/cloud", body(origin + "/file.txt", "x.txt"))
                        .get("hint")
                        .asText())
                .isEqualTo("url target not allowed");
        for (String url : List.of(
                "file:///etc/passwd", "ftp://example.com/x", "gopher://x/", "", "http://user:pw@example.com/")) {
            assertThat(d.code(u, "POST", "/files/cloud", body(url, "x.txt")))
                    .as(url)
                    .isEqualTo(10001);
        }
        assertThat(d.code(u, "POST", "/files/cloud", "{\"url\":\"" + origin + "\"}"))
                .isEqualTo(10001);
        assertThat(d.code(u, "POST", "/files/cloud", body(origin + "/file.txt", "../x.txt")))
                .isEqualTo(10001);
        assertThat(d.code(u, "POST", "/files/cloud", body(origin + "/file.txt", "x.otl")))
                .isEqualTo(10001);
        assertThat(d.code(u, "POST", "/files/cloud", "{\"url\":")).isEqualTo(10001);
        assertThat(d.ok(u, "GET", "/files/flat", null).get("files")).isEmpty();
    }

    @Test
    void fetchesThroughTheAllowListWithLimits() throws Exception {
        TestServer ts = allowing.get();
        DriveFixture d = new DriveFixture(ts);
        TestServer.App app = ts.app("test");
        TestServer.User u = ts.user(app);
        JsonNode f = d.ok(u, "POST", "/files/cloud", body(origin + "/file.txt", "imported.txt"));
        assertThat(f.get("fname").asText()).isEqualTo("imported.txt");
        assertThat(f.get("fsize").asLong()).isEqualTo(CONTENT.length);
        JsonNode dl = d.ok(u, "GET", "/files/" + id(f) + "/download", null);
        assertThat(ts.sendBytes("GET", dl.get("url").asText(), null).body()).isEqualTo(CONTENT);
        // name clash: auto-renamed
        assertThat(d.ok(u, "POST", "/files/cloud", body(origin + "/file.txt", "imported.txt"))
                        .get("fname")
                        .asText())
                .isEqualTo("imported(2).txt");
        // redirects: 5 are followed, 6 are too many; each hop is re-checked
        assertThat(d.ok(u, "POST", "/files/cloud", body(origin + "/redirect/4", "r.txt"))
                        .get("fsize")
                        .asLong())
                .isEqualTo(CONTENT.length);
        assertThat(d.code(u, "POST", "/files/cloud", body(origin + "/redirect/5", "r.txt")))
                .isEqualTo(30009);
        assertThat(d.call(u, "POST", "/files/cloud", body(origin + "/to-private", "p.txt"))
                        .get("hint")
                        .asText())
                .isEqualTo("url target not allowed");
        // size: a claimed 10 GiB and an unannounced stream over the limit
        long t0 = System.nanoTime();
        assertThat(d.code(
                        u,
                        "POST",
                        "/files/cloud",
                        body("http://127.0.0.1:" + raw.getLocalPort() + "/huge", "huge.bin")))
                .isEqualTo(30008);
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(3));
        assertThat(d.code(
                        u, "POST", "/files/cloud", body("http://127.0.0.1:" + raw.getLocalPort() + "/stream", "s.bin")))
                .isEqualTo(30008);
        assertThat(d.code(u, "POST", "/files/cloud", body(origin + "/missing", "m.bin")))
                .isEqualTo(30009);
        // connection refused → 30009
        assertThat(d.code(u, "POST", "/files/cloud", body("http://127.0.0.1:1/x", "m.bin")))
                .isEqualTo(30009);
        // concurrency 1: a second fetch while one is running → 30010 + Retry-After 5; the slow one times out → 10002
        CompletableFuture<JsonNode> slow = CompletableFuture.supplyAsync(
                () -> d.call(u, "POST", "/files/cloud", body(origin + "/slow", "slow.txt")));
        assertThat(slowReached.await(20, TimeUnit.SECONDS))
                .as("the first fetch reached the origin")
                .isTrue();
        HttpResponse<String> busy = ts.send(
                "POST",
                "/api/v1/openapi/personal/files/cloud?access_token=" + u.token(),
                body(origin + "/file.txt", "busy.txt"));
        assertThat(TestServer.json(busy).get("code").asInt()).isEqualTo(30010);
        assertThat(busy.statusCode()).isEqualTo(429);
        assertThat(busy.headers().firstValue("Retry-After")).contains("5");
        assertThat(slow.get(20, TimeUnit.SECONDS).get("code").asInt()).isEqualTo(10002);
        // another app is not limited by this one's fetches
        assertThat(d.code(u, "POST", "/files/cloud", body(origin + "/file.txt", "after.txt")))
                .isZero();
    }
}
