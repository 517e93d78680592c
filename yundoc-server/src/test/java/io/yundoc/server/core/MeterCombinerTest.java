package io.yundoc.server.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisConnectionException;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.StringCodec;
import io.yundoc.server.ScaleOutBackends;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * {@link MeterCombiner} on the machine's Redis (a fresh key prefix per test). The connection is handed over by a
 * supplier the test controls, so a batch can be held on its way while calls queue behind it: what goes out together
 * is then known, not left to timing.
 */
// integration phase (Failsafe, mvn verify): Redis
@Tag("integration")
class MeterCombinerTest {
    private static final Duration GIVE_UP = Duration.ofSeconds(10);
    private final String prefix = "ydcomb_" + HexFormat.of().formatHex(new SecureRandom().generateSeed(5)) + ":";
    private RedisClient client;
    private final List<MeterCombiner> combiners = new ArrayList<>();
    private StatefulRedisConnection<String, String> connection;

    @BeforeEach
    void connect() {
        client = RedisClient.create(ScaleOutBackends.REDIS);
        connection = client.connect(StringCodec.UTF8);
        connection.setTimeout(Duration.ofSeconds(5));
    }

    @AfterEach
    void clean() {
        combiners.forEach(MeterCombiner::close);
        var keys = connection.sync().keys(prefix + "*");
        if (!keys.isEmpty()) {
            connection.sync().del(keys.toArray(String[]::new));
        }
        connection.close();
        client.shutdown();
    }

    private MeterCombiner track(MeterCombiner c) {
        combiners.add(c);
        return c;
    }

    /** Hands out the connection, holding the first hand-out until {@link #release}; counts the batches sent. */
    private final class HeldConnection implements Supplier<StatefulRedisConnection<String, String>> {
        final AtomicInteger sends = new AtomicInteger();
        final CountDownLatch entered = new CountDownLatch(1);
        final CountDownLatch released = new CountDownLatch(1);

        @Override
        public StatefulRedisConnection<String, String> get() {
            if (sends.incrementAndGet() == 1) {
                entered.countDown();
                try {
                    released.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return connection;
        }

        void release() {
            released.countDown();
        }
    }

    /**
     * Sends a first call on {@code combiner} from a thread of its own and returns once its batch is held on its way;
     * the answer completes after {@code held.release()}.
     */
    private static CompletableFuture<RedisBackend.Metered> lead(MeterCombiner combiner, HeldConnection held, String key)
            throws InterruptedException {
        CompletableFuture<CompletableFuture<RedisBackend.Metered>> sent = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> sent.complete(combiner.submit(key, 1, 60, "")));
        assertThat(held.entered.await(10, TimeUnit.SECONDS)).isTrue();
        return sent.thenCompose(answer -> answer);
    }

    private long generation() {
        String g = connection.sync().get(prefix + "cache-generation");
        return g == null ? ReadCache.NONE : Long.parseLong(g);
    }

    @Test
    void callsThatQueueWhileABatchIsOnItsWayGoOutTogetherEachCountedOnce() throws Exception {
        HeldConnection held = new HeldConnection();
        MeterCombiner combiner = track(new MeterCombiner(held, prefix + "cache-generation", GIVE_UP));
        CompletableFuture<RedisBackend.Metered> first = lead(combiner, held, prefix + "quota:k");
        List<CompletableFuture<RedisBackend.Metered>> rest = new ArrayList<>();
        for (int i = 0; i < 63; i++) {
            rest.add(combiner.submit(prefix + "quota:k", 1, 60, ""));
        }
        assertThat(rest).as("queued behind the held batch, none answered yet").noneMatch(CompletableFuture::isDone);
        held.release();

        List<Long> counts = new ArrayList<>();
        counts.add(first.get(10, TimeUnit.SECONDS).count());
        for (var f : rest) {
            counts.add(f.get(10, TimeUnit.SECONDS).count());
        }
        assertThat(counts)
                .as("each call its own count")
                .containsExactlyInAnyOrderElementsOf(
                        LongStream.rangeClosed(1, 64).boxed().toList());
        assertThat(held.sends.get())
                .as("the lone first call, then the 63 that queued behind it in one script call")
                .isEqualTo(2);
        assertThat(connection.sync().ttl(prefix + "quota:k"))
                .as("the key expires")
                .isBetween(1L, 60L);
        assertThat(rest.getLast().get().generation()).isEqualTo(generation());
    }

