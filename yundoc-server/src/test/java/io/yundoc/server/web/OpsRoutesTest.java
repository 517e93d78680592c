package io.yundoc.server.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.yundoc.server.TestServer;
import io.yundoc.server.TestServerExtension;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code /health}, {@code /metrics} and {@code /openapi}. */
class OpsRoutesTest {
    @RegisterExtension
    static final TestServerExtension ts = TestServerExtension.embedded();

    @Test
    void healthIsUp() {
        HttpResponse<String> r = ts.send("GET", "/health", null);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type"))
                .hasValueSatisfying(v -> assertThat(v).startsWith("application/json"));
        assertThat(TestServer.json(r).path("status").asText()).isEqualTo("UP");
    }

    @Test
    void metricsCountApiRequests() {
        // one API call (no token: 20007) so the request timer has a sample
        HttpResponse<String> api = ts.send("GET", "/api/v1/openapi/personal/files/abc/download", null);
        assertThat(TestServer.json(api).path("code").asInt()).isEqualTo(20007);

        HttpResponse<String> r = ts.send("GET", "/metrics", null);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type"))
                .hasValueSatisfying(v -> assertThat(v).startsWith("text/plain"));
        assertThat(r.body()).contains("yundoc_http_requests");
        // the KDocs code and the HTTP status side by side
        assertThat(r.body())
                .containsPattern("yundoc_http_requests_seconds_count\\{[^}]*code=\"20007\"[^}]*status=\"401\"");
        // a dozen buckets per series, not Micrometer's ~70 of a percentile histogram
        long buckets = r.body()
                .lines()
                .filter(l -> l.startsWith("yundoc_http_requests_seconds_bucket{")
                        && l.contains("code=\"20007\"")
                        && l.contains("/download"))
                .count();
        assertThat(buckets).isBetween(5L, 16L);
        // JVM and process binders
        assertThat(r.body())
                .contains(
                        "jvm_memory_used_bytes",
                        "jvm_gc_",
                        "jvm_threads_live_threads",
                        "process_cpu_usage",
                        "process_uptime_seconds",
                        "process_files_open_files",
                        "jvm_classes_loaded_classes");
    }

    @Test
    void openapiIsJson() {
        HttpResponse<String> r = ts.send("GET", "/openapi", null);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type"))
                .hasValueSatisfying(v -> assertThat(v).startsWith("application/json"));
        assertThat(TestServer.json(r).path("openapi").asText()).startsWith("3.1");
    }
}
