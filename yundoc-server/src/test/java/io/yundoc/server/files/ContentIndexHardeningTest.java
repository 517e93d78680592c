package io.yundoc.server.files;

import static io.yundoc.server.files.DriveFixture.id;
import static io.yundoc.server.files.DriveFixture.names;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.yundoc.server.ServerConfig;
import io.yundoc.server.TestServer;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Issue 13: hostile files (a .docx and a PDF that inflate to hundreds of MiB, an encrypted OOXML file, a truncated
 * zip) cost the extractor process, never the server. While they are parsed, /health answers within a second and
 * uploads, downloads and searches work; afterwards each is listed as not indexable with its reason, leaves the queue,
 * and a restart neither repeats them nor starts the extractor for them.
 */
// integration phase (Failsafe, mvn verify): the extractor child process fed hostile files
@Tag("integration")
class ContentIndexHardeningTest {
    static final Consumer<ServerConfig.Builder> SMALL_EXTRACTOR =
            b -> b.extractTimeout(Duration.ofSeconds(20)).extractHeap(128L << 20);

    @Test
    void hostileFilesAreMarkedNotIndexableWhileTheServerKeepsServing() throws Exception {
        TestServer ts = new TestServer(SMALL_EXTRACTOR);
        TestServer again = null;
        try {
            DriveFixture d = new DriveFixture(ts);
            TestServer.User u = ts.user(ts.app("test"));
            String plan =
                    id(d.upload(u, "plan.docx", OfficeSamples.docx("migration plan alpha"), "path_from_root", "true"));
            d.upload(u, "bomb.docx", Bombs.docx(300), "path_from_root", "true");
            d.upload(u, "bomb.pdf", Bombs.pdf(250), "path_from_root", "true");
            d.upload(u, "locked.docx", Bombs.encryptedDocx("secret words"), "path_from_root", "true");
            d.upload(u, "cut.docx", Bombs.truncatedDocx("cut words"), "path_from_root", "true");
            d.upload(u, "after.docx", OfficeSamples.docx("after the storm"), "path_from_root", "true");

            // while the bombs are parsed: health within a second, and the rest of the API works
            AtomicLong slowestHealth = new AtomicLong();
            JsonNode during = d.upload(u, "during.txt", "written during the bombs", "path_from_root", "true");
            String url = d.ok(u, "GET", "/files/" + id(during) + "/download", null)
                    .get("url")
                    .asText();
            HttpResponse<String> dl = ts.send("GET", url, null);
            assertThat(dl.statusCode()).isEqualTo(200);
            assertThat(dl.body()).isEqualTo("written during the bombs");
            Awaitility.await()
                    .atMost(Duration.ofMinutes(5))
                    .pollInterval(Duration.ofMillis(250))
                    .until(() -> {
                        long t0 = System.nanoTime();
                        HttpResponse<String> h = ts.send("GET", "/health", null);
                        slowestHealth.accumulateAndGet((System.nanoTime() - t0) / 1_000_000, Math::max);
                        assertThat(h.statusCode()).as(h.body()).isEqualTo(200);
                        return ts.adminOk("GET", "/indexer", null)
                                        .get("pending")
                                        .asLong()
                                == 0;
                    });
            assertThat(slowestHealth.get())
                    .as("slowest /health in ms while extracting")
                    .isLessThan(1000);

            JsonNode status = ts.adminOk("GET", "/indexer", null);
            Map<String, String> reasons = reasons(status);
            assertThat(reasons).containsOnlyKeys("bomb.docx", "bomb.pdf", "locked.docx", "cut.docx");
            assertThat(reasons.get("bomb.docx"))
                    .matches("extraction (ran out of memory \\(heap cap 128m\\)|took longer than 20 s)");
            assertThat(reasons.get("bomb.pdf"))
                    .matches("extraction (ran out of memory \\(heap cap 128m\\)|took longer than 20 s)");
            assertThat(reasons.get("locked.docx")).isEqualTo("encrypted");
            assertThat(reasons.get("cut.docx")).startsWith("unreadable (");
            assertThat(status.get("not_indexable_count").asLong()).isEqualTo(4);
            assertThat(search(d, u, "migration plan")).containsExactly("plan.docx");
            assertThat(search(d, u, "after the storm")).containsExactly("after.docx");
            assertThat(search(d, u, "during the bombs")).containsExactly("during.txt");
            assertThat(ts.send("GET", "/metrics", null).body())
                    .contains("yundoc_index_failures_total{reason=\"unreadable\"} 2.0");
            // the gauges are counted by the indexer after its pass
            Awaitility.await()
                    .atMost(Duration.ofSeconds(10))
                    .untilAsserted(
                            () -> assertThat(ts.send("GET", "/metrics", null).body())
                                    .contains("yundoc_index_not_indexable_files 4.0")
                                    .contains("yundoc_index_queue_depth 0.0"));

            // a queue row found claimed with its claim run out: the extraction was under way when its process stopped
            ts.server
                    .database()
                    .jdbi()
                    .useHandle(h -> h.createUpdate(
                                    "INSERT INTO index_queue (file_id, queued_at, attempts, claimed_until) VALUES (:f, 1, 1, 0)")
                            .bind("f", plan)
                            .execute());
            d.flushIndex();
            assertThat(reasons(ts.adminOk("GET", "/indexer", null)).get("plan.docx"))
                    .isEqualTo("the server stopped while extracting this file; not tried again");
            assertThat(search(d, u, "migration plan")).isEmpty();

            // a restart comes up healthy and repeats none of it
            ts.stopKeepingData();
            again = new TestServer(ts.dataDir, SMALL_EXTRACTOR);
            HttpResponse<String> health = again.send("GET", "/health", null);
            assertThat(health.statusCode()).as(health.body()).isEqualTo(200);
            assertThat(health.body()).contains("\"listener\":\"UP\"");
            DriveFixture d2 = new DriveFixture(again);
            d2.flushIndex();
            JsonNode after = again.adminOk("GET", "/indexer", null);
            assertThat(after.get("pending").asLong()).isZero();
            assertThat(reasons(after)).hasSize(5);
            assertThat(after.get("extractor").get("starts").asInt())
                    .as("no extraction after the restart")
                    .isZero();
            assertThat(search(d2, u, "after the storm")).containsExactly("after.docx");
        } finally {
            if (again != null) {
                again.close();
            } else {
                ts.close();
            }
        }
    }

    static Map<String, String> reasons(JsonNode status) {
        Map<String, String> m = new HashMap<>();
        status.get("not_indexable")
                .forEach(r -> m.put(r.get("name").asText(), r.get("reason").asText()));
        return m;
    }

    static List<String> search(DriveFixture d, TestServer.User u, String q) {
        return names(
                d.ok(u, "GET", "/files/search/content?content=" + URLEncoder.encode(q, StandardCharsets.UTF_8), null)
                        .get("files"));
    }
}
