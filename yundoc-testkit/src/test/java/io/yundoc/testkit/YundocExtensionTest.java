package io.yundoc.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.yundoc.client.AppFolder;
import io.yundoc.client.ListOptions;
import io.yundoc.client.Placement;
import io.yundoc.client.YundocClient;
import io.yundoc.server.ServerConfig;
import io.yundoc.server.YundocServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@link YundocExtension} against a yundoc it did not start (here a server in this JVM, reached only over HTTP as a
 * container would be): injection, a working client, WPS-2 after the clock moved, reset before each test, and a
 * server that outlives the extension.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class YundocExtensionTest {
    static final Path DATA = tempDir();
    static final YundocServer SERVER = YundocServer.start(ServerConfig.builder()
            .port(0)
            .bind("127.0.0.1")
            .dataDir(DATA)
            .dev(true)
            .adminToken("remote-admin-token")
            .build());

    @RegisterExtension
    static YundocExtension yundoc = YundocExtension.builder()
            .url(SERVER.url() + "/")
            .adminToken("remote-admin-token")
            .build();

    YundocClient client;

    static Path tempDir() {
        try {
            return Files.createTempDirectory("yundoc-remote");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @AfterAll
    static void stopServer() {
        SERVER.close();
    }

    @Test
    @Order(1)
    void injectsAClientForTheRunningServer(YundocEmulator e) {
        assertThat(client).isSameAs(yundoc.client());
        assertThat(e.url()).isEqualTo(SERVER.url());
        assertThat(e.dataDir()).isNull();
        assertThat(client.personal()
                        .upload("a.txt", "hello".getBytes(StandardCharsets.UTF_8), Placement.root())
                        .fname())
                .isEqualTo("a.txt");
        assertThat(e.hasRoute("GET", "/api/v1/openapi/appspace/files/:file_token/download"))
                .isTrue();
        assertThat(e.hasRoute("GET", "/api/v1/openapi/no/such/route")).isFalse();

        // the remote clock follows the server's: WPS-2 dates stay inside the 15-minute window after a move
        e.advanceClock(Duration.ofHours(2));
        assertThat(Duration.between(SERVER.clock().instant(), e.clock().instant())
                        .abs())
                .isLessThan(Duration.ofSeconds(5));
        assertThat(client.appSpace()
                        .create("after-move", AppFolder.root(), "tester")
                        .fileToken())
                .isNotBlank();
        e.addFault(Fault.on("GET /api/v1/openapi/personal/files").code(30010));
    }

    @Test
    @Order(2)
    void resetsFaultsAndClockBeforeEachTest(YundocEmulator e) {
        assertThat(SERVER.clock().offsetMillis()).isZero();
        assertThat(e.admin("GET", "/faults", null).path("faults").size()).isZero();
        assertThat(Duration.between(Instant.now(), e.clock().instant()).abs()).isLessThan(Duration.ofSeconds(5));
        assertThat(client.personal().list(ListOptions.builder().build()).files())
                .isNotNull();
    }

    @Test
    void badConnectionSettingsAreClearErrors() {
        assertThatThrownBy(() -> YundocEmulator.connect("127.0.0.1:8080", "t"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("http://");
        YundocEmulator wrongToken = YundocEmulator.connect(SERVER.url(), "not-the-token");
        assertThatThrownBy(() -> wrongToken.admin("GET", "/clock", null))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("HTTP 401");
        wrongToken.close();
        // closing a connected emulator leaves the server running
        assertThat(yundoc.emulator().admin("GET", "/clock", null).has("now")).isTrue();
    }
}
