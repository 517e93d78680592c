package io.yundoc.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.yundoc.protocol.wire.FileItem;
import io.yundoc.testkit.Fault;
import io.yundoc.testkit.YundocEmulator;
import io.yundoc.testkit.YundocServerExtension;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Resumed downloads, back-off, checksum checks and refused redirects, driven by the emulator's fault injection. */
@ExtendWith(YundocServerExtension.class)
class ResilienceTest {
    YundocClient client;
    YundocEmulator yundoc;

    @TempDir
    Path tmp;

    @AfterEach
    void clear() {
        yundoc.clearFaults();
    }

    private FileItem bigFile(int size) {
        byte[] content = new byte[size];
        new Random(size).nextBytes(content);
        return client.personal().upload("big-" + size + ".bin", content, Placement.root());
    }

    @Test
    void downloadResumesWithRangeAfterADroppedConnection() throws Exception {
        FileItem f = bigFile(1_000_000);
        String sha1 =
                client.personal().downloadInfo(f.id().openId()).checksums().sha1();
        yundoc.addFault(Fault.on("GET /dl/**").dropAfterBytes(300_000).count(1));
        Path out = tmp.resolve("big.bin");
        Models.DownloadResult r = client.download(f.id().openId(), out);
        assertThat(r.resumes()).isEqualTo(1);
        assertThat(r.size()).isEqualTo(1_000_000);
        assertThat(r.sha1()).isEqualTo(sha1);
        assertThat(Files.size(out)).isEqualTo(1_000_000);
        assertThat(yundoc.admin("GET", "/faults", null).get("faults")).isEmpty(); // the one fault fired
    }

    @Test
    void downloadGivesUpAfterMaxRetriesAndLeavesNoFile() {
        FileItem f = bigFile(200_000);
        yundoc.addFault(Fault.on("GET /dl/**").dropAfterBytes(1000));
        Path out = tmp.resolve("never.bin");
        try (YundocClient c = yundoc.client(
                yundoc.createApp(),
                null,
                b -> b.maxRetries(2)
                        .accessToken(client.oauth().tokens().orElseThrow().accessToken()))) {
            assertThatThrownBy(() -> c.download(f.id().openId(), out))
                    .isInstanceOf(YundocClientException.class)
                    .isNotInstanceOf(ChecksumMismatchException.class);
        }
        assertThat(out).doesNotExist();
        assertThat(tmp.toFile().list()).isEmpty();
    }

    @Test
    void checksumMismatchIsDetectedAndTheTargetUntouched() throws Exception {
        FileItem f = bigFile(10_000);
        Path out = tmp.resolve("keep.bin");
        Files.writeString(out, "previous content");
        yundoc.addFault(Fault.on("GET /dl/*/*").corrupt().count(1));
        assertThatThrownBy(() -> client.download(f.id().openId(), out))
                .isInstanceOfSatisfying(ChecksumMismatchException.class, e -> {
                    assertThat(e.expectedSize()).isEqualTo(10_000);
                    assertThat(e.actualSize()).isEqualTo(10_000);
                    assertThat(e.actualSha1()).isNotEqualTo(e.expectedSha1());
                });
        assertThat(Files.readString(out)).isEqualTo("previous content");
        assertThat(tmp.toFile().list()).containsExactly("keep.bin");
    }

    @Test
    void backsOffOnRateLimitHonouringRetryAfter() {
        FileItem f = bigFile(10);
        yundoc.addFault(Fault.on("GET /api/v1/openapi/personal/files/*/download")
                .code(30002)
                .count(2)
                .retryAfterSeconds(1));
        long t0 = System.nanoTime();
        assertThat(client.personal().downloadInfo(f.id().openId()).fsize()).isEqualTo(10);
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isGreaterThanOrEqualTo(Duration.ofMillis(1900));
    }

