package io.yundoc.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.stream.Collectors;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A start that fails says why in one line ({@link StartupException}) and leaves nothing running: the pools, threads
 * and the data dir lock it took before the failure are released, so the process can exit and the data dir be
 * served again. (The CLI side, exit status and stderr, is yundoc-cli's StartupFailureTest.)
 */
class FailedStartTest {
    @TempDir
    Path dir;

    private ServerConfig.Builder embedded(Path data) {
        return ServerConfig.builder().port(0).bind("127.0.0.1").dataDir(data).adminToken("failed-start-admin");
    }

    /** Threads alive now that this class's server starts would own (database pool, indexer, collectors). */
    private static Set<String> serverThreads(Set<Long> before) {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive() && !before.contains(t.threadId()))
                .map(Thread::getName)
                .filter(n -> n.startsWith("yundoc") || n.contains("Hikari") || n.contains("hikari"))
                .collect(Collectors.toSet());
    }

    @Test
    void aFailureAfterStorageOpenedClosesEverythingItOpened() throws Exception {
        Path data = dir.resolve("data");
        // fixtures are read after the database, blob store, quota counter, indexer and collector exist
        Path fixtures = Files.writeString(dir.resolve("fixtures.json"), "{ not json");
        Set<Long> before = Thread.getAllStackTraces().keySet().stream()
                .map(Thread::threadId)
                .collect(Collectors.toSet());
        assertThatThrownBy(() -> YundocServer.start(
                        embedded(data).dev(true).fixtures(fixtures).build()))
                .isNotNull();
        Awaitility.await()
                .atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(serverThreads(before)).isEmpty());
        // the lock went too: the same data dir starts
        YundocServer.start(embedded(data).build()).close();
    }

    @Test
    void aPortInUseIsOneLineAndTouchesNothing() throws Exception {
        Path data = dir.resolve("untouched");
        try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            int port = taken.getLocalPort();
            assertThatThrownBy(
                            () -> YundocServer.start(embedded(data).port(port).build()))
                    .isInstanceOf(StartupException.class)
                    .hasMessage("port " + port + " is in use; try --port");
        }
        assertThat(data).doesNotExist();
    }

    @Test
    void aDataDirBelowAFileIsNotWritable() throws Exception {
        Path file = Files.writeString(dir.resolve("a-file"), "x");
        assertThatThrownBy(
                        () -> YundocServer.start(embedded(file.resolve("data")).build()))
                .isInstanceOf(StartupException.class)
                .hasMessage("data dir " + file.resolve("data") + " is not writable: " + file
                        + " exists and is not a directory");
    }

    @Test
    void anAddressThatCannotBeBoundIsOneLineNamingIt() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        int free = port;
        assertThatThrownBy(() -> YundocServer.start(embedded(dir.resolve("bind"))
                        .bind("no-such-host.invalid")
                        .port(free)
                        .build()))
                .isInstanceOf(StartupException.class)
                .hasMessageStartingWith("cannot listen on no-such-host.invalid:" + free + ": ")
                .hasMessageEndingWith("; try --port or --bind")
                .hasMessageNotContaining("null");
    }
}
