package io.yundoc.testkit;

import io.yundoc.server.ServerConfig;
import io.yundoc.server.YundocServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * JUnit 5 extension: before the test class, an in-process yundoc in dev mode on a free port with a fresh data dir;
 * after it, the server stops and the data dir is deleted. Test parameters and fields of type
 * {@link io.yundoc.client.YundocClient} (a client for a fresh test app and a user holding every scope, with a refresh
 * token), {@link YundocEmulator} (the emulator controls) and {@link YundocServer} are injected. Before each test,
 * faults are cleared and the emulator clock goes back to the real time (opt out with {@link YundocIsolation} or
 * {@link Builder#resetBeforeEach(boolean)}).
 *
 * <p>The cost of running in-process: Java 21 or newer, and {@code io.yundoc:yundoc-server} with all of its
 * dependencies (Helidon, SQLite, Flyway, Jdbi, Tika, the AWS SDK, ...) on the test classpath, where their versions can
 * meet the application's own. {@link YundocExtension} against a container avoids both.
 *
 * <pre>{@code
 * @ExtendWith(YundocServerExtension.class)
 * class MyTest {
 *     @Test
 *     void uploads(YundocClient client, YundocEmulator yundoc) { ... }
 * }
 * }</pre>
 *
 * or, to configure the server: {@code @RegisterExtension static YundocServerExtension yundoc =
 * YundocServerExtension.builder().seed(42).build();}
 */
public final class YundocServerExtension extends EmulatorExtension {
    private final Consumer<ServerConfig.Builder> customize;
    private final Duration warmUp;
    private YundocServer server;

    /** The default: dev mode, free port, fresh data dir. */
    public YundocServerExtension() {
        this(b -> {}, null, null);
    }

    private YundocServerExtension(Consumer<ServerConfig.Builder> customize, Boolean resetBeforeEach, Duration warmUp) {
        super(resetBeforeEach);
        this.customize = customize;
        this.warmUp = warmUp;
    }

    /**
     * Configures the server the extension starts.
     *
     * @return a builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The running server.
     *
     * @return the server between beforeAll and afterAll, else null
     */
    public YundocServer server() {
        return emulator() == null ? null : server;
    }

    @Override
    YundocEmulator open(ExtensionContext context) {
        Path data;
        try {
            data = Files.createTempDirectory("yundoc-testkit");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        // loopback is admitted so WebhookReceiver can take deliveries (the SSRF guard refuses it otherwise)
        ServerConfig.Builder b = ServerConfig.builder()
                .port(0)
                .bind("127.0.0.1")
                .dataDir(data)
                .dev(true)
                .adminToken("testkit-" + Long.toHexString(System.nanoTime()))
                .cloudAllow(List.of("127.0.0.1/32"));
        b.warmUp(warmUp != null ? warmUp : Duration.ZERO);
        customize.accept(b);
        YundocServer s = YundocServer.start(b.build());
        server = s;
        try {
            s.awaitWarmUp();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            s.close();
            throw new IllegalStateException("interrupted while the server warmed up", e);
        }
        return new YundocEmulator(
                s.url(),
                s.adminToken(),
                s.clock(),
                route -> s.routes().stream()
                        .anyMatch(
                                e -> e.method().equals(route[0]) && e.template().equals(route[1])),
                data,
                s::close);
    }

    @Override
    boolean injectableExtra(Class<?> type) {
        return type == YundocServer.class;
    }

    @Override
    Object extra(Class<?> type, YundocEmulator emulator) {
        return server;
    }

    /** Builds a {@link YundocServerExtension} with server settings; dev mode stays on. */
    public static final class Builder {
        private Consumer<ServerConfig.Builder> customize = b -> {};
        private Boolean resetBeforeEach;
        private Duration warmUp;

        private Builder() {}

        /**
         * Deterministic ids.
         *
         * @param seed deterministic ids ({@code --seed})
         * @return this builder
         */
        public Builder seed(long seed) {
            return configure(b -> b.seed(seed));
        }

        /**
         * A fixture file to load at start.
         *
         * @param fixtures a fixture file loaded at start ({@code --fixtures})
         * @return this builder
         */
        public Builder fixtures(Path fixtures) {
            return configure(b -> b.fixtures(fixtures));
        }

        /**
         * The public base URL.
         *
         * @param publicUrl the public base URL ({@code --public-url})
         * @return this builder
         */
        public Builder publicUrl(String publicUrl) {
            return configure(b -> b.publicUrl(publicUrl));
        }

        /**
         * Any other server setting.
         *
         * @param more any other server setting
         * @return this builder
         */
        public Builder configure(Consumer<ServerConfig.Builder> more) {
            customize = customize.andThen(more);
            return this;
        }

        /**
         * Whether each test starts from a reset server.
         *
         * @param reset false keeps faults and the clock from one test to the next (default true)
         * @return this builder
         */
        public Builder resetBeforeEach(boolean reset) {
            this.resetBeforeEach = reset;
            return this;
        }

        /**
         * Before the first test, a throw-away server in this JVM has its hot routes (signed app-space file info, links,
         * the download answer and {@code /dl/}, the personal file list) driven for this long while this one starts
         * ({@code serve --warm-up}), so the first tests do not pay the JIT's warm-up; nothing is left in this server.
         * The test JVM cannot use {@code bin/yundoc}'s start-up cache (another class path); this is the part of it a
         * test run can have. Default: none ({@code Duration.ZERO}), unlike {@code serve}: without the start-up cache
         * the test JVM's server takes about 1.6 s to start on two cores, and a 300 ms warm-up made that 2.6 s for a p99
         * under load of 34 ms instead of 84 ms (docs/benchmarks.md), which few test suites need.
         *
         * @param duration how long, e.g. {@code Duration.ofSeconds(3)}; at most a minute
         * @return this builder
         */
        public Builder warmUp(Duration duration) {
            if (duration.isNegative() || duration.compareTo(Duration.ofMinutes(1)) > 0) {
                throw new IllegalArgumentException("warmUp takes 0 to 1 minute: " + duration);
            }
            this.warmUp = duration;
            return this;
        }

        /**
         * The extension.
         *
         * @return a new extension
         */
        public YundocServerExtension build() {
            return new YundocServerExtension(customize.andThen(b -> b.dev(true)), resetBeforeEach, warmUp);
        }
    }
}
