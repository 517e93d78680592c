import io.yundoc.server.ServerConfig;
import io.yundoc.server.YundocServer;
import java.nio.file.Path;
import java.util.List;

/**
 * bench/all.sh: the server of the JUnit extension (io.yundoc.testkit.YundocServerExtension) as its beforeAll starts
 * it: in process, dev mode, loopback, the same settings, on a JVM with the test run's default flags (no ahead-of-time
 * cache). Arguments: port, data dir, admin token. Runs until killed.
 */
public final class ExtensionServer {
    public static void main(String[] args) throws InterruptedException {
        YundocServer s = YundocServer.start(ServerConfig.builder().port(Integer.parseInt(args[0])).bind("127.0.0.1")
                .dataDir(Path.of(args[1])).dev(true).adminToken(args[2]).cloudAllow(List.of("127.0.0.1/32")).build());
        System.out.println("listening on " + s.url());
        Thread.sleep(Long.MAX_VALUE);
    }
}