    @Test
    void rateLimitBeyondTheRetryBudgetOrTheBackoffBoundSurfaces() {
        FileItem f = bigFile(11);
        String token = client.oauth().tokens().orElseThrow().accessToken();
        yundoc.addFault(Fault.on("GET /api/v1/openapi/personal/files/*/download")
                .code(30002)
                .count(2)
                .retryAfterSeconds(1));
        try (YundocClient c = YundocClient.builder()
                .baseUrl(yundoc.url())
                .accessToken(token)
                .maxRetries(1)
                .build()) {
            assertThatThrownBy(() -> c.personal().downloadInfo(f.id().openId()))
                    .isInstanceOfSatisfying(YundocException.class, e -> {
                        assertThat(e.code()).isEqualTo(30002);
                        assertThat(e.httpStatus()).isEqualTo(429);
                        assertThat(e.retryAfter()).contains(Duration.ofSeconds(1));
                    });
        }
        yundoc.clearFaults();
        // a daily-quota Retry-After (an hour) is beyond maxBackoff: fail at once instead of sleeping
        yundoc.addFault(Fault.on("GET /api/v1/openapi/personal/files/*/download")
                .code(30002)
                .count(1)
                .retryAfterSeconds(3600));
        long t0 = System.nanoTime();
        assertThatThrownBy(() -> client.personal().downloadInfo(f.id().openId()))
                .isInstanceOfSatisfying(
                        YundocException.class, e -> assertThat(e.retryAfter()).contains(Duration.ofHours(1)));
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(2));
    }

    @Test
    void idempotentCallsRetryThroughDroppedConnectionsAndLatency() {
        FileItem f = bigFile(12);
        yundoc.addFault(
                Fault.on("GET /api/v1/openapi/personal/files/*/links").drop().count(3));
        assertThatThrownBy(() -> client.personal().getLink(f.id().openId()))
                .isInstanceOfSatisfying(
                        YundocException.class, e -> assertThat(e.code()).isEqualTo(30014));
        yundoc.addFault(Fault.on("GET /api/v1/openapi/personal/files/*/download")
                .latency(Duration.ofMillis(300))
                .count(1));
        long t0 = System.nanoTime();
        client.personal().downloadInfo(f.id().openId());
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isGreaterThanOrEqualTo(Duration.ofMillis(300));
    }

    @Test
    void redirectsAreRefusedAndPinnedAnswersAreChecked() throws Exception {
        HttpServer other = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        other.createContext("/redirect", ex -> {
            ex.getResponseHeaders().add("Location", "http://127.0.0.1:1/elsewhere");
            ex.sendResponseHeaders(302, -1);
            ex.close();
        });
        other.createContext("/bytes", ex -> {
            byte[] b = "twelve bytes".getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(200, b.length);
            ex.getResponseBody().write(b);
            ex.close();
        });
        other.start();
        try {
            String base = "http://127.0.0.1:" + other.getAddress().getPort();
            String user = newestUser();
            ObjectMapper json = new ObjectMapper();
            yundoc.loadFixtures(json.readTree("""
                    {"files":[
                      {"space":"personal","owner":"%s","id":"pinnedRedirect1","name":"r.bin",
                       "download":{"url":"%s/redirect","fsize":12,"sha1":"0000000000000000000000000000000000000000"}},
                      {"space":"personal","owner":"%s","id":"pinnedWrongSha","name":"w.bin",
                       "download":{"url":"%s/bytes","fsize":12,"sha1":"0000000000000000000000000000000000000000"}}
                    ]}""".formatted(user, base, user, base)));
            assertThatThrownBy(() -> client.download("pinnedRedirect1", tmp.resolve("r.bin")))
                    .isInstanceOf(YundocClientException.class)
                    .hasMessageContaining("redirect");
            assertThatThrownBy(() -> client.download("pinnedWrongSha", tmp.resolve("w.bin")))
                    .isInstanceOf(ChecksumMismatchException.class);
            assertThat(tmp.toFile().list()).isEmpty();
        } finally {
            other.stop(0);
        }
    }

    /** The user created last: the owner of the token the test just issued (no admin lookup of tokens exists). */
    private String newestUser() {
        var users = yundoc.admin("GET", "/users", null).get("users");
        return users.get(users.size() - 1).get("user_id").asText();
    }
}
