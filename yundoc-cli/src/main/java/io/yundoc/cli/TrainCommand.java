package io.yundoc.cli;

import io.yundoc.server.Training;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.logging.Level;
import java.util.logging.Logger;
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
        long ok = Training.onThrowAwayServer(duration, concurrency);
        System.out.println("trained: " + ok + " requests answered in " + duration.toSeconds() + " s");
        return ok > 0 ? 0 : Main.EXIT_API;
    }
}
