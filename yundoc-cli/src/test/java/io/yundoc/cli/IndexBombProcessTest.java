package io.yundoc.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.yundoc.server.ScaleOutBackends;
import io.yundoc.server.files.Bombs;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Issue 13, as an operator sees it: a {@code yundoc serve} process with a 256 MiB heap is sent a .docx whose
 * document.xml inflates to 300 MiB, a PDF whose content stream inflates to 250 MiB, an encrypted OOXML file and a
 * truncated zip. While they are indexed /health answers within a second, uploads and downloads work, and the
 * server's resident memory stays under its heap cap + 300 MiB; then each file is listed as not indexable, and a
 * restart comes up healthy without touching them again.
 */
// integration phase (Failsafe, mvn verify): a yundoc child process and its extractor
@Tag("integration")
class IndexBombProcessTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String ADMIN = "bomb-admin-token";
    static final long HEAP_MIB = 256;
    static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    void hostileDocumentsNeverTakeTheServerDown() throws Exception {
        Path dir = Files.createTempDirectory("yundoc-bombs");
        int port = ScaleOutBackends.freePort();
        String base = "http://127.0.0.1:" + port;
        Process server = start(dir, port);
        try {
            JsonNode app = admin(base, "POST", "/apps", "{\"name\":\"bombs\",\"tier\":\"test\"}");
            String userId = admin(base, "POST", "/users", "{\"name\":\"bomb-user\",\"password\":\"password-123\"}")
                    .get("user_id")
                    .asText();
            String token = admin(
                            base,
                            "POST",
                            "/tokens",
                            "{\"app_id\":\"" + app.get("app_id").asText() + "\",\"user_id\":\"" + userId
                                    + "\",\"scopes\":[\"access_personal_files\",\"download_personal_files\",\"create_personal_files\"]}")
                    .get("access_token")
                    .asText();
            upload(base, token, "bomb.docx", Bombs.docx(300));
            upload(base, token, "bomb.pdf", Bombs.pdf(250));
            upload(base, token, "locked.docx", Bombs.encryptedDocx("secret words"));
            upload(base, token, "cut.docx", Bombs.truncatedDocx("cut words"));

            long maxRssKib = 0;
            long slowestHealthMs = 0;
            boolean servedMeanwhile = false;
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(6);
            while (true) {
                assertThat(server.isAlive()).as("server process").isTrue();
                maxRssKib = Math.max(maxRssKib, rssKib(server.pid()));
                long t0 = System.nanoTime();
                HttpResponse<String> h = get(base + "/health");
                slowestHealthMs = Math.max(slowestHealthMs, (System.nanoTime() - t0) / 1_000_000);
                assertThat(h.statusCode()).as(h.body()).isEqualTo(200);
                if (!servedMeanwhile) {
                    String ft = upload(
                            base,
                            token,
                            "meanwhile.txt",
                            "uploaded while the bombs are parsed".getBytes(StandardCharsets.UTF_8));
                    String url = data(get(
                                    base + "/api/v1/openapi/personal/files/" + ft + "/download?access_token=" + token))
                            .get("url")
                            .asText();
                    assertThat(get(url).body()).isEqualTo("uploaded while the bombs are parsed");
                    servedMeanwhile = true;
                }
                JsonNode st = admin(base, "GET", "/indexer", null);
                if (st.get("pending").asLong() == 0
                        && st.get("not_indexable_count").asLong() == 4) {
                    break;
                }
                assertThat(System.nanoTime())
                        .as("indexer done within 6 minutes: " + st)
                        .isLessThan(deadline);
                Thread.sleep(200); // a sampling period, not a wait for a condition
            }
            System.out.printf(
                    "IndexBombProcessTest: largest server RSS %d MiB (heap cap %d MiB), slowest /health %d ms%n",
                    maxRssKib / 1024, HEAP_MIB, slowestHealthMs);
            assertThat(slowestHealthMs)
                    .as("slowest /health (ms) while extracting")
                    .isLessThan(1000);
            assertThat(maxRssKib / 1024)
                    .as("largest RSS of the server (MiB), heap cap " + HEAP_MIB + " MiB")
                    .isLessThan(HEAP_MIB + 300);
            JsonNode st = admin(base, "GET", "/indexer", null);
            Map<String, String> reasons = new HashMap<>();
            st.get("not_indexable")
                    .forEach(r ->
                            reasons.put(r.get("name").asText(), r.get("reason").asText()));
            assertThat(reasons).containsOnlyKeys("bomb.docx", "bomb.pdf", "locked.docx", "cut.docx");
            assertThat(reasons.get("locked.docx")).isEqualTo("encrypted");
            long extractorPid = st.get("extractor").get("pid").asLong();

            // SIGTERM: the server stops cleanly and takes its extractor process with it
            server.destroy();
            assertThat(server.waitFor(60, TimeUnit.SECONDS)).isTrue();
            if (extractorPid > 0) {
                assertThat(ProcessHandle.of(extractorPid)
                                .map(ProcessHandle::isAlive)
                                .orElse(false))
                        .isFalse();
            }
            server = start(dir, port);
            JsonNode again = admin(base, "GET", "/indexer", null);
            assertThat(again.get("pending").asLong()).isZero();
            assertThat(again.get("not_indexable_count").asLong()).isEqualTo(4);
            assertThat(again.get("extractor").get("starts").asInt()).isZero();
            assertThat(get(base + "/health").statusCode()).isEqualTo(200);
        } finally {
            server.destroyForcibly();
            server.waitFor(30, TimeUnit.SECONDS);
        }
    }

    static Process start(Path dir, int port) throws Exception {
        Path log = dir.resolve("yundoc-" + System.nanoTime() + ".log");
        List<String> cmd = List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx" + HEAP_MIB + "m",
                "-XX:+ExitOnOutOfMemoryError",
                "-cp",
                System.getProperty("java.class.path"),
                "io.yundoc.cli.Main",
                "serve",
                "--port",
                Integer.toString(port),
                "--data",
                dir.resolve("data").toString(),
                "--extract-timeout",
                "30s",
                "--extract-heap",
                "256MiB");
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put("YUNDOC_ADMIN_TOKEN", ADMIN);
        Process p = pb.start();
        boolean up;
        try {
            Awaitility.await()
                    .atMost(Duration.ofSeconds(90))
                    .pollInterval(Duration.ofMillis(200))
                    .until(() -> !p.isAlive() || ScaleOutCluster.ready("http://127.0.0.1:" + port));
            up = p.isAlive();
        } catch (ConditionTimeoutException e) {
            up = false;
        }
        if (!up) {
            throw new IllegalStateException("yundoc did not start: " + Files.readString(log));
        }
        return p;
    }

    /** VmRSS of a process, in KiB. */
    static long rssKib(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        throw new IllegalStateException("no VmRSS for " + pid);
    }

    static HttpResponse<String> get(String url) throws Exception {
        return HTTP.send(
                HttpRequest.newBuilder(URI.create(url))
                        .timeout(Duration.ofSeconds(10))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    static JsonNode data(HttpResponse<String> r) throws IOException {
        JsonNode n = JSON.readTree(r.body());
        assertThat(n.get("code").asInt()).as(r.body()).isZero();
        return n.get("data");
    }

    static JsonNode admin(String base, String method, String path, String body) throws Exception {
        return data(HTTP.send(
                HttpRequest.newBuilder(URI.create(base + "/admin/v1" + path))
                        .timeout(Duration.ofSeconds(10))
                        .header("Authorization", "Bearer " + ADMIN)
                        .header("Content-Type", "application/json")
                        .method(
                                method,
                                body == null
                                        ? HttpRequest.BodyPublishers.noBody()
                                        : HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString()));
    }

    /** Uploads to the root of the user's drive; returns the file's token. */
    static String upload(String base, String token, String name, byte[] content) throws Exception {
        String boundary = "b0mbs";
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.write(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"path_from_root\"\r\n\r\ntrue\r\n--"
                        + boundary
                        + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"" + name
                        + "\"\r\nContent-Type: application/octet-stream\r\n\r\n")
                .getBytes(StandardCharsets.UTF_8));
        body.write(content);
        body.write(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        HttpResponse<String> r = HTTP.send(
                HttpRequest.newBuilder(URI.create(base + "/api/v1/openapi/personal/files/upload?access_token=" + token))
                        .timeout(Duration.ofSeconds(60))
                        .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                        .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray()))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        return data(r).get("id").get("open_id").asText();
    }
}
