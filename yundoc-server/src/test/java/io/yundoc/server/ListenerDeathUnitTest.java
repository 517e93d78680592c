package io.yundoc.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.yundoc.server.core.FatalErrors;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.reflect.Field;
import java.nio.channels.ServerSocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * A server whose listener dies (here: Helidon's server socket closed under it, which ends Helidon's accept loop the
 * way an Error in it does) does not live on with its port closed: the process ends with a non-zero status and one
 * line, so a supervisor restarts it. Runs the server in a child JVM, since the process is what ends.
 */
// integration phase (Failsafe, mvn verify): a child JVM the watchdog must end
@Tag("integration")
class ListenerDeathUnitTest {

    /** The child: a yundoc server, then its listening socket closed behind its back (reaching into Helidon). */
    public static final class Child {
        public static void main(String[] args) throws Exception {
            Path data = Files.createTempDirectory("yundoc-listener-death");
            YundocServer s = YundocServer.start(ServerConfig.builder()
                    .port(0)
                    .bind("127.0.0.1")
                    .dataDir(data)
                    .adminToken("t")
                    .build());
            Object web = field(s, "web");
            Map<?, ?> listeners = (Map<?, ?>) field(web, "listeners");
            for (Object listener : listeners.values()) {
                ((ServerSocketChannel) field(listener, "serverSocket")).close();
            }
            System.out.println("listener closed");
            System.out.flush();
            Thread.sleep(TimeUnit.MINUTES.toMillis(2)); // the watchdog must end us before this
            System.exit(0);
        }

        static Object field(Object o, String name) throws ReflectiveOperationException {
            for (Class<?> c = o.getClass(); c != null; c = c.getSuperclass()) {
                try {
                    Field f = c.getDeclaredField(name);
                    f.setAccessible(true);
                    return f.get(o);
                } catch (NoSuchFieldException e) {
                    // look in the superclass
                }
            }
            throw new NoSuchFieldException(name);
        }
    }

    @Test
    void aServerWhoseListenerDiesEndsItsProcess() throws Exception {
        Process p = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "--add-opens",
                        "java.base/java.lang=ALL-UNNAMED",
                        "-cp",
                        System.getProperty("java.class.path"),
                        Child.class.getName())
                .start();
        p.getOutputStream().close();
        var stdout = Thread.ofVirtual().start(() -> {
            try {
                p.getInputStream().transferTo(OutputStream.nullOutputStream());
            } catch (IOException ignored) {
                // ended
            }
        });
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(90, TimeUnit.SECONDS)).as(err).isTrue();
        stdout.join();
        assertThat(p.exitValue()).as(err).isEqualTo(FatalErrors.STATUS);
        List<String> fatal =
                err.lines().filter(l -> l.startsWith("yundoc: fatal:")).toList();
        assertThat(fatal).as(err).hasSize(1);
        assertThat(fatal.get(0))
                .matches("yundoc: fatal: the listener on port \\d+ stopped accepting connections; exiting .*");
    }
}
