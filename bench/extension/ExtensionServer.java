import io.yundoc.server.ServerConfig;
import io.yundoc.server.YundocServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * bench/all.sh: the server of the JUnit extension (io.yundoc.testkit.YundocServerExtension) as its beforeAll starts
 * it: in process, dev mode, loopback, the same settings and the same default (no warm-up, or the milliseconds of
 * warmUp given), on a JVM with the test run's default flags (no ahead-of-time cache). Arguments: port, data dir, admin
 * token, and optionally milliseconds of warm-up (0: none).
 * Prints "ready" when a test would start (after the warm-up). Runs until killed.
 */
public final class ExtensionServer {
    public static void main(String[] args) throws InterruptedException {
        Duration warmUp = args.length > 3 ? Duration.ofMillis(Long.parseLong(args[3])) : Duration.ZERO;
        YundocServer s = YundocServer.start(ServerConfig.builder().port(Integer.parseInt(args[0])).bind("127.0.0.1")
                .dataDir(Path.of(args[1])).dev(true).adminToken(args[2]).cloudAllow(List.of("127.0.0.1/32"))
                .warmUp(warmUp).build());
        s.awaitWarmUp();
        System.out.println("ready on " + s.url());
        Thread.sleep(Long.MAX_VALUE);
    }
}
