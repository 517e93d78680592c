package io.yundoc.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.yundoc.client.FileTokenStore;
import io.yundoc.testkit.YundocEmulator;
import io.yundoc.testkit.YundocServerExtension;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a person sees when the server cannot be reached, the --server value is wrong or the saved login has expired,
 * and {@code yundoc wait}.
 */
@ExtendWith(YundocServerExtension.class)
class CliNetworkErrorsTest {
    YundocEmulator yundoc;

    @TempDir
    Path tmp;

    /** A loopback port nothing listens on (bound, then released). */
    static int closedPort() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    @Test
    void aRefusedConnectionNamesTheServerAndTheFlag() throws Exception {
        String server = "http://127.0.0.1:" + closedPort();
        Cli.Result r = Cli.raw("ls", "--server", server, "--access-token", "whatever", "--config-dir", tmp.toString());
        assertThat(r.exit()).as(r.toString()).isEqualTo(Main.EXIT_IO);
        assertThat(r.err().strip())
                .isEqualTo("yundoc: connection refused to " + server + " — is yundoc running? see --server");
    }

    @Test
    void anUnknownHostSaysSo() {
        Cli.Result r = Cli.raw(
                "ls",
                "--server",
                "http://no-such-host.invalid:8080",
                "--access-token",
                "x",
                "--config-dir",
                tmp.toString());
        assertThat(r.exit()).as(r.toString()).isEqualTo(Main.EXIT_IO);
        assertThat(r.err())
                .contains("http://no-such-host.invalid:8080")
                .contains("see --server")
                .doesNotContain("Exception");
    }

    @Test
    void aMalformedServerIsAUsageError() {
        for (String bad : new String[] {"127.0.0.1:8080", "ftp://127.0.0.1", "http://", "http://exa mple.com"}) {
            Cli.Result r = Cli.raw("ls", "--server", bad, "--access-token", "x", "--config-dir", tmp.toString());
            assertThat(r.exit()).as(bad + "\n" + r).isEqualTo(Main.EXIT_USAGE);
            assertThat(r.err())
                    .as(bad)
                    .startsWith("yundoc: malformed --server '" + bad + "'")
                    .contains("expected http://host:port");
        }
        Cli.Result w = Cli.raw("wait", "--server", "localhost:8080", "--timeout", "1s");
        assertThat(w.exit()).as(w.toString()).isEqualTo(Main.EXIT_USAGE);
    }

    @Test
    void anExpiredLoginSaysToLogInAgain() throws Exception {
        YundocEmulator.App app = yundoc.createApp();
        YundocEmulator.User user = yundoc.createUser(app);
        Path config = tmp.resolve("config");
        ClientOptions o = new ClientOptions();
        o.configDir = config;
        o.saveConfig(yundoc.url(), app.appId(), app.appKey());
        new FileTokenStore(o.tokensFile()).save(user.tokens());
        assertThat(Cli.raw("ls", "--config-dir", config.toString()).exit()).isZero();

        // past the refresh token's 90 days: the access token is refused (20007) and so is its refresh (20001)
        yundoc.advanceClock(Duration.ofDays(91));
        Cli.Result r = Cli.raw("ls", "--config-dir", config.toString());
        assertThat(r.exit()).as(r.toString()).isEqualTo(Main.EXIT_AUTH);
        assertThat(r.err()).startsWith("yundoc: 20001").contains("run yundoc login");
        assertThat(r.err().lines().count()).isEqualTo(1);
    }

    @Test
    void waitReturnsOnceHealthyAndFailsWithOneLineAfterItsTimeout() throws Exception {
        Cli.Result ok = Cli.raw("wait", "--server", yundoc.url(), "--timeout", "10s");
        assertThat(ok.exit()).as(ok.toString()).isZero();
        assertThat(ok.out()).contains(yundoc.url()).contains("healthy");

        // a server that is up but not yet ready (503, as yundoc answers while it starts or drains) is waited for
        HttpServer starting = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        AtomicInteger polls = new AtomicInteger();
        starting.createContext("/health", ex -> {
            ex.sendResponseHeaders(polls.incrementAndGet() < 3 ? 503 : 200, -1);
            ex.close();
        });
        starting.start();
        try {
            Cli.Result later = Cli.raw(
                    "wait",
                    "--server",
                    "http://127.0.0.1:" + starting.getAddress().getPort(),
                    "--timeout",
                    "20s");
            assertThat(later.exit()).as(later.toString()).isZero();
            assertThat(polls.get()).isEqualTo(3);
        } finally {
            starting.stop(0);
        }

        String server = "http://127.0.0.1:" + closedPort();
        long started = System.nanoTime();
        Cli.Result late = Cli.raw("wait", "--server", server, "--timeout", "1s");
        assertThat(Duration.ofNanos(System.nanoTime() - started))
                .isBetween(Duration.ofMillis(900), Duration.ofSeconds(10));
        assertThat(late.exit()).as(late.toString()).isEqualTo(1);
        assertThat(late.err().lines().toList()).hasSize(1);
        assertThat(late.err())
                .startsWith("yundoc: " + server + "/health not healthy after 1s")
                .contains("connection refused to " + server);
    }
}
