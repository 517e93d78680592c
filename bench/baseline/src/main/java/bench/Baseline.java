package bench;

import io.helidon.common.media.type.MediaTypes;
import io.helidon.webserver.WebServer;
import java.nio.charset.StandardCharsets;

/**
 * The "bare Helidon route" baseline: one route, GET /hello, answering a fixed JSON envelope.
 * Usage: java -cp target/baseline.jar:target/lib/* bench.Baseline PORT
 */
public final class Baseline {
    private static final byte[] BODY = "{\"code\":0,\"data\":{\"hello\":\"world\"}}".getBytes(StandardCharsets.UTF_8);

    private Baseline() {
    }

    public static void main(String[] args) {
        int port = args.length > 0 ? Integer.parseInt(args[0]) : 8081;
        WebServer server = WebServer.builder()
                .host("127.0.0.1")
                .port(port)
                .routing(r -> r.get("/hello", (req, res) -> {
                    res.headers().contentType(MediaTypes.APPLICATION_JSON);
                    res.send(BODY);
                }))
                .build()
                .start();
        System.out.println("baseline listening on http://127.0.0.1:" + server.port());
    }
}
