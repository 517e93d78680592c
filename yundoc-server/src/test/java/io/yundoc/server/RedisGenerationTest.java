package io.yundoc.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.lettuce.core.RedisClient;
import io.yundoc.server.core.ReadCache;
import io.yundoc.server.core.RedisBackend;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The row cache's generation as the Redis scripts keep it, on the machine's Redis (a fresh key prefix per test): the
 * metered round trip counts only for current rows, a write moves the generation on, and a lost generation comes back
 * as one no cached row can carry.
 */
// integration phase (Failsafe, mvn verify): Redis
@Tag("integration")
class RedisGenerationTest {
    private final String prefix = "ydgen_" + HexFormat.of().formatHex(new SecureRandom().generateSeed(5)) + ":";
    private RedisBackend redis;

    @BeforeEach
    void connect() {
        // a command timeout of seconds, not the server's 500 ms: outages are not under test here, and a loaded CI
        // machine
        // can be slower than 500 ms to answer the first ping
        redis = new RedisBackend(ScaleOutBackends.REDIS + "?prefix=" + prefix + "&timeout_ms=5000");
        assertThat(redis.ping()).as("Redis at " + ScaleOutBackends.REDIS).isTrue();
    }

    @AfterEach
    void clean() {
        redis.delete("cache-generation");
        redis.delete("quota:k");
        redis.close();
    }

    @Test
    void theMeterScriptCountsOnlyWhenTheCallersRowsCarryTheCurrentGeneration() {
        long g = redis.current();
        assertThat(redis.current()).as("stable while nothing is written").isEqualTo(g);

        RedisBackend.Metered first = redis.meter("quota:k", 1, 60, ReadCache.NONE);
        assertThat(first.counted()).isTrue();
        assertThat(first.count()).isEqualTo(1);
        assertThat(first.generation()).isEqualTo(g);

        RedisBackend.Metered matching = redis.meter("quota:k", 1, 60, g);
        assertThat(matching.count()).isEqualTo(2);

        redis.advance();
        RedisBackend.Metered stale = redis.meter("quota:k", 1, 60, g);
        assertThat(stale.counted()).isFalse();
        assertThat(stale.generation()).isEqualTo(g + 1);
        assertThat(redis.meter("quota:k", 1, 60, g + 1).count())
                .as("the refused call was not counted")
                .isEqualTo(3);
    }

    @ParameterizedTest
    @ValueSource(strings = {"batched", "combined"})
    void sharedFlushingCountsEveryConcurrentCallExactlyOnceAndStillRefusesStaleRows(String flush) throws Exception {
        try (RedisBackend batched =
                new RedisBackend(ScaleOutBackends.REDIS + "?prefix=" + prefix + "&flush=" + flush)) {
            long g = batched.current();
            int callers = 64;
            int each = 50;
            List<Thread> threads = new ArrayList<>();
            ConcurrentLinkedQueue<Long> counts = new ConcurrentLinkedQueue<>();
            for (int i = 0; i < callers; i++) {
                threads.add(Thread.ofVirtual().start(() -> {
                    for (int k = 0; k < each; k++) {
                        counts.add(batched.meter("quota:k", 1, 60, g).count());
                    }
                }));
            }
            for (Thread t : threads) {
                t.join();
            }
            // every call got its own answer: the counts are exactly 1..N, none lost, none shared
            long total = (long) callers * each;
            assertThat(counts).hasSize(callers * each).doesNotHaveDuplicates().allMatch(c -> c >= 1 && c <= total);
            redis.advance(); // a write through another connection (another instance)
            RedisBackend.Metered stale = batched.meter("quota:k", 1, 60, g);
            assertThat(stale.counted())
                    .as("rows of the old generation are refused at once")
                    .isFalse();
            assertThat(batched.meter("quota:k", 1, 60, stale.generation()).count())
                    .isEqualTo(total + 1);
            flushScripts();
            assertThat(batched.meter("quota:k", 1, 60, stale.generation()).count())
                    .as("after a Redis restart forgot the script")
                    .isEqualTo(total + 2);
        }
    }

    @Test
    void anUnknownFlushModeIsRefused() {
        Assertions.assertThatThrownBy(() -> new RedisBackend(ScaleOutBackends.REDIS + "?flush=sometimes"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("auto, batched or combined");
    }

    @Test
    void aLostGenerationReturnsLargerThanAnyHandedOutBefore() {
        long g = redis.current();
        for (int i = 0; i < 50; i++) {
            redis.advance();
        }
        long before = redis.current();
        assertThat(before).isEqualTo(g + 50);
        redis.delete("cache-generation"); // Redis restarted without persistence, or was flushed
        long after = redis.current();
        assertThat(after).isGreaterThan(before);
        // the first generation was the server's time in microseconds: a plausible one, not a counter from zero
        assertThat(g).isGreaterThan(1_700_000_000_000_000L);
        redis.delete("cache-generation");
        RedisBackend.Metered m = redis.meter("quota:k", 1, 60, before);
        assertThat(m.counted()).as("a row cached before the loss never matches").isFalse();
        redis.delete("cache-generation");
        redis.advance();
        assertThat(redis.current()).isGreaterThan(before);
    }

    @Test
    void scriptsReloadAfterRedisForgetsThem() {
        long g = redis.current();
        flushScripts();
        assertThat(redis.meter("quota:k", 1, 60, g).count()).isEqualTo(1);
        flushScripts();
        redis.advance();
        flushScripts();
        assertThat(redis.current()).isEqualTo(g + 1);
    }

    /** What a Redis restart does to loaded scripts (through a client of the test's own). */
    private static void flushScripts() {
        RedisClient c = RedisClient.create(ScaleOutBackends.REDIS);
        try (var conn = c.connect()) {
            conn.sync().scriptFlush();
        } finally {
            c.shutdown();
        }
    }
}
