package io.yundoc.protocol;

import java.util.Random;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestExecutionExceptionHandler;
import org.opentest4j.TestAbortedException;

/**
 * Seeded random cases for the property tests: a {@code @ParameterizedTest(name = "{0}")} over
 * {@code @MethodSource} of {@link #cases(int)} draws its inputs from {@link Case#random()}.
 *
 * <p>The run is fixed by one base seed ({@value #DEFAULT_SEED} unless {@code -Dyundoc.seed=N} says otherwise), so
 * CI runs the same inputs every time; a failure names the case and the base seed, and
 * {@code mvn ... -Dtest=Class#method -Dyundoc.seed=N} replays it. {@link ReplayHint} puts that line into the
 * failure message itself, not only in the display name.
 */
final class SeededCases {

    static final String SEED_PROPERTY = "yundoc.seed";
    static final long DEFAULT_SEED = 20_261_205L;

    private SeededCases() {}

    static long baseSeed() {
        return Long.getLong(SEED_PROPERTY, DEFAULT_SEED);
    }

    /** One generated case: its index and its own seed, derived from the base seed. */
    record Case(int index, long baseSeed, long seed) {

        Random random() {
            return new Random(seed);
        }

        @Override
        public String toString() {
            return "case " + index + " seed " + seed + " (base -D" + SEED_PROPERTY + "=" + baseSeed + ")";
        }
    }

    /** {@code count} cases, each with a seed mixed from the base seed and its index (SplitMix64's finaliser). */
    static Stream<Case> cases(int count) {
        long base = baseSeed();
        return IntStream.range(0, count).mapToObj(i -> new Case(i, base, mix(base + 0x9E3779B97F4A7C15L * (i + 1))));
    }

    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    // ------------------------------------------------------------------ generators, kept plain

    /** A value of {@code gen} for which {@code ok} holds; stands in for a filter or an assumption. */
    static <T> T drawUntil(Random r, Function<Random, T> gen, Predicate<T> ok) {
        for (int i = 0; i < 10_000; i++) {
            T value = gen.apply(r);
            if (ok.test(value)) {
                return value;
            }
        }
        throw new IllegalStateException("no acceptable value in 10000 draws: the generator does not fit the filter");
    }

    @SafeVarargs
    static <T> T oneOf(Random r, T... values) {
        return values[r.nextInt(values.length)];
    }

    /** A string of length {@code min..max} over the characters of {@code alphabet}. */
    static String string(Random r, String alphabet, int min, int max) {
        int length = r.nextInt(min, max + 1);
        StringBuilder sb = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            sb.append(alphabet.charAt(r.nextInt(alphabet.length())));
        }
        return sb.toString();
    }

    /** A string of length {@code min..max} over the characters {@code lo..hi}. */
    static String string(Random r, char lo, char hi, int min, int max) {
        int length = r.nextInt(min, max + 1);
        StringBuilder sb = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            sb.append((char) r.nextInt(lo, hi + 1));
        }
        return sb.toString();
    }

    /**
     * Any string: empty, short or up to 255 UTF-16 units, from ASCII, Latin-1, CJK, any BMP unit (lone surrogates
     * included) or controls, so the edges come up often rather than once in a million.
     */
    static String anyString(Random r) {
        int length = switch (r.nextInt(8)) {
            case 0 -> 0;
            case 1, 2, 3 -> r.nextInt(1, 9);
            default -> r.nextInt(1, 256);
        };
        StringBuilder sb = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            sb.append(
                    switch (r.nextInt(5)) {
                        case 0 -> (char) r.nextInt(0x20, 0x7F);
                        case 1 -> (char) r.nextInt(0x00, 0x20);
                        case 2 -> (char) r.nextInt(0x80, 0x100);
                        case 3 -> (char) r.nextInt(0x4E00, 0xA000);
                        default -> (char) r.nextInt(0x10000);
                    });
        }
        return sb.toString();
    }

    /** Any byte array: empty, short, or up to 255 bytes. */
    static byte[] anyBytes(Random r) {
        int length = switch (r.nextInt(8)) {
            case 0 -> 0;
            case 1, 2, 3 -> r.nextInt(1, 9);
            default -> r.nextInt(1, 256);
        };
        return bytes(r, length, length);
    }

    static byte[] bytes(Random r, int min, int max) {
        byte[] b = new byte[r.nextInt(min, max + 1)];
        r.nextBytes(b);
        return b;
    }

    /**
     * Puts the case and the replay command into the failure message, so a report that shows only the message still
     * says how to run the same inputs again.
     */
    static final class ReplayHint implements TestExecutionExceptionHandler {

        @Override
        public void handleTestExecutionException(ExtensionContext context, Throwable failure) throws Throwable {
            if (failure instanceof TestAbortedException) {
                throw failure;
            }
            AssertionError withSeed = new AssertionError(
                    context.getDisplayName() + " failed; replay with -Dtest="
                            + context.getRequiredTestClass().getSimpleName() + "#"
                            + context.getRequiredTestMethod().getName()
                            + " -D" + SEED_PROPERTY + "=" + baseSeed() + "\n" + failure,
                    failure);
            throw withSeed;
        }
    }
}
