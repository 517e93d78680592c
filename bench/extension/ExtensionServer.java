import io.yundoc.server.ServerConfig;
import io.yundoc.server.YundocServer;
import java.nio.file.Path;
import java.util.List;

/**
 * bench/all.sh: the server of the JUnit extension (io.yundoc.testkit.YundocServerExtension) as its beforeAll starts
 * it: in process, dev mode, loopback, the same settings, on a JVM with the test run's default flags (no ahead-of-time
 * cache). Arguments: port, data dir, admin token, and optionally seconds of {@code YundocServerExtension.Builder.warmUp}.
 * Prints "ready" when a test would start (after the warm-up). Runs until killed.
 */
public final class ExtensionServer {
    public static void main(String[] args) throws InterruptedException {
        YundocServer s = YundocServer.start(ServerConfig.builder().port(Integer.parseInt(args[0])).bind("127.0.0.1")
                .dataDir(Path.of(args[1])).dev(true).adminToken(args[2]).cloudAllow(List.of("127.0.0.1/32")).build());
        if (args.length > 3 && Integer.parseInt(args[3]) > 0) {
            try {
                io.yundoc.server.Training.run(s, java.time.Duration.ofSeconds(Integer.parseInt(args[3])), 8);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
        System.out.println("ready on " + s.url());
        Thread.sleep(Long.MAX_VALUE);
    }
}
