package io.yundoc.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.yundoc.server.core.DataDirLock;
import io.yundoc.server.migrate.Migrator;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One server per embedded data dir: its rows are cached and its quota counts kept in that one process. (In this
 * package, above the capability slices, because it drives both {@code core} and {@code migrate}.)
 */
class DataDirLockTest {
    @TempDir
    Path dir;

    @Test
    void theLockIsExclusiveUntilReleased() throws Exception {
        Path data = Files.createDirectories(dir.resolve("data"));
        DataDirLock first = DataDirLock.acquire(data);
        assertThatThrownBy(() -> DataDirLock.acquire(data))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("another yundoc server is using the data dir");
        first.close();
        DataDirLock.acquire(data).close();
    }

    /** An embedded-mode configuration on its own data dir under the test's temp dir. */
    private ServerConfig embedded(String name) {
        return ServerConfig.builder()
                .port(0)
                .bind("127.0.0.1")
                .dataDir(dir.resolve(name))
                .adminToken("lock-test-admin")
                .build();
    }

    @Test
    void aSecondServerOnTheSameDataDirIsRefusedAndTheFirstKeepsServing() throws Exception {
        ServerConfig cfg = embedded("embedded");
        YundocServer first = YundocServer.start(cfg);
        try {
            assertThatThrownBy(() -> YundocServer.start(cfg))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("another yundoc server is using the data dir")
                    .hasMessageContaining("--data");
            HttpResponse<String> health = HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(URI.create(first.url() + "/health"))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            assertThat(health.statusCode()).isEqualTo(200);
        } finally {
            first.close();
        }
        // released at close: the data dir can be served again
        YundocServer again = YundocServer.start(cfg);
        again.close();
    }

    @Test
    @Tag("integration") // PostgreSQL: integration phase (Failsafe)
    void aMigrationRefusesADataDirAServerIsStillWriting() throws Exception {
        ServerConfig cfg = embedded("busy");
        YundocServer running = YundocServer.start(cfg);
        try {
            String target = ScaleOutBackends.jdbcUrl(ScaleOutBackends.newSchema());
            var migrator = new Migrator(cfg.dataDir(), target, null, new PrintStream(OutputStream.nullOutputStream()));
            assertThatThrownBy(migrator::run)
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("another yundoc server is using the data dir");
        } finally {
            running.close();
        }
    }
}
