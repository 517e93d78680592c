package io.yundoc.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code serve --warm-up}: a throw-away server in the same JVM has its hot routes driven while the real one starts;
 * the real one's {@code /health} is 503 until that is over, and nothing of the warm-up reaches its data.
 */
class ServeWarmUpTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newHttpClient();

    @TempDir
    Path dir;

    private ServerConfig config(Duration warmUp) {
        return ServerConfig.builder()
                .port(0)
                .bind("127.0.0.1")
                .dataDir(dir.resolve("data"))
                .adminToken("warm-up-test-" + System.nanoTime())
                .warmUp(warmUp)
                .build();
    }

    private HttpResponse<String> get(YundocServer s, String path) throws Exception {
        return http.send(
                HttpRequest.newBuilder(URI.create(s.url() + path))
                        .header("Authorization", "Bearer " + s.adminToken())
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void healthIsHeldAt503UntilTheWarmUpIsDoneWhichLeavesNothingInTheServersData() throws Exception {
        // long enough that the real server's start is over well before the warm-up, even on a loaded machine
        try (YundocServer s = YundocServer.start(config(Duration.ofSeconds(5)))) {
            HttpResponse<String> during = get(s, "/health");
            assertThat(during.statusCode()).as(during.body()).isEqualTo(503);
            JsonNode h = JSON.readTree(during.body());
            assertThat(h.path("status").asText()).isEqualTo("DOWN");
            assertThat(h.path("checks").path("warm-up").asText()).isEqualTo("WARMING_UP");
            assertThat(s.warmUpRequests()).isZero();
            // the API answers meanwhile: only load balancers are asked to wait
            assertThat(get(s, "/admin/v1/apps").statusCode()).isEqualTo(200);

            s.awaitWarmUp();
            HttpResponse<String> after = get(s, "/health");
            assertThat(after.statusCode()).as(after.body()).isEqualTo(200);
            assertThat(JSON.readTree(after.body())
                            .path("checks")
                            .path("warm-up")
                            .asText())
                    .isEqualTo("UP");
            assertThat(s.warmUpRequests())
                    .as("requests the throw-away server answered")
                    .isGreaterThan(100);
            assertThat(JSON.readTree(get(s, "/admin/v1/apps").body())
                            .path("data")
                            .path("apps"))
                    .as("the warm-up's app lives in the throw-away server only")
                    .isEmpty();
            assertThat(JSON.readTree(get(s, "/admin/v1/users").body())
                            .path("data")
                            .path("users"))
                    .isEmpty();
        }
        assertThat(Thread.getAllStackTraces().keySet())
                .noneMatch(t -> t.getName().equals("yundoc-warm-up") && t.isAlive());
    }

    @Test
    void closingDuringTheWarmUpStopsItAndItsServer() throws Exception {
        YundocServer s = YundocServer.start(config(Duration.ofMinutes(1)));
        long closing = System.nanoTime();
        s.close();
        assertThat(Duration.ofNanos(System.nanoTime() - closing)).isLessThan(Duration.ofSeconds(20));
        assertThat(Thread.getAllStackTraces().keySet())
                .noneMatch(t -> t.getName().equals("yundoc-warm-up") && t.isAlive());
    }

    @Test
    void closingWhileTheThrowAwayServerIsDrivenEndsTheDriveAtOnce() throws Exception {
        YundocServer s = YundocServer.start(config(Duration.ofMinutes(1)));
        // by now the throw-away server has started and is being driven, even on a slow machine; the drive has no
        // interrupt to end it (close sends none), only its check of the stop flag before each request
        Thread.sleep(3000);
        long closing = System.nanoTime();
        s.close();
        assertThat(Duration.ofNanos(System.nanoTime() - closing))
                .as("well under the 10 s close waits for the warm-up")
                .isLessThan(Duration.ofSeconds(5));
        assertThat(Thread.getAllStackTraces().keySet())
                .noneMatch(t -> t.getName().equals("yundoc-warm-up") && t.isAlive());
    }

    @Test
    void withoutAWarmUpHealthHasNoSuchCheck() throws Exception {
        try (YundocServer s = YundocServer.start(config(Duration.ZERO))) {
            s.awaitWarmUp(); // returns at once
            HttpResponse<String> h = get(s, "/health");
            assertThat(h.statusCode()).isEqualTo(200);
            assertThat(JSON.readTree(h.body()).path("checks").has("warm-up")).isFalse();
            assertThat(s.warmUpRequests()).isZero();
        }
    }

    @Test
    void refusesANegativeWarmUpOrOneOverAMinute() {
        for (Duration d : new Duration[] {Duration.ofMillis(-1), Duration.ofSeconds(61)}) {
            assertThatThrownBy(() -> config(d))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("--warm-up");
        }
    }
}
