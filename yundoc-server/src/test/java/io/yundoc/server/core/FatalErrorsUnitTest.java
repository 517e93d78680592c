package io.yundoc.server.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * A thread dying with an Error ends the process (non-zero status, one line), in a real child JVM; an exception does
 * not. The listener watchdog sees a closed listening socket and calls its action, and stays quiet once told the stop
 * is on purpose.
 */
// integration phase (Failsafe, mvn verify): child JVMs
@Tag("integration")
class FatalErrorsUnitTest {

    /** The child: installs the policy, lets a thread die with what args[0] names, then exits 0 if still alive. */
    public static final class Child {
        public static void main(String[] args) throws Exception {
            FatalErrors.install();
            Thread t = Thread.ofPlatform().name("worker").start(() -> {
                switch (args[0]) {
                    case "oom" -> throw new OutOfMemoryError("Java heap space");
                    case "linkage" -> throw new NoClassDefFoundError("io/example/Missing");
                    default -> throw new IllegalStateException("an ordinary failure");
                }
            });
            t.join();
            System.exit(0);
        }
    }

    record Run(int status, List<String> stderr) {}

    static Run run(String what) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-cp",
                        System.getProperty("java.class.path"),
                        Child.class.getName(),
                        what)
                .start();
        p.getOutputStream().close();
        byte[] err = p.getErrorStream().readAllBytes();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new Run(
                p.exitValue(), new String(err, StandardCharsets.UTF_8).lines().toList());
    }

    @Test
    void anErrorInAnyThreadEndsTheProcessWithOneLine() throws Exception {
        for (String what : List.of("oom", "linkage")) {
            Run r = run(what);
            assertThat(r.status()).as(what + ": " + r.stderr()).isEqualTo(FatalErrors.STATUS);
            assertThat(r.stderr()).as(what).hasSize(1);
            assertThat(r.stderr().get(0))
                    .startsWith("yundoc: fatal: thread worker died with java.lang.")
                    .contains(what.equals("oom") ? "OutOfMemoryError: Java heap space" : "NoClassDefFoundError");
        }
    }

    @Test
    void anExceptionKeepsTheDefaultHandling() throws Exception {
        Run r = run("exception");
        assertThat(r.status()).as(r.stderr().toString()).isZero();
        assertThat(String.join("\n", r.stderr()))
                .contains("IllegalStateException: an ordinary failure")
                .doesNotContain("yundoc: fatal");
    }

    @Test
    void theWatchdogActsWhenTheListeningSocketCloses() throws Exception {
        CountDownLatch dead = new CountDownLatch(1);
        ServerSocket socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        try (ListenerWatchdog w = new ListenerWatchdog("0.0.0.0", socket.getLocalPort(), 100, dead::countDown)) {
            assertThat(w.listening()).isTrue();
            assertThat(dead.await(500, TimeUnit.MILLISECONDS))
                    .as("quiet while the socket listens")
                    .isFalse();
            socket.close();
            assertThat(w.listening()).isFalse();
            assertThat(dead.await(5, TimeUnit.SECONDS))
                    .as("acts once it is gone")
                    .isTrue();
        }
    }

    @Test
    void theWatchdogIsQuietAfterAPlannedStop() throws Exception {
        CountDownLatch dead = new CountDownLatch(1);
        ServerSocket socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        ListenerWatchdog w = new ListenerWatchdog("127.0.0.1", socket.getLocalPort(), 100, dead::countDown);
        w.close();
        socket.close();
        assertThat(dead.await(800, TimeUnit.MILLISECONDS)).isFalse();
    }
}
