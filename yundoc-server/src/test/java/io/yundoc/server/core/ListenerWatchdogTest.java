package io.yundoc.server.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** {@code /health}'s listener check probes the port at most about once a second, and never remembers a refusal. */
class ListenerWatchdogTest {

    @Test
    void healthChecksShareOneProbeASecondAndSeeADeadListenerWithinASecond() throws Exception {
        AtomicInteger accepted = new AtomicInteger();
        ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread acceptor = Thread.ofPlatform().daemon().start(() -> {
            while (!server.isClosed()) {
                try (Socket s = server.accept()) {
                    accepted.incrementAndGet();
                } catch (IOException e) {
                    return; // closed
                }
            }
        });
        // a period far longer than the test: only the calls below probe
        try (ListenerWatchdog w = new ListenerWatchdog("127.0.0.1", server.getLocalPort(), 3_600_000, () -> {})) {
            long started = System.nanoTime();
            for (int i = 0; i < 200; i++) {
                assertThat(w.listeningRecently()).isTrue();
            }
            long seconds = Duration.ofNanos(System.nanoTime() - started).toSeconds();
            await().atMost(Duration.ofSeconds(5)).until(() -> accepted.get() >= 1);
            assertThat(accepted.get())
                    .as("probes for 200 checks in %d s", seconds)
                    .isLessThanOrEqualTo(1 + (int) seconds);

            server.close();
            acceptor.join(5_000);
            assertThat(w.listening())
                    .as("the raw probe sees the refusal at once")
                    .isFalse();
            // the last accepting probe was at most a second ago: DOWN within about a second, and it stays DOWN
            await().atMost(Duration.ofSeconds(3)).until(() -> !w.listeningRecently());
            assertThat(w.listeningRecently()).isFalse();
        }
    }
}
