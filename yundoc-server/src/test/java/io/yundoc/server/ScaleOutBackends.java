package io.yundoc.server;

import io.lettuce.core.RedisClient;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The shared backends of scale-out mode for tests: the machine's PostgreSQL (a fresh schema per data dir, dropped
 * when the JVM exits), the machine's Redis (a fresh key prefix), and an Adobe S3Mock started from Maven Central's
 * executable jar once per JVM (a fresh bucket per run, a prefix per data dir). Chosen with
 * {@code -Dyundoc.test.mode=scaleout}; when a backend cannot be reached the test FAILS: scale-out runs never skip.
 */
public final class ScaleOutBackends {
    public static final String PG_BASE =
            System.getProperty("yundoc.test.pg", "jdbc:postgresql://127.0.0.1:5432/test?user=postgres");
    public static final String REDIS = System.getProperty("yundoc.test.redis", "redis://127.0.0.1:6379");
    /** {@code -Dyundoc.test.redis-flush=batched} runs the scale-out tests with RedisBackend's batched flushing. */
    static final String REDIS_FLUSH = System.getProperty("yundoc.test.redis-flush", "");

    private static final String RUN = HexFormat.of().formatHex(new SecureRandom().generateSeed(5));
    private static final Map<Path, String> SCHEMAS = new ConcurrentHashMap<>();
    private static final List<String> CREATED = new CopyOnWriteArrayList<>();
    private static S3Mock s3;

    private ScaleOutBackends() {}

    /** True when the test run asked for scale-out mode. */
    public static boolean enabled() {
        return "scaleout".equals(System.getProperty("yundoc.test.mode"));
    }

    /** Points {@code b} at the shared backends; a data dir seen before gets its earlier schema and prefixes back. */
    public static ServerConfig.Builder apply(ServerConfig.Builder b) {
        Path dir = b.build().dataDir().toAbsolutePath().normalize();
        String schema = SCHEMAS.computeIfAbsent(dir, d -> newSchema());
        S3Mock s = s3();
        return b.db(jdbcUrl(schema))
                .blobs(s.url(schema + "/"))
                .quota(REDIS + "?prefix=" + schema + ":" + (REDIS_FLUSH.isEmpty() ? "" : "&flush=" + REDIS_FLUSH));
    }

    /**
     * {@link #apply}, with PostgreSQL reached through {@code port} on this machine (a {@link TcpProxy} the test can cut)
     * and a fresh schema of its own.
     */
    public static ServerConfig.Builder applyWithPostgresAt(ServerConfig.Builder b, int port) {
        return apply(b).db("jdbc:postgresql://127.0.0.1:" + port + "/test?user=postgres&currentSchema=" + newSchema());
    }

    /** The schema (also the S3 and Redis prefix) a data dir was given, or null. */
    public static String schemaOf(Path dataDir) {
        return SCHEMAS.get(dataDir.toAbsolutePath().normalize());
    }

    public static String jdbcUrl(String schema) {
        return PG_BASE + (PG_BASE.contains("?") ? "&" : "?") + "currentSchema=" + schema;
    }

    /** A new schema name (created by Flyway on first start), dropped when this JVM exits. */
    public static synchronized String newSchema() {
        String schema = "yd_" + RUN + "_" + HexFormat.of().formatHex(new SecureRandom().generateSeed(4));
        if (CREATED.isEmpty()) {
            checkPostgres();
            checkRedis();
            Runtime.getRuntime().addShutdownHook(new Thread(ScaleOutBackends::dropSchemas, "drop-test-schemas"));
        }
        CREATED.add(schema);
        return schema;
    }

    private static void checkPostgres() {
        try (Connection c = DriverManager.getConnection(PG_BASE)) {
            c.createStatement().execute("SELECT 1");
        } catch (SQLException e) {
            throw new IllegalStateException("scale-out tests need PostgreSQL at " + PG_BASE + ": " + e.getMessage(), e);
        }
    }

