package io.yundoc.testcontainers;

import static io.yundoc.testcontainers.Podman.podman;
import static io.yundoc.testcontainers.Podman.podmanExit;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.yundoc.client.Placement;
import io.yundoc.client.YundocClient;
import io.yundoc.client.YundocException;
import io.yundoc.protocol.wire.FileItem;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The image as an operator uses it, through podman alone: its metadata, a server on a mapped port that serves the
 * API, a restart on the same volume that finds the data, and a start without any network.
 */
// integration phase (Failsafe, mvn verify): podman
@Tag("integration")
class ContainerImageTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final List<String> CONTAINERS = new ArrayList<>();
    private static String image;
    private static String volume;

    @BeforeAll
    static void build() {
        image = Podman.image();
        volume = "yundoc-imagetest-" + ProcessHandle.current().pid();
        podman("volume", "create", volume);
    }

    @AfterAll
    static void cleanUp() {
        CONTAINERS.forEach(c -> podmanExit("rm", "-f", "-v", "-t", "2", c)); // -v: the anonymous /data volumes too
        if (volume != null) {
            podmanExit("volume", "rm", "-f", volume);
        }
    }

    @Test
    void imageDeclaresItsUserVolumePortAndHealthCheck() throws IOException {
        JsonNode inspect = JSON.readTree(String.join("\n", podman("image", "inspect", image)))
                .get(0);
        JsonNode config = inspect.get("Config");
        assertThat(config.get("User").asText()).isEqualTo("yundoc");
        assertThat(config.get("ExposedPorts").has("8080/tcp")).isTrue();
        assertThat(config.get("Volumes").has("/data")).isTrue();
        assertThat(config.get("Env").toString()).contains("YUNDOC_BIND=0.0.0.0", "YUNDOC_DATA=/data");
        assertThat(inspect.get("Healthcheck").get("Test").toString()).contains("yundoc-healthcheck");
        // the jlink'ed JRE carries only what the app needs: no compiler, no jshell
        List<String> modules = podman(
                "run",
                "--rm",
                "--network",
                "none",
                "--entrypoint",
                "/opt/yundoc/jre/bin/java",
                image,
                "--list-modules");
        assertThat(modules)
                .anyMatch(m -> m.startsWith("java.sql@"))
                .anyMatch(m -> m.startsWith("jdk.crypto.ec@"))
                .noneMatch(m -> m.startsWith("jdk.compiler@"))
                .noneMatch(m -> m.startsWith("jdk.jshell@"));
    }

    @Test
    void servesTheApiAndKeepsItsDataOnTheVolumeAcrossContainers(@TempDir Path tmp) throws Exception {
        // first container: operator mode, admin token generated into the volume, a YUNDOC_* variable honoured
        String first = start("-e", "YUNDOC_MAX_UPLOAD=1KiB");
        String url = url(first);
        assertThat(podman("exec", first, "id", "-u")).containsExactly("10001");
        assertThat(podmanExit("healthcheck", "run", first))
                .as("HEALTHCHECK on /health")
                .isZero();
        String admin = podman("exec", first, "cat", "/data/admin.token").getFirst();
        assertThat(admin).hasSizeGreaterThan(20);

        JsonNode app = admin(url, admin, "/apps", "{\"name\":\"image test\",\"tier\":\"test\"}");
        String user = admin(url, admin, "/users", "{\"name\":\"imageuser\",\"password\":\"a-long-password-1\"}")
                .get("user_id")
                .asText();
        String token = admin(
                        url,
                        admin,
                        "/tokens",
                        "{\"app_id\":\"" + app.get("app_id").asText() + "\",\"user_id\":\"" + user
                                + "\",\"scopes\":[\"access_personal_files\",\"download_personal_files\",\"create_personal_files\"]}")
                .get("access_token")
                .asText();
        byte[] content = "hello from the yundoc image, 你好\n".getBytes(StandardCharsets.UTF_8);
        String fileToken;
        try (YundocClient client = client(url, token)) {
            FileItem item = client.personal().upload("hello.txt", content, Placement.appFolder());
            fileToken = item.id().openId();
            assertThat(Files.readAllBytes(
                            client.download(fileToken, tmp.resolve("a.txt")).path()))
                    .isEqualTo(content);
            // YUNDOC_MAX_UPLOAD=1KiB reached the server: a 2 KiB upload is refused with 30008
            assertThatThrownBy(() -> client.personal().upload("big.bin", new byte[2048], Placement.appFolder()))
                    .isInstanceOfSatisfying(
                            YundocException.class, e -> assertThat(e.code()).isEqualTo(30008));
        }
        HttpResponse<String> metrics = get(url + "/metrics");
        assertThat(metrics.statusCode()).isEqualTo(200);
        // the request timers, and the JDBC pool's gauges (java.sql, java.management in the JRE)
        assertThat(metrics.body()).contains("yundoc_http_requests").contains("hikaricp_connections");
        assertThat(get(url + "/openapi").statusCode()).isEqualTo(200);
        podman("stop", "-t", "20", first);
        // the JVM is PID 1 and stopped on SIGTERM itself (143), rather than being killed when the 20 s ran out (137)
        assertThat(podman("inspect", "--format", "{{.State.ExitCode}}", first)).containsExactly("143");
        podman("rm", first);
        CONTAINERS.remove(first);

        // second container on the same volume: same admin token, same file, same access token
        String second = start();
        String url2 = url(second);
        assertThat(podman("exec", second, "cat", "/data/admin.token").getFirst())
                .isEqualTo(admin);
        try (YundocClient client = client(url2, token)) {
            assertThat(Files.readAllBytes(
                            client.download(fileToken, tmp.resolve("b.txt")).path()))
                    .isEqualTo(content);
        }
    }

    @Test
    void startsWithoutAnyNetwork() {
        String c = "yundoc-imagetest-nonet-" + System.nanoTime();
        CONTAINERS.add(c);
        podman("run", "-d", "--name", c, "--network", "none", image, "--dev");
        await("healthy without a network")
                .atMost(Duration.ofMinutes(2))
                .pollInterval(Duration.ofSeconds(1))
                .until(() -> podmanExit("healthcheck", "run", c) == 0);
    }

    private static String start(String... extra) {
        String name = "yundoc-imagetest-" + System.nanoTime();
        List<String> args =
                new ArrayList<>(List.of("run", "-d", "--name", name, "-p", "127.0.0.1::8080", "-v", volume + ":/data"));
        args.addAll(List.of(extra));
        args.add(image);
        CONTAINERS.add(name);
        podman(args.toArray(String[]::new));
        String url = url(name);
        await("yundoc in " + name + " healthy")
                .atMost(Duration.ofMinutes(2))
                .pollInterval(Duration.ofMillis(500))
                .ignoreExceptions()
                .until(() -> get(url + "/health").statusCode() == 200);
        return name;
    }

    private static String url(String container) {
        return "http://" + podman("port", container, "8080/tcp").getFirst().trim();
    }

    private static YundocClient client(String url, String accessToken) {
        return YundocClient.builder()
                .baseUrl(url)
                .accessToken(accessToken)
                .maxRetries(0)
                .build();
    }

    private static HttpResponse<String> get(String url) throws IOException, InterruptedException {
        return HTTP.send(
                HttpRequest.newBuilder(URI.create(url))
                        .timeout(Duration.ofSeconds(10))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode admin(String url, String token, String path, String body)
            throws IOException, InterruptedException {
        HttpResponse<String> r = HTTP.send(
                HttpRequest.newBuilder(URI.create(url + "/admin/v1" + path))
                        .header("Authorization", "Bearer " + token)
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        JsonNode n = JSON.readTree(r.body());
        assertThat(n.path("code").asInt(-1)).as(r.body()).isZero();
        return n.get("data");
    }
}
