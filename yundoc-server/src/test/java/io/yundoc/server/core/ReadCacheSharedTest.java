package io.yundoc.server.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.awaitility.Awaitility;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shared mode of the row cache: two caches (two instances) over one database and one generation store. The store
 * here is an in-process counter with the contract of the Redis one ({@code RedisBackend}, tested on real Redis in
 * {@code RedisGenerationTest}); the metered round trip is played by {@link #meter}, which does what the Redis quota
 * script does with the generation. The database is a real SQLite file whose writes go through each cache's tracked
 * data source.
 */
class ReadCacheSharedTest {
    @TempDir
    Path dir;
    private final Store store = new Store();
    private Database db;
    private ReadCache a;
    private ReadCache b;
    private Jdbi jdbiA;
    private Jdbi jdbiB;
    private ReadCache.Region<String, String> namesA;
    private ReadCache.Region<String, String> namesB;
    private final AtomicInteger loads = new AtomicInteger();

    /** The generation store: a counter, reads counted, and a switch that makes it unreachable. */
    static final class Store implements ReadCache.Generations {
        final AtomicLong generation = new AtomicLong(1_000);
        final AtomicInteger reads = new AtomicInteger();
        final AtomicBoolean down = new AtomicBoolean();

        @Override
        public long current() {
            if (down.get()) {
                throw new IllegalStateException("store unreachable");
            }
            reads.incrementAndGet();
            return generation.get();
        }

        @Override
        public void advance() {
            if (down.get()) {
                throw new IllegalStateException("store unreachable");
            }
            generation.incrementAndGet();
        }

        @Override
        public boolean usable() {
            return !down.get();
        }
    }

    @BeforeEach
    void open() {
        db = Database.open(null, dir);
        a = ReadCache.shared(store, 60_000);
        b = ReadCache.shared(store, 60_000);
        jdbiA = Jdbi.create(a.track(db.dataSource()));
        jdbiB = Jdbi.create(b.track(db.dataSource()));
        namesA = a.region(1000);
        namesB = b.region(1000);
        jdbiA.useHandle(h -> h.execute("CREATE TABLE cache_probe (id TEXT PRIMARY KEY, name TEXT)"));
        jdbiA.useHandle(h -> h.execute("INSERT INTO cache_probe VALUES ('a', 'one')"));
    }

    @AfterEach
    void close() {
        a.endCall();
        b.endCall();
        db.close();
    }

    private String read(ReadCache.Region<String, String> names, Jdbi jdbi, String id) {
        return names.get(id, k -> {
            loads.incrementAndGet();
            return jdbi.withHandle(h -> h.createQuery("SELECT name FROM cache_probe WHERE id = :id").bind("id", k)
                    .mapTo(String.class).findOne().orElse(null));
        });
    }

    /** What the Redis quota script does with the generation: count only if the call's cached rows are current. */
    private void meter(ReadCache cache) {
        long expected = cache.expectedGeneration();
        long current = store.generation.get(); // inside the script: not one of the store's own reads
        if (expected != ReadCache.NONE && expected != current) {
            throw cache.stale(current);
        }
        cache.confirmed(current);
    }

    /** One whole metered call through {@code cache} that reads row "a" (and so caches it). */
    private void meteredRead(ReadCache cache, ReadCache.Region<String, String> names, Jdbi jdbi) {
        cache.beginMeteredCall();
        try {
            read(names, jdbi, "a");
            meter(cache);
        } finally {
            cache.endCall();
        }
    }

    private void rename(Jdbi jdbi, String name) {
        jdbi.useHandle(h -> h.createUpdate("UPDATE cache_probe SET name = :n WHERE id = 'a'").bind("n", name).execute());
    }

    @Test
    void withoutAMeteredCallEveryReadGoesToTheDatabase() {
        assertThat(a.shared()).isTrue();
        assertThat(read(namesA, jdbiA, "a")).isEqualTo("one");
        assertThat(read(namesA, jdbiA, "a")).isEqualTo("one");
        assertThat(loads).as("no call on this thread: nothing cached, nothing served from memory").hasValue(2);
        assertThat(store.reads).hasValue(0);
    }

    @Test
    void aMeteredCallCachesUnderTheGenerationItLearntAndTheNextOneUsesTheRowUnverifiedUntilTheRoundTrip() {
        a.beginMeteredCall();
        assertThat(read(namesA, jdbiA, "a")).isEqualTo("one");
        assertThat(store.reads).as("a miss learns the generation first").hasValue(1);
        meter(a);
        a.endCall();

        a.beginMeteredCall();
        assertThat(read(namesA, jdbiA, "a")).isEqualTo("one");
        assertThat(loads).hasValue(1);
        assertThat(store.reads).as("a hit costs no round trip of its own").hasValue(1);
        assertThat(a.expectedGeneration()).isEqualTo(store.generation.get());
        meter(a);
        assertThat(a.expectedGeneration()).isEqualTo(ReadCache.NONE);
        assertThat(read(namesA, jdbiA, "a")).as("after the round trip: checked against its generation").isEqualTo("one");
        assertThat(loads).hasValue(1);
        a.endCall();
        assertThat(read(namesA, jdbiA, "a")).as("the call is over: the database again").isEqualTo("one");
        assertThat(loads).hasValue(2);
    }

    @Test
    void aWriteThroughOneInstanceMakesTheOtherReadAgainBeforeItCounts() {
        b.beginMeteredCall();
        assertThat(read(namesB, jdbiB, "a")).isEqualTo("one");
        meter(b);
        b.endCall();
        long before = store.generation.get();

        rename(jdbiA, "two"); // instance A commits a write: the shared generation moves on before it answers
        assertThat(store.generation.get()).isGreaterThan(before);

        b.beginMeteredCall();
        assertThat(read(namesB, jdbiB, "a")).as("served unverified: the round trip decides").isEqualTo("one");
        assertThatThrownBy(() -> meter(b)).isInstanceOf(ReadCache.StaleRead.class);
        assertThat(read(namesB, jdbiB, "a")).as("re-read after the refusal").isEqualTo("two");
        meter(b); // counts now: the call knows its generation
        b.endCall();

        b.beginMeteredCall();
        assertThat(read(namesB, jdbiB, "a")).isEqualTo("two");
        meter(b);
        assertThat(loads).hasValue(2);
    }

    @Test
    void readsAfterTheRoundTripAreCheckedAgainstTheCallsOwnGeneration() {
        meteredRead(a, namesA, jdbiA);
        rename(jdbiB, "three");

        a.beginMeteredCall();
        meter(a); // a call that used no cached row before counting (e.g. its principal was a miss elsewhere)
        assertThat(read(namesA, jdbiA, "a")).isEqualTo("three");
    }

    @Test
    void aCallThatWroteReadsTheDatabaseForTheRestOfIt() {
        a.beginMeteredCall();
        read(namesA, jdbiA, "a");
        meter(a);
        rename(jdbiA, "four");
        assertThat(read(namesA, jdbiA, "a")).isEqualTo("four");
        assertThat(read(namesA, jdbiA, "a")).isEqualTo("four");
        assertThat(loads).hasValue(3);
    }

    @Test
    void aRefusalBasedOnUnverifiedRowsIsDecidedAgainOnlyWhenTheyWereOutOfDate() {
        meteredRead(a, namesA, jdbiA);

        a.beginMeteredCall();
        read(namesA, jdbiA, "a");
        assertThat(a.revalidate()).as("nothing changed: the refusal stands").isFalse();
        a.endCall();

        rename(jdbiB, "five");
        a.beginMeteredCall();
        assertThat(read(namesA, jdbiA, "a")).isEqualTo("one");
        assertThat(a.revalidate()).as("the generation moved on: decide again").isTrue();
        assertThat(read(namesA, jdbiA, "a")).isEqualTo("five");
        assertThat(a.revalidate()).as("nothing unverified left").isFalse();
    }

    @Test
    void whenTheStoreFailsMidCallTheCallReadsTheDatabase() {
        meteredRead(a, namesA, jdbiA);

        a.beginMeteredCall();
        read(namesA, jdbiA, "a");
        assertThat(a.abandon()).as("a row was used unverified: re-read it").isTrue();
        assertThat(a.expectedGeneration()).as("the store came back: nothing unverified is left to check")
                .isEqualTo(ReadCache.NONE);
        rename(jdbiB, "six");
        assertThat(read(namesA, jdbiA, "a")).isEqualTo("six");
        assertThat(a.abandon()).isFalse();
        a.endCall();

        store.down.set(true);
        a.beginMeteredCall();
        assertThat(read(namesA, jdbiA, "a")).as("store known down: no call uses the cache").isEqualTo("six");
        assertThat(a.expectedGeneration()).isEqualTo(ReadCache.NONE);
    }

    @Test
    void aBumpLostToAnOutageStopsThisInstancesCacheUntilItLands() {
        meteredRead(b, namesB, jdbiB);
        long before = store.generation.get();

        // the store answers reads but refuses this one bump (a blip); the write itself is committed
        AtomicBoolean refuseOnce = new AtomicBoolean(true);
        ReadCache flaky = ReadCache.shared(new ReadCache.Generations() {
            @Override public long current() { return store.current(); }
            @Override public void advance() {
                if (refuseOnce.getAndSet(false)) {
                    throw new IllegalStateException("blip");
                }
                store.advance();
            }
            @Override public boolean usable() { return store.usable(); }
        }, 60_000);
        Jdbi jdbiFlaky = Jdbi.create(flaky.track(db.dataSource()));
        ReadCache.Region<String, String> namesFlaky = flaky.region(10);
        rename(jdbiFlaky, "seven");
        assertThat(store.generation.get()).as("the bump was lost").isEqualTo(before);

        int loadsBefore = loads.get();
        // the owed bump is retried at the next metered call on that instance, which then caches as usual
        flaky.beginMeteredCall();
        assertThat(store.generation.get()).as("the owed bump landed").isGreaterThan(before);
        assertThat(read(namesFlaky, jdbiFlaky, "a")).isEqualTo("seven");
        meter(flaky);
        flaky.endCall();
        assertThat(loads.get()).isEqualTo(loadsBefore + 1);

        // and the other instance, whose row predates the write, re-reads it
        b.beginMeteredCall();
        read(namesB, jdbiB, "a");
        assertThatThrownBy(() -> meter(b)).isInstanceOf(ReadCache.StaleRead.class);
        assertThat(read(namesB, jdbiB, "a")).isEqualTo("seven");
    }

    @Test
    void entriesExpireAfterTheirMaxAgeWhateverTheGenerationSays() throws InterruptedException {
        ReadCache shortLived = ReadCache.shared(store, 50);
        Jdbi jdbi = Jdbi.create(shortLived.track(db.dataSource()));
        ReadCache.Region<String, String> names = shortLived.region(10);
        meteredRead(shortLived, names, jdbi);
        // a change the generation never heard of (SQL run by hand against the database)
        db.jdbi().useHandle(h -> h.execute("UPDATE cache_probe SET name = 'by hand' WHERE id = 'a'"));
        Thread.sleep(120); // a clock gap longer than the 50 ms lifetime is the behaviour under test, not a wait for an event
        shortLived.beginMeteredCall();
        assertThat(read(names, jdbi, "a")).isEqualTo("by hand");
        shortLived.endCall();
    }

    @Test
    void absentRowsAreNotKept() {
        for (int i = 0; i < 3; i++) {
            a.beginMeteredCall();
            assertThat(read(namesA, jdbiA, "missing")).isNull();
            meter(a);
            a.endCall();
        }
        assertThat(loads).hasValue(3);
    }

    @Test
    void callsMissingTheSameRowAtOnceShareOneLoadUnlessTheirGenerationIsNewer() throws Exception {
        java.util.concurrent.CountDownLatch loading = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        AtomicInteger slowLoads = new AtomicInteger();
        java.util.function.Function<String, String> slow = k -> {
            slowLoads.incrementAndGet();
            loading.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
            return "row of generation " + store.generation.get();
        };
        java.util.Queue<Thread> followerThreads = new java.util.concurrent.ConcurrentLinkedQueue<>();
        try (var pool = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
            java.util.concurrent.Callable<String> call = () -> {
                a.beginMeteredCall();
                try {
                    return namesA.get("k", slow);
                } finally {
                    a.endCall();
                }
            };
            var first = pool.submit(call);
            loading.await();
            var followers = new java.util.ArrayList<java.util.concurrent.Future<String>>();
            for (int i = 0; i < 8; i++) {
                followers.add(pool.submit(() -> {
                    followerThreads.add(Thread.currentThread());
                    return call.call();
                }));
            }
            // the load stays blocked on its latch until every follower is parked on it: only then is "one load"
            // proof that they shared it (a follower arriving after the load ended would hit the entry instead)
            Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(10))
                    .until(() -> followerThreads.size() == 8 && followerThreads.stream().allMatch(ReadCacheSharedTest::waitsOnARunningLoad));
            assertThat(slowLoads).as("one load for nine calls of one generation").hasValue(1);
            assertThat(first).as("the load is still held").isNotDone();
            release.countDown();
            String row = first.get();
            for (var f : followers) {
                assertThat(f.get()).isSameAs(row);
            }
        }
        assertThat(slowLoads).hasValue(1);

        // a call that learnt a newer generation does not take a load started under an older one
        java.util.concurrent.CountDownLatch loading2 = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch release2 = new java.util.concurrent.CountDownLatch(1);
        ReadCache.Region<String, String> rows = a.region(10);
        try (var pool = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
            var old = pool.submit(() -> {
                a.beginMeteredCall();
                try {
                    return rows.get("k", k -> {
                        loading2.countDown();
                        try {
                            release2.await();
                        } catch (InterruptedException e) {
                            throw new IllegalStateException(e);
                        }
                        return "old";
                    });
                } finally {
                    a.endCall();
                }
            });
            loading2.await();
            store.advance(); // a write committed elsewhere while that load runs
            a.beginMeteredCall();
            try {
                assertThat(rows.get("k", k -> "new")).isEqualTo("new");
            } finally {
                a.endCall();
            }
            release2.countDown();
            assertThat(old.get()).isEqualTo("old");
        }
    }

    /**
     * Whether {@code t} is parked inside the read cache's shared-load wait ({@code Region.loadOnce}, joining another
     * call's load), rather than running a load of its own ({@code Region.load}) or not there yet.
     */
    static boolean waitsOnARunningLoad(Thread t) {
        if (t.getState() != Thread.State.WAITING && t.getState() != Thread.State.TIMED_WAITING) {
            return false;
        }
        for (StackTraceElement frame : t.getStackTrace()) {
            if (frame.getClassName().startsWith(ReadCache.class.getName())) {
                return frame.getMethodName().equals("loadOnce"); // the innermost cache frame
            }
        }
        return false;
    }
}
