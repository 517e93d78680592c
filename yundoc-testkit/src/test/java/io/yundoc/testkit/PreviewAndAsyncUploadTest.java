package io.yundoc.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import io.yundoc.client.AnonymousPreview;
import io.yundoc.client.AppSpace;
import io.yundoc.client.YundocClient;
import io.yundoc.client.YundocException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The SDK's anonymous preview (api-families.md §F4) and app-space async upload (§F5) against a dev-mode server. */
class PreviewAndAsyncUploadTest {
    static final byte[] CONTENT = "sdk bytes 字节\n".repeat(100).getBytes(StandardCharsets.UTF_8);

    @RegisterExtension
    static YundocServerExtension ext = YundocServerExtension.builder()
            .configure(b -> b.cloudAllow(List.of("127.0.0.1/32")))
            .build();

    static HttpServer remote;
    static String origin;

    YundocEmulator emulator;

    @BeforeAll
    static void start() throws IOException {
        remote = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        remote.createContext("/notes.txt", ex -> {
            ex.sendResponseHeaders(200, CONTENT.length);
            try (OutputStream o = ex.getResponseBody()) {
                o.write(CONTENT);
            }
        });
        remote.start();
        origin = "http://127.0.0.1:" + remote.getAddress().getPort();
    }

    @AfterAll
    static void stop() {
        remote.stop(0);
    }

    static int status(String url) throws Exception {
        return HttpClient.newHttpClient()
                .send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.discarding())
                .statusCode();
    }

    @Test
    void anonymousPreviewTokensRefreshAndCancel() throws Exception {
        YundocEmulator.App app = emulator.createApp(Map.of("anonymous_preview", true));
        YundocClient client = emulator.client(app, null, b -> {});
        String ft = client.appSpace().upload("preview.txt", CONTENT, null, null).fileToken();
        AnonymousPreview.Task task = client.anonymousPreview().appFile(ft, true);
        assertThat(task.token()).matches("AnonToken-[a-z]{32}");
        assertThat(task.timeout()).isPositive().isLessThanOrEqualTo(86_400_000L);
        assertThat(status(task.url())).isEqualTo(200);
        assertThat(client.anonymousPreview().task(task.taskId()).token()).isEqualTo(task.token());

        AnonymousPreview.Task fresh = client.anonymousPreview().refresh(task.token());
        assertThat(fresh.token()).isNotEqualTo(task.token());
        assertThat(status(task.url())).isEqualTo(404);
        assertThat(status(fresh.url())).isEqualTo(200);
        client.anonymousPreview().cancel(fresh.token());
        assertThat(status(fresh.url())).isEqualTo(404);
        assertThatThrownBy(() -> client.anonymousPreview().refresh(fresh.token()))
                .isInstanceOfSatisfying(
                        YundocException.class, e -> assertThat(e.code()).isEqualTo(10001));

        AnonymousPreview.Task up = client.anonymousPreview().upload("up.txt", CONTENT, false);
        assertThat(status(up.url())).isEqualTo(200);
        AnonymousPreview.Task byUrl = client.anonymousPreview().fromUrl(origin + "/notes.txt", "remote.txt", false);
        assertThat(status(byUrl.url())).isEqualTo(200);

        YundocClient off = emulator.client(emulator.createApp(), null, b -> {});
        assertThatThrownBy(() -> off.anonymousPreview().upload("x.txt", CONTENT, false))
                .isInstanceOfSatisfying(
                        YundocException.class, e -> assertThat(e.code()).isEqualTo(10003));
    }

    @Test
    void asyncUploadFromAUrl() {
        YundocClient client = emulator.client(emulator.createApp(), null, b -> {});
        String task = client.appSpace().uploadFromUrl(origin + "/notes.txt", "notes.txt", null, "sdk");
        AppSpace.UploadTask done = client.appSpace().awaitUpload(task, Duration.ofMillis(100), Duration.ofSeconds(60));
        assertThat(done.status()).as(String.valueOf(done)).isEqualTo("success");
        assertThat(client.appSpace().info(done.fileToken()).size()).isEqualTo(CONTENT.length);

        String missing = client.appSpace().uploadFromUrl(origin + "/none", "none.txt", null, null);
        AppSpace.UploadTask failed =
                client.appSpace().awaitUpload(missing, Duration.ofMillis(100), Duration.ofSeconds(60));
        assertThat(failed.status()).isEqualTo("failure");
        assertThat(failed.error().code()).isEqualTo(30009);
        assertThat(failed.error().msg()).isEqualTo("DownloadFail");
    }
}