    @Test
    void aCallWhoseRowsAreOutOfDateIsRefusedAloneInsideItsBatch() throws Exception {
        HeldConnection held = new HeldConnection();
        MeterCombiner combiner = track(new MeterCombiner(held, prefix + "cache-generation", GIVE_UP));
        CompletableFuture<RedisBackend.Metered> first = lead(combiner, held, prefix + "quota:a");
        held.release();
        long g = first.get(10, TimeUnit.SECONDS).generation();
        assertThat(g).isEqualTo(generation());

        // a second combiner, held again, so that the three calls below share one batch
        HeldConnection held2 = new HeldConnection();
        MeterCombiner combiner2 = track(new MeterCombiner(held2, prefix + "cache-generation", GIVE_UP));
        CompletableFuture<RedisBackend.Metered> lead = lead(combiner2, held2, prefix + "quota:a");
        var current = combiner2.submit(prefix + "quota:a", 1, 60, Long.toString(g));
        var stale = combiner2.submit(prefix + "quota:a", 1, 60, Long.toString(g - 1));
        var other = combiner2.submit(prefix + "quota:b", 5, 60, Long.toString(g));
        held2.release();
        assertThat(lead.get(10, TimeUnit.SECONDS).count()).isEqualTo(2);
        assertThat(current.get(10, TimeUnit.SECONDS).count()).isEqualTo(3);
        RedisBackend.Metered refused = stale.get(10, TimeUnit.SECONDS);
        assertThat(refused.count()).as("not counted").isEqualTo(-1);
        assertThat(refused.generation()).as("told the current generation").isEqualTo(g);
        assertThat(other.get(10, TimeUnit.SECONDS).count())
                .as("its own key and delta")
                .isEqualTo(5);
        assertThat(held2.sends.get()).isEqualTo(2);
        assertThat(connection.sync().get(prefix + "quota:a"))
                .as("the refused call left no count")
                .isEqualTo("3");
    }

    @Test
    void callsOnOneKeyGoOutAsOneSumAndEachGetsTheCountItsOwnIncrementWouldHave() throws Exception {
        HeldConnection held = new HeldConnection();
        MeterCombiner combiner = track(new MeterCombiner(held, prefix + "cache-generation", GIVE_UP));
        CompletableFuture<RedisBackend.Metered> lead = lead(combiner, held, prefix + "quota:k");
        var one = combiner.submit(prefix + "quota:k", 1, 60, "");
        var five = combiner.submit(prefix + "quota:k", 5, 60, "");
        var elsewhere = combiner.submit(prefix + "quota:other", 3, 60, "");
        var two = combiner.submit(prefix + "quota:k", 2, 60, "");
        held.release();
        assertThat(lead.get(10, TimeUnit.SECONDS).count()).isEqualTo(1);
        assertThat(one.get(10, TimeUnit.SECONDS).count()).as("in queue order").isEqualTo(2);
        assertThat(five.get(10, TimeUnit.SECONDS).count()).isEqualTo(7);
        assertThat(two.get(10, TimeUnit.SECONDS).count()).isEqualTo(9);
        assertThat(elsewhere.get(10, TimeUnit.SECONDS).count()).isEqualTo(3);
        assertThat(connection.sync().get(prefix + "quota:k")).isEqualTo("9");
        assertThat(held.sends.get()).isEqualTo(2);
    }

