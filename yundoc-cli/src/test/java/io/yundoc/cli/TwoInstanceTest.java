package io.yundoc.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Two {@code yundoc serve} processes on free ports sharing PostgreSQL, S3 (S3Mock) and Redis, with nginx in front
 * (round-robin): what one instance stores the other serves, a quota holds exactly across both, and SIGKILL of one
 * instance under load loses no acknowledged write while the survivor keeps serving.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
// integration phase (Failsafe, mvn verify): two yundoc processes behind nginx, PostgreSQL, Redis and S3Mock
@Tag("integration")
class TwoInstanceTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String DOWNLOAD = "GET /api/v1/openapi/personal/files/:file_token/download";
    static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    static ScaleOutCluster cluster;
    static ScaleOutCluster.Instance a;
    static ScaleOutCluster.Instance b;
    static String appId;
    static String token;

    @BeforeAll
    static void start() throws Exception {
        cluster = new ScaleOutCluster();
        a = cluster.startInstance();
        b = cluster.startInstance();
        cluster.startNginx();
        JsonNode app = admin(
                cluster.nginxUrl(),
                "POST",
                "/apps",
                "{\"name\":\"cluster\",\"tier\":\"test\",\"redirect_uris\":[\"http://127.0.0.1/cb\"]}");
        appId = app.get("app_id").asText();
        JsonNode user = admin(
                cluster.nginxUrl(), "POST", "/users", "{\"name\":\"cluster-user\",\"password\":\"password-123\"}");
        token = admin(
                        cluster.nginxUrl(),
                        "POST",
                        "/tokens",
                        "{\"app_id\":\"" + appId + "\",\"user_id\":\""
                                + user.get("user_id").asText()
                                + "\",\"scopes\":[\"access_personal_files\",\"download_personal_files\",\"create_personal_files\"]}")
                .get("access_token")
                .asText();
    }

    @AfterAll
    static void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    static JsonNode admin(String base, String method, String path, String body) throws Exception {
        HttpResponse<String> r = HTTP.send(
                HttpRequest.newBuilder(URI.create(base + "/admin/v1" + path))
                        .header("Authorization", "Bearer " + ScaleOutCluster.ADMIN_TOKEN)
                        .header("Content-Type", "application/json")
                        .method(
                                method,
                                body == null
                                        ? HttpRequest.BodyPublishers.noBody()
                                        : HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        JsonNode n = JSON.readTree(r.body());
        assertThat(n.get("code").asInt()).as(r.body()).isZero();
        return n.get("data");
    }

    static String upload(String base, String name, byte[] content) throws IOException, InterruptedException {
        String boundary = "b0undary";
        byte[] head = ("--" + boundary + "\r\nContent-Disposition: form-data; name=\"path_from_root\"\r\n\r\ntrue\r\n--"
                        + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"" + name
                        + "\"\r\nContent-Type: application/octet-stream\r\n\r\n")
                .getBytes(StandardCharsets.UTF_8);
        byte[] tail = ("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8);
        byte[] body = new byte[head.length + content.length + tail.length];
        System.arraycopy(head, 0, body, 0, head.length);
        System.arraycopy(content, 0, body, head.length, content.length);
        System.arraycopy(tail, 0, body, head.length + content.length, tail.length);
        HttpResponse<String> r = HTTP.send(
                HttpRequest.newBuilder(URI.create(base + "/api/v1/openapi/personal/files/upload?access_token=" + token))
                        .timeout(Duration.ofSeconds(30))
                        .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                        .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        JsonNode n = JSON.readTree(r.body());
        if (r.statusCode() != 200 || n.get("code").asInt() != 0) {
            return null;
        }
        return n.get("data").get("id").get("open_id").asText();
    }

    static JsonNode download(String base, String fileToken) throws IOException, InterruptedException {
        HttpResponse<String> r = HTTP.send(
                HttpRequest.newBuilder(URI.create(base + "/api/v1/openapi/personal/files/" + fileToken
                                + "/download?access_token=" + token))
                        .timeout(Duration.ofSeconds(30))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        return JSON.readTree(r.body());
    }

    static byte[] get(String url) throws IOException, InterruptedException {
        HttpResponse<byte[]> r = HTTP.send(
                HttpRequest.newBuilder(URI.create(url))
                        .timeout(Duration.ofSeconds(30))
                        .build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(r.statusCode()).as(url).isEqualTo(200);
        return r.body();
    }

    @Test
    @Order(1)
    void uploadThroughOneDownloadThroughTheOther() throws Exception {
        byte[] content = "stored by A, served by B 你好".getBytes(StandardCharsets.UTF_8);
        String ft = upload(a.url(), "a-to-b.txt", content);
        assertThat(ft).isNotNull();
        JsonNode dl = download(b.url(), ft);
        assertThat(dl.get("code").asInt()).isZero();
        String url = dl.get("data").get("url").asText();
        assertThat(url).startsWith(cluster.nginxUrl() + "/dl/"); // --public-url: clients come back through nginx
        // a URL minted by B is served by A (shared ticket key, shared metadata, shared blobs) and through nginx
        assertThat(get(url.replace(cluster.nginxUrl(), a.url()))).isEqualTo(content);
        assertThat(get(url)).isEqualTo(content);
    }

    @Test
    @Order(2)
    void aQuotaOf600GivesExactly600SuccessesAcrossBothInstances() throws Exception {
        String ft = upload(cluster.nginxUrl(), "quota.txt", "q".getBytes(StandardCharsets.UTF_8));
        long usedBefore = used();
        // 600 more calls allowed today than already made (the first test downloaded once)
        admin(
                cluster.nginxUrl(),
                "PUT",
                "/quota",
                "{\"app_id\":\"" + appId + "\",\"endpoint\":\"" + DOWNLOAD + "\",\"limit\":" + (600 + usedBefore)
                        + "}");
        AtomicInteger ok = new AtomicInteger();
        AtomicInteger limited = new AtomicInteger();
        Map<Integer, AtomicInteger> other = new ConcurrentHashMap<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(16)) {
            List<Future<?>> fs = new ArrayList<>();
            for (int i = 0; i < 1000; i++) {
                fs.add(pool.submit(() -> {
                    JsonNode n = download(cluster.nginxUrl(), ft);
                    int code = n.get("code").asInt();
                    if (code == 0) {
                        ok.incrementAndGet();
                    } else if (code == 30002) {
                        limited.incrementAndGet();
                    } else {
                        other.computeIfAbsent(code, k -> new AtomicInteger()).incrementAndGet();
                    }
                    return null;
                }));
            }
            for (Future<?> f : fs) {
                f.get();
            }
        }
        assertThat(other).isEmpty();
        assertThat(ok.get()).isEqualTo(600);
        assertThat(limited.get()).isEqualTo(400);
        // both instances took part
        for (ScaleOutCluster.Instance i : List.of(a, b)) {
            String metrics = new String(get(i.url() + "/metrics"), StandardCharsets.UTF_8);
            assertThat(metrics).contains("route=\"/api/v1/openapi/personal/files/:file_token/download\"");
        }
        assertThat(used()).isEqualTo(usedBefore + 1000);
    }

    static long used() throws Exception {
        JsonNode usage = admin(b.url(), "GET", "/quota?app_id=" + appId, null);
        for (JsonNode e : usage.get("endpoints")) {
            if (e.get("endpoint").asText().equals(DOWNLOAD)) {
                return e.get("used").asLong();
            }
        }
        throw new AssertionError("no row for " + DOWNLOAD + ": " + usage);
    }

    @Test
    @Order(3)
    void killMinus9DuringLoadLosesNoAcknowledgedWriteAndTheSurvivorServes() throws Exception {
        admin(
                cluster.nginxUrl(),
                "PUT",
                "/quota",
                "{\"app_id\":\"" + appId + "\",\"endpoint\":\"" + DOWNLOAD + "\",\"limit\":\"unlimited\"}");
        admin(
                cluster.nginxUrl(),
                "PUT",
                "/quota",
                "{\"app_id\":\"" + appId
                        + "\",\"endpoint\":\"POST /api/v1/openapi/personal/files/upload\",\"limit\":\"unlimited\"}");
        Map<String, byte[]> acknowledged = new ConcurrentHashMap<>();
        AtomicInteger failures = new AtomicInteger();
        AtomicInteger afterKill = new AtomicInteger();
        AtomicBoolean killed = new AtomicBoolean();
        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger seq = new AtomicInteger();
        List<Thread> writers = new ArrayList<>();
        for (int w = 0; w < 8; w++) {
            writers.add(Thread.ofPlatform().start(() -> {
                while (!stop.get()) {
                    int n = seq.incrementAndGet();
                    byte[] content = ("payload " + n + " " + "x".repeat(n % 4000)).getBytes(StandardCharsets.UTF_8);
                    try {
                        String ft = upload(cluster.nginxUrl(), "kill-" + n + ".txt", content);
                        if (ft != null) {
                            acknowledged.put(ft, content);
                            if (killed.get()) {
                                afterKill.incrementAndGet();
                            }
                        } else {
                            failures.incrementAndGet();
                        }
                    } catch (IOException e) {
                        failures.incrementAndGet(); // connection cut mid-request: not acknowledged
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }));
        }
        // some writes are acknowledged before the kill
        await().atMost(Duration.ofSeconds(60)).until(() -> acknowledged.size() >= 5);
        int before = acknowledged.size();
        a.process().destroyForcibly(); // SIGKILL: no shutdown hook, no flush
        a.process().waitFor();
        killed.set(true);
        // and some after it, by the survivor (the writers keep going through nginx)
        await().atMost(Duration.ofSeconds(60)).until(() -> afterKill.get() >= 5);
        stop.set(true);
        for (Thread t : writers) {
            t.join();
        }
        assertThat(before).as("writes before the kill").isPositive();
        assertThat(afterKill.get()).as("the survivor keeps accepting writes").isPositive();
        // every acknowledged upload is there, byte for byte, served by the survivor (directly and through nginx)
        for (var e : acknowledged.entrySet()) {
            JsonNode dl = download(b.url(), e.getKey());
            assertThat(dl.get("code").asInt()).as("file " + e.getKey()).isZero();
            assertThat(dl.get("data").get("fsize").asLong()).isEqualTo(e.getValue().length);
            assertThat(get(dl.get("data").get("url").asText())).isEqualTo(e.getValue());
        }
        assertThat(ScaleOutCluster.ready(cluster.nginxUrl())).isTrue();
    }
}
