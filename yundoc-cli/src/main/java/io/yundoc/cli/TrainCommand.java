package io.yundoc.cli;

import io.yundoc.protocol.Hex;
import io.yundoc.server.ServerConfig;
import io.yundoc.server.Training;
import io.yundoc.server.YundocServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Comparator;
import java.util.concurrent.Callable;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code yundoc train}: the training run of the ahead-of-time cache. Starts a server as {@code serve --dev} does on a
 * throw-away data dir and a free loopback port, drives its hot routes ({@link Training}), stops it and deletes the
 * data dir. Run under {@code -XX:AOTCacheOutput=FILE} (bin/yundoc and the image build do), the JVM writes the cache
 * when this command exits; without that flag it only shows that the routes answer.
 */
@Command(
        name = "train",
        mixinStandardHelpOptions = true,
        hidden = true,
        description = "Drive the hot routes of a throw-away server (the training run of the start-up cache).")
final class TrainCommand implements Callable<Integer> {
    @Option(
            names = "--duration",
            defaultValue = "10s",
            converter = Units.DurationConverter.class,
            description = "how long to drive the routes (default ${DEFAULT-VALUE})")
    Duration duration;

    @Option(names = "--concurrency", defaultValue = "8", description = "concurrent callers (default ${DEFAULT-VALUE})")
    int concurrency;

    @Override
    public Integer call() throws Exception {
        if (concurrency < 1
                || concurrency > 256
                || duration.isNegative()
                || duration.compareTo(Duration.ofMinutes(10)) > 0) {
            throw new CliException(Main.EXIT_USAGE, "train: --concurrency 1..256 and --duration up to 10m");
        }
        Logger.getLogger("").setLevel(Level.WARNING);
        Path data = Files.createTempDirectory("yundoc-train");
        byte[] secret = new byte[16];
        new SecureRandom().nextBytes(secret);
        YundocServer server = YundocServer.start(ServerConfig.builder()
                .port(0)
                .bind("127.0.0.1")
                .dataDir(data)
                .dev(true)
                .adminToken("train-" + Hex.of(secret))
                .build());
        long ok;
        try {
            ok = Training.run(server, duration, concurrency);
        } finally {
            server.close();
            delete(data);
        }
        System.out.println("trained: " + ok + " requests answered in " + duration.toSeconds() + " s");
        return ok > 0 ? 0 : Main.EXIT_API;
    }

    private static void delete(Path dir) throws IOException {
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
