package io.yundoc.server.core;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The command prefix for child processes that do background work (text extraction, office conversion, the PDF
 * tools): {@code nice -n 10}, so the server's own requests come first when both want the CPU, as a nice'd cron job
 * would. On a 2-core box a conversion at normal priority took 46 % of the signed file-info route's throughput
 * (docs/benchmarks.md "Office conversion"). Empty where {@code nice} is missing.
 */
public final class BackgroundPriority {
    private static final Path NICE = Path.of("/usr/bin/nice");

    private BackgroundPriority() {}

    public static List<String> prefix() {
        return Files.isExecutable(NICE) ? List.of(NICE.toString(), "-n", "10") : List.of();
    }
}
