package io.yundoc.cli;

import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;

/** Durations ({@code 90s}, {@code 15m}, {@code 12h}, {@code 7d}) and sizes ({@code 512KiB}, {@code 1GiB}). */
final class Units {
    private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h|d)?");
    private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*(B|KiB|MiB|GiB|TiB)?");

    private Units() {}

    static final class DurationConverter implements CommandLine.ITypeConverter<Duration> {
        @Override
        public Duration convert(String v) {
            Matcher m = DURATION.matcher(v.trim().toLowerCase(Locale.ROOT));
            if (!m.matches()) {
                throw new CommandLine.TypeConversionException("'" + v + "' is not a duration like 90s, 15m, 12h or 7d");
            }
            long n = Long.parseLong(m.group(1));
            return switch (m.group(2) == null ? "s" : m.group(2)) {
                case "ms" -> Duration.ofMillis(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                case "d" -> Duration.ofDays(n);
                default -> Duration.ofSeconds(n);
            };
        }
    }

    /**
     * {@code --recycle-retention}: {@code off} (no automatic purge, null) or a duration of at least 1 h, refused
     * with the option's rule when parsed rather than when the server starts.
     */
    static final class RetentionConverter implements CommandLine.ITypeConverter<Duration> {
        static final Duration MINIMUM = Duration.ofHours(1);

        @Override
        public Duration convert(String v) {
            if (v.trim().equalsIgnoreCase("off")) {
                return null;
            }
            Duration d;
            try {
                d = new DurationConverter().convert(v);
            } catch (NumberFormatException | ArithmeticException e) {
                throw new CommandLine.TypeConversionException("'" + v + "' is too long a duration");
            }
            if (d.compareTo(MINIMUM) < 0) {
                throw new CommandLine.TypeConversionException(
                        "'" + v + "' is shorter than 1h: the retention is off or at least 1h");
            }
            return d;
        }
    }

    static final class SizeConverter implements CommandLine.ITypeConverter<Long> {
        @Override
        public Long convert(String v) {
            Matcher m = SIZE.matcher(v.trim());
            if (!m.matches()) {
                throw new CommandLine.TypeConversionException("'" + v + "' is not a size like 512KiB, 100MiB or 1GiB");
            }
            long n = Long.parseLong(m.group(1));
            int shift = switch (m.group(2) == null ? "B" : m.group(2)) {
                case "KiB" -> 10;
                case "MiB" -> 20;
                case "GiB" -> 30;
                case "TiB" -> 40;
                default -> 0;
            };
            return Math.multiplyExact(n, 1L << shift);
        }
    }
}
