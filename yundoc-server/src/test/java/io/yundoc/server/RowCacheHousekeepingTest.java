package io.yundoc.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The row cache survives the server's own periodic writes: the quota counts flushed every second (embedded mode), the
 * purge of ended upload tasks and the failing of abandoned conversions (every 2 s) touch tables no cached row comes
 * from, so a route called again and again keeps answering from memory. Before, each of them emptied the whole cache
 * (and, in scale-out mode, every instance's) several times a second.
 */
class RowCacheHousekeepingTest {
    static final String API = "/api/v1/openapi/appspace";
    static final String BOUNDARY = "housekeeping-boundary";

    @RegisterExtension
    final TestServerExtension server = TestServerExtension.embedded();

    @Test
    void aHotRouteKeepsAnsweringFromMemoryWhileTheHousekeepingRuns() throws Exception {
        TestServer.App app = server.app("formal");
        byte[] upload = TestServer.multipart(BOUNDARY, "hot.txt", "text/plain", "hot".getBytes(StandardCharsets.UTF_8));
        String ft = data(server.signed(
                        app, "POST", API + "/files/upload", upload, "multipart/form-data; boundary=" + BOUNDARY))
                .get("file_token")
                .asText();
        for (int i = 0; i < 3; i++) {
            data(info(app, ft));
        }
        double loads = reads("load");
        double hits = reads("hit");
        // 2.5 s of calls: at least two quota flushes and one run of each 2 s sweep (entries live 5 s in scale-out mode)
        long end = System.nanoTime() + 2_500_000_000L;
        int calls = 0;
        while (System.nanoTime() < end) {
            data(info(app, ft));
            calls++;
            Thread.sleep(100);
        }
        assertThat(reads("hit") - hits).as("rows answered from memory").isGreaterThanOrEqualTo(calls);
        assertThat(reads("load") - loads)
                .as("rows read again from the database")
                .isZero();
    }

    HttpResponse<String> info(TestServer.App app, String ft) {
        return server.signed(app, "GET", API + "/files/" + ft, null, "application/json");
    }

    static JsonNode data(HttpResponse<String> r) {
        JsonNode n = TestServer.json(r);
        assertThat(n.get("code").asInt()).as(r.body()).isZero();
        return n.get("data");
    }

    /** {@code yundoc_row_cache_reads_total} with {@code result} "hit" or "load", from /metrics. */
    double reads(String result) {
        String metrics = server.send("GET", "/metrics", null).body();
        for (String line : metrics.split("\n", -1)) {
            if (line.startsWith("yundoc_row_cache_reads_total{") && line.contains("result=\"" + result + "\"")) {
                return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        throw new AssertionError("no row cache counter in /metrics");
    }
}