    /** Fail open would hide a missing Redis behind passing tests: refuse to run without it. */
    private static void checkRedis() {
        URI u = URI.create(REDIS);
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(u.getHost(), u.getPort() < 0 ? 6379 : u.getPort()), 2000);
            s.setSoTimeout(2000);
            s.getOutputStream().write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
            byte[] buf = new byte[7];
            int n = s.getInputStream().read(buf);
            if (n < 5 || !new String(buf, 0, n, StandardCharsets.US_ASCII).startsWith("+PONG")) {
                throw new IllegalStateException("scale-out tests need Redis at " + REDIS + ": no PONG");
            }
        } catch (IOException e) {
            throw new IllegalStateException("scale-out tests need Redis at " + REDIS + ": " + e.getMessage(), e);
        }
    }

    /** Removes this run's quota and replay keys (they would expire within a day anyway). */
    private static void dropRedisKeys() {
        RedisClient client = RedisClient.create(REDIS);
        try (var c = client.connect()) {
            var r = c.sync();
            for (String schema : CREATED) {
                ScanCursor cursor = ScanCursor.INITIAL;
                do {
                    var page = r.scan(
                            cursor, ScanArgs.Builder.matches(schema + ":*").limit(1000));
                    if (!page.getKeys().isEmpty()) {
                        r.del(page.getKeys().toArray(String[]::new));
                    }
                    cursor = page;
                } while (!cursor.isFinished());
            }
        } catch (RuntimeException e) {
            System.err.println("could not remove test keys from Redis: " + e.getMessage());
        } finally {
            client.shutdown();
        }
    }

    private static void dropSchemas() {
        dropRedisKeys();
        try (Connection c = DriverManager.getConnection(PG_BASE)) {
            for (String s : CREATED) {
                c.createStatement().execute("DROP SCHEMA IF EXISTS " + s + " CASCADE");
            }
        } catch (SQLException e) {
            System.err.println("could not drop test schemas: " + e.getMessage());
        }
    }

    /** The S3Mock of this JVM, started on first use. */
    public static synchronized S3Mock s3() {
        if (s3 == null) {
            s3 = S3Mock.start();
            Runtime.getRuntime().addShutdownHook(new Thread(s3::stop, "stop-s3mock"));
        }
        return s3;
    }

    public static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            s.setReuseAddress(true);
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static boolean listening(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** A running S3Mock process with one bucket for this run. */
    public static final class S3Mock {
        public final Process process;
        public final int port;
        public final String bucket;
        public final String endpoint;

        private S3Mock(Process process, int port, String bucket) {
            this.process = process;
            this.port = port;
            this.bucket = bucket;
            this.endpoint = "http://127.0.0.1:" + port;
        }

        /** An {@code s3://} URL for yundoc; S3Mock accepts any credentials. */
        public String url(String prefix) {
            return "s3://" + bucket + "?endpoint=" + endpoint + "&region=us-east-1&access_key=test&secret_key=test"
                    + (prefix == null ? "" : "&prefix=" + prefix);
        }

        public S3Client client() {
            return S3Client.builder()
                    .endpointOverride(URI.create(endpoint))
                    .region(Region.US_EAST_1)
                    .forcePathStyle(true)
                    .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
                    .build();
        }

        static Path jar() {
            String p = System.getProperty("yundoc.s3mock.jar");
            Path jar = p != null
                    ? Path.of(p)
                    : Path.of(
                            System.getProperty("user.home"),
                            ".m2/repository/com/adobe/testing/s3mock/4.4.0/s3mock-4.4.0-exec.jar");
            if (!Files.isRegularFile(jar)) {
                throw new IllegalStateException("S3Mock jar not found at " + jar
                        + " (maven-dependency-plugin copies it at " + "process-test-resources; run through mvn)");
            }
            return jar;
        }

        public static S3Mock start() {
            int http = freePort();
            int https = freePort();
            String java =
                    Path.of(System.getProperty("java.home"), "bin", "java").toString();
            try {
                Path log = Files.createTempFile("s3mock", ".log");
                Process proc = new ProcessBuilder(
                                java,
                                "-Xmx384m",
                                "-XX:TieredStopAtLevel=1",
                                "-jar",
                                jar().toString(),
                                "--server.port=" + https,
                                "--com.adobe.testing.s3mock.httpPort=" + http,
                                "--spring.main.banner-mode=off",
                                "--logging.level.root=WARN")
                        .redirectErrorStream(true)
                        .redirectOutput(log.toFile())
                        .start();
                try {
                    Awaitility.await()
                            .atMost(Duration.ofMinutes(2))
                            .pollInterval(Duration.ofMillis(200))
                            .until(() -> listening(http) || !proc.isAlive());
                } catch (ConditionTimeoutException e) {
                    proc.destroyForcibly();
                    throw new IllegalStateException("S3Mock did not start within 120 s: " + Files.readString(log));
                }
                if (!proc.isAlive()) {
                    throw new IllegalStateException("S3Mock exited: " + Files.readString(log));
                }
                S3Mock m = new S3Mock(proc, http, "yd-" + RUN);
                try (S3Client c = m.client()) {
                    c.createBucket(r -> r.bucket(m.bucket));
                }
                return m;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        public void stop() {
            process.destroy();
            try {
                if (!process.waitFor(10, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
            }
        }
    }
}
