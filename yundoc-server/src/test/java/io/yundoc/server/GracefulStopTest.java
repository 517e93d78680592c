package io.yundoc.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * A stopping server (SIGTERM in a rolling restart) lets the requests in flight finish before it closes its listener,
 * within {@code --drain-timeout}; meanwhile {@code /health} says it is going away and every answer closes its
 * connection. A request still running at the deadline is cut, and the stop does not wait longer.
 */
class GracefulStopTest {
    static final String API = "/api/v1/openapi/appspace";

    @Test
    void requestsInFlightFinishBeforeTheListenerCloses() throws Exception {
        TestServer ts = new TestServer(b -> b.drainTimeout(Duration.ofSeconds(10)));
        boolean closed = false;
        try {
            TestServer.App app = ts.app("test");
            String ft = TestServer.json(ts.signed(
                            app,
                            "POST",
                            API + "/files",
                            "{\"filename\":\"drain.docx\"}".getBytes(StandardCharsets.UTF_8),
                            "application/json"))
                    .get("data")
                    .get("file_token")
                    .asText();
            // the next call to file info takes 1.5 s in the server (an emulator fault), so it is in flight at the stop
            ts.adminOk("POST", "/faults", "{\"route\":\"GET " + API + "/files/*\",\"latency_ms\":1500,\"count\":1}");
            CompletableFuture<HttpResponse<String>> slow = CompletableFuture.supplyAsync(
                    () -> ts.signed(app, "GET", API + "/files/" + ft, null, "application/json"));
            awaitFaultTaken(ts);

            long t0 = System.nanoTime();
            CompletableFuture<Void> stop = CompletableFuture.runAsync(ts::close);
            // the drain has begun once /health says so (it answers 200 until then)
            HttpResponse<String> health = await().atMost(Duration.ofSeconds(5))
                    .pollInterval(Duration.ofMillis(20))
                    .until(() -> ts.send("GET", "/health", null), r -> r.statusCode() != 200);
            assertThat(health.statusCode()).as("going away").isEqualTo(503);
            assertThat(health.body()).contains("\"serving\":\"DRAINING\"");
            assertThat(health.headers().firstValue("Connection")).hasValue("close");

            HttpResponse<String> answered = slow.get();
            assertThat(answered.statusCode()).as(answered.body()).isEqualTo(200);
            assertThat(TestServer.json(answered).get("data").get("file_token").asText())
                    .isEqualTo(ft);
            stop.get();
            closed = true;
            assertThat(Duration.ofNanos(System.nanoTime() - t0))
                    .as("the stop waited for it")
                    .isGreaterThan(Duration.ofMillis(500));
            HttpClient fresh = HttpClient.newHttpClient();
            assertThatThrownBy(() -> fresh.send(
                            HttpRequest.newBuilder(URI.create(ts.base + "/health"))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString()))
                    .isInstanceOf(ConnectException.class);
        } finally {
            if (!closed) {
                ts.close();
            }
        }
    }

    @Test
    void theDrainEndsAtItsTimeoutWhateverIsStillRunning() throws Exception {
        TestServer ts = new TestServer(b -> b.drainTimeout(Duration.ofMillis(300)));
        TestServer.App app = ts.app("test");
        ts.adminOk(
                "POST",
                "/faults",
                "{\"route\":\"GET /api/v1/openapi/appspace/files/*\",\"latency_ms\":5000,\"count\":1}");
        CompletableFuture<HttpResponse<String>> slow = CompletableFuture.supplyAsync(
                () -> ts.signed(app, "GET", API + "/files/nosuchfile", null, "application/json"));
        awaitFaultTaken(ts);
        long t0 = System.nanoTime();
        ts.close();
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(4));
        assertThat(slow.handle((r, e) -> r == null || r.statusCode() != 200).get())
                .isTrue();
    }

    /**
     * Returns once the armed one-shot fault was taken by the slow call: from then on that call is in flight, held by
     * the fault's latency (a spent fault leaves the list).
     */
    static void awaitFaultTaken(TestServer ts) {
        await().atMost(Duration.ofSeconds(10))
                .pollInterval(Duration.ofMillis(10))
                .until(() -> ts.adminOk("GET", "/faults", null).get("faults").isEmpty());
    }
}