    @Test
    void aScriptRedisForgotIsSentAsText() throws Exception {
        MeterCombiner combiner = track(new MeterCombiner(() -> connection, prefix + "cache-generation", GIVE_UP));
        assertThat(combiner.submit(prefix + "quota:k", 1, 60, "")
                        .get(10, TimeUnit.SECONDS)
                        .count())
                .isEqualTo(1);
        connection.sync().scriptFlush(); // what a restart of Redis does to loaded scripts
        assertThat(combiner.submit(prefix + "quota:k", 1, 60, "")
                        .get(10, TimeUnit.SECONDS)
                        .count())
                .isEqualTo(2);
        assertThat(combiner.submit(prefix + "quota:k", 1, 60, "")
                        .get(10, TimeUnit.SECONDS)
                        .count())
                .isEqualTo(3);
    }

    @Test
    void aFailedSendFailsItsCallsAndTheNextCallGoesOutAgain() throws Exception {
        AtomicBoolean down = new AtomicBoolean(true);
        MeterCombiner combiner = track(new MeterCombiner(
                () -> {
                    if (down.get()) {
                        throw new RedisConnectionException("Redis is down (test)");
                    }
                    return connection;
                },
                prefix + "cache-generation",
                GIVE_UP));
        var failed = combiner.submit(prefix + "quota:k", 1, 60, "");
        assertThatThrownBy(() -> failed.get(10, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class)
                .hasCauseInstanceOf(RedisConnectionException.class);
        down.set(false);
        assertThat(combiner.submit(prefix + "quota:k", 1, 60, "")
                        .get(10, TimeUnit.SECONDS)
                        .count())
                .as("nothing was counted by the failed call; the combiner did not stay stuck")
                .isEqualTo(1);
    }

    @Test
    void aBatchThatNeverGetsAnAnswerFailsAfterTheSafetyNetAndTheNextCallGoesOut() throws Exception {
        // a connection without Lettuce's own command timeout, held up by a BLPOP that waits for ever: Redis answers
        // one connection's commands in order, so the batch behind it gets no answer until the list is pushed
        RedisClient untimed = RedisClient.create(ScaleOutBackends.REDIS);
        untimed.setOptions(ClientOptions.builder()
                .timeoutOptions(TimeoutOptions.builder().timeoutCommands(false).build())
                .build());
        try (StatefulRedisConnection<String, String> blocked = untimed.connect(StringCodec.UTF8)) {
            var blpop = blocked.async().blpop(0, prefix + "never");
            MeterCombiner combiner =
                    track(new MeterCombiner(() -> blocked, prefix + "cache-generation", Duration.ofMillis(300)));
            var stuck = combiner.submit(prefix + "quota:k", 1, 60, "");
            var behind = combiner.submit(prefix + "quota:k", 1, 60, "");
            assertThatThrownBy(() -> stuck.get(10, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class)
                    .hasCauseInstanceOf(TimeoutException.class);
            assertThatThrownBy(() -> behind.get(10, TimeUnit.SECONDS))
                    .as("queued behind the stuck batch, sent when it gave up, as stuck itself")
                    .isInstanceOf(ExecutionException.class)
                    .hasCauseInstanceOf(TimeoutException.class);
            connection.sync().lpush(prefix + "never", "go");
            assertThat(blpop.get(10, TimeUnit.SECONDS)).isNotNull();
            assertThat(combiner.submit(prefix + "quota:k", 1, 60, "")
                            .get(10, TimeUnit.SECONDS)
                            .count())
                    .as("the late batches still ran in Redis (as a timed-out command does); the combiner goes on")
                    .isEqualTo(3);
        } finally {
            untimed.shutdown();
        }
    }

    @Test
    void aClosedConnectionFailsTheBatchInsteadOfHangingIt() throws Exception {
        StatefulRedisConnection<String, String> closed = client.connect(StringCodec.UTF8);
        closed.close();
        MeterCombiner combiner = track(new MeterCombiner(() -> closed, prefix + "cache-generation", GIVE_UP));
        var f = combiner.submit(prefix + "quota:k", 1, 60, "");
        assertThatThrownBy(() -> f.get(10, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class);
        assertThat(connection.sync().get(prefix + "quota:k")).isNull();
    }
}
