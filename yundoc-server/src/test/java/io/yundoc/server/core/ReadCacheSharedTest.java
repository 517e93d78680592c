package io.yundoc.server.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
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
 * script does with the generation (and what {@code RedisQuotaCounter} reports to the call's {@link ReadCache.Reads}). The database is a real SQLite file whose writes go through each cache's tracked
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
        db.close();
    }

    private String read(ReadCache.Reads reads, ReadCache.Region<String, String> names, Jdbi jdbi, String id) {
        return names.get(reads, id, k -> {
            loads.incrementAndGet();
            return jdbi.withHandle(h -> h.createQuery("SELECT name FROM cache_probe WHERE id = :id")
                    .bind("id", k)
                    .mapTo(String.class)
                    .findOne()
                    .orElse(null));
        });
    }

    /**
     * What the Redis quota script does with the generation: count only if the call's cached rows are current; either
     * way the call learns the current generation. False: nothing counted.
     */
    private boolean meter(ReadCache.Reads reads) {
        long expected = reads.expectedGeneration();
        long current = store.generation.get(); // inside the script: not one of the store's own reads
        reads.learnt(current);
        return expected == ReadCache.NONE || expected == current;
    }

    /** One whole metered call through {@code cache} that reads row "a" (and so caches it). */
    private void meteredRead(ReadCache cache, ReadCache.Region<String, String> names, Jdbi jdbi) {
        ReadCache.Reads reads = cache.begin(true);
        read(reads, names, jdbi, "a");
        assertThat(meter(reads)).isTrue();
    }

    private void rename(Jdbi jdbi, String name) {
        jdbi.useHandle(h -> h.createUpdate("UPDATE cache_probe SET name = :n WHERE id = 'a'")
                .bind("n", name)
                .execute());
    }

    /** A decision on row "a" that accepts only {@code wanted}, as authentication accepts only a valid row. */
    private ReadCache.Verdict<String> acceptOnly(
            ReadCache.Reads reads,
            ReadCache.Region<String, String> names,
            Jdbi jdbi,
            String wanted,
            AtomicInteger decisions) {
        decisions.incrementAndGet();
        String name = read(reads, names, jdbi, "a");
        return name.equals(wanted)
                ? ReadCache.Verdict.accept(name)
                : ReadCache.Verdict.refuse(ApiException.invalid("row is " + name), null);
    }

    @Test
    void withoutAMeteredCallEveryReadGoesToTheDatabase() {
        assertThat(a.shared()).isTrue();
        assertThat(namesA.get("a", k -> {
                    loads.incrementAndGet();
                    return "one";
                }))
                .isEqualTo("one");
        assertThat(read(a.direct(), namesA, jdbiA, "a")).isEqualTo("one");
        assertThat(read(a.begin(false), namesA, jdbiA, "a")).isEqualTo("one");
        assertThat(loads)
                .as("no metered call: nothing cached, nothing served from memory")
                .hasValue(3);
        assertThat(store.reads).hasValue(0);
    }

    @Test
    void aMeteredCallCachesUnderTheGenerationItLearntAndTheNextOneUsesTheRowUnverifiedUntilTheRoundTrip() {
        ReadCache.Reads first = a.begin(true);
        assertThat(read(first, namesA, jdbiA, "a")).isEqualTo("one");
        assertThat(store.reads).as("a miss learns the generation first").hasValue(1);
        assertThat(meter(first)).isTrue();

        ReadCache.Reads second = a.begin(true);
        assertThat(read(second, namesA, jdbiA, "a")).isEqualTo("one");
        assertThat(loads).hasValue(1);
        assertThat(store.reads).as("a hit costs no round trip of its own").hasValue(1);
        assertThat(second.expectedGeneration()).isEqualTo(store.generation.get());
        assertThat(meter(second)).isTrue();
        assertThat(second.expectedGeneration()).isEqualTo(ReadCache.NONE);
        assertThat(read(second, namesA, jdbiA, "a"))
                .as("after the round trip: checked against its generation")
                .isEqualTo("one");
        assertThat(loads).hasValue(1);
        assertThat(read(a.direct(), namesA, jdbiA, "a"))
                .as("outside the call: the database again")
                .isEqualTo("one");
        assertThat(loads).hasValue(2);
    }

    @Test
    void theReadsTravelWithTheCallsObjectNotWithItsThread() throws Exception {
        meteredRead(a, namesA, jdbiA);
        ReadCache.Reads call = a.begin(true);
        // another thread carrying the call's object is the call; the call's own thread without it is not
        try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
            assertThat(pool.submit(() -> read(call, namesA, jdbiA, "a")).get()).isEqualTo("one");
        }
        assertThat(loads).as("served from memory on the other thread").hasValue(1);
        assertThat(call.expectedGeneration()).isEqualTo(store.generation.get());
        assertThat(read(a.direct(), namesA, jdbiA, "a")).isEqualTo("one");
        assertThat(loads).as("no object, no cache").hasValue(2);
    }

    @Test
    void aWriteThroughOneInstanceMakesTheOtherReadAgainBeforeItCounts() {
        meteredRead(b, namesB, jdbiB);
        long before = store.generation.get();

        rename(jdbiA, "two"); // instance A commits a write: the shared generation moves on before it answers
        assertThat(store.generation.get()).isGreaterThan(before);

        ReadCache.Reads reads = b.begin(true);
        AtomicInteger decisions = new AtomicInteger();
        AtomicInteger counted = new AtomicInteger();
        List<String> decided = new ArrayList<>();
        String name = reads.settle(
                () -> {
                    decisions.incrementAndGet();
                    String n = read(reads, namesB, jdbiB, "a");
                    decided.add(n);
                    return ReadCache.Verdict.accept(n);
                },
                n -> {},
                n -> {
                    boolean ok = meter(reads);
                    if (ok) {
                        counted.incrementAndGet();
                    }
                    return ok;
                });
        assertThat(decided)
                .as("served unverified, refused by the round trip, re-read")
                .containsExactly("one", "two");
        assertThat(name).isEqualTo("two");
        assertThat(counted).as("counted once, on the fresh row").hasValue(1);

        ReadCache.Reads next = b.begin(true);
        assertThat(read(next, namesB, jdbiB, "a")).isEqualTo("two");
        assertThat(meter(next)).isTrue();
        assertThat(loads).hasValue(2);
    }

    @Test
    void readsAfterTheRoundTripAreCheckedAgainstTheCallsOwnGeneration() {
        meteredRead(a, namesA, jdbiA);
        rename(jdbiB, "three");

        ReadCache.Reads reads = a.begin(true);
        assertThat(meter(reads)).isTrue(); // a call that used no cached row before counting
        assertThat(read(reads, namesA, jdbiA, "a")).isEqualTo("three");
    }

    @Test
    void aCallThatWroteReadsTheDatabaseForTheRestOfIt() {
        ReadCache.Reads reads = a.begin(true);
        read(reads, namesA, jdbiA, "a");
        assertThat(meter(reads)).isTrue();
        rename(jdbiA, "four");
        assertThat(read(reads, namesA, jdbiA, "a")).isEqualTo("four");
        assertThat(read(reads, namesA, jdbiA, "a")).isEqualTo("four");
        assertThat(loads).hasValue(3);
        ReadCache.Reads later = a.begin(true);
        assertThat(read(later, namesA, jdbiA, "a"))
                .as("served unverified: the round trip decides")
                .isEqualTo("one");
        assertThat(meter(later)).isFalse();
        assertThat(read(later, namesA, jdbiA, "a"))
                .as("a call begun after the write caches again")
                .isEqualTo("four");
        assertThat(read(a.begin(true), namesA, jdbiA, "a")).isEqualTo("four");
        assertThat(loads).hasValue(4);
    }

    @Test
    void aRefusalBasedOnUnverifiedRowsIsDecidedAgainOnlyWhenTheyWereOutOfDate() {
        meteredRead(a, namesA, jdbiA);

        AtomicInteger decisions = new AtomicInteger();
        ReadCache.Reads unchanged = a.begin(true);
        assertThatThrownBy(() -> unchanged.settle(
                        () -> acceptOnly(unchanged, namesA, jdbiA, "five", decisions), n -> {}, n -> meter(unchanged)))
                .isInstanceOf(ApiException.class)
                .hasMessageContaining("row is one");
        assertThat(decisions).as("nothing changed: the refusal stands").hasValue(1);

        rename(jdbiB, "five");
        decisions.set(0);
        ReadCache.Reads changed = a.begin(true);
        assertThat(changed.settle(
                        () -> acceptOnly(changed, namesA, jdbiA, "five", decisions), n -> {}, n -> meter(changed)))
                .isEqualTo("five");
        assertThat(decisions)
                .as("the generation moved on: decided again on the fresh row")
                .hasValue(2);
    }

    @Test
    void theRowsIndependentStepsRunOnceAndARefusalAfterAStaleCountStands() {
        meteredRead(a, namesA, jdbiA);
        rename(jdbiB, "six"); // the cached row is out of date, and the fresh one is refused
        AtomicInteger verified = new AtomicInteger();
        AtomicInteger decisions = new AtomicInteger();
        ReadCache.Reads reads = a.begin(true);
        assertThatThrownBy(() -> reads.settle(
                        () -> acceptOnly(reads, namesA, jdbiA, "one", decisions),
                        n -> verified.incrementAndGet(),
                        n -> meter(reads)))
                .isInstanceOf(ApiException.class)
                .hasMessageContaining("row is six");
        assertThat(verified).hasValue(1);
        assertThat(decisions).hasValue(2);
    }

    @Test
    void whenTheStoreFailsMidCallTheCallReadsTheDatabase() {
        meteredRead(a, namesA, jdbiA);

        ReadCache.Reads reads = a.begin(true);
        read(reads, namesA, jdbiA, "a");
        assertThat(reads.storeFailed())
                .as("a row was used unverified: re-read it")
                .isTrue();
        assertThat(reads.expectedGeneration())
                .as("nothing unverified is left to check")
                .isEqualTo(ReadCache.NONE);
        rename(jdbiB, "seven");
        assertThat(read(reads, namesA, jdbiA, "a")).isEqualTo("seven");
        assertThat(reads.storeFailed()).isFalse();

        store.down.set(true);
        ReadCache.Reads whileDown = a.begin(true);
        assertThat(whileDown).as("store known down: no call uses the cache").isSameAs(a.direct());
        assertThat(read(whileDown, namesA, jdbiA, "a")).isEqualTo("seven");
        assertThat(whileDown.expectedGeneration()).isEqualTo(ReadCache.NONE);
    }

    @Test
    void aBumpLostToAnOutageStopsThisInstancesCacheUntilItLands() {
        meteredRead(b, namesB, jdbiB);
        long before = store.generation.get();

        // the store answers reads but refuses this one bump (a blip); the write itself is committed
        AtomicBoolean refuseOnce = new AtomicBoolean(true);
        ReadCache flaky = ReadCache.shared(
                new ReadCache.Generations() {
                    @Override
                    public long current() {
                        return store.current();
                    }

                    @Override
                    public void advance() {
                        if (refuseOnce.getAndSet(false)) {
                            throw new IllegalStateException("blip");
                        }
                        store.advance();
                    }

                    @Override
                    public boolean usable() {
                        return store.usable();
                    }
                },
                60_000);
        Jdbi jdbiFlaky = Jdbi.create(flaky.track(db.dataSource()));
        ReadCache.Region<String, String> namesFlaky = flaky.region(10);
        rename(jdbiFlaky, "eight");
        assertThat(store.generation.get()).as("the bump was lost").isEqualTo(before);

        int loadsBefore = loads.get();
        // the owed bump is retried at the next metered call on that instance, which then caches as usual
        ReadCache.Reads reads = flaky.begin(true);
        assertThat(store.generation.get()).as("the owed bump landed").isGreaterThan(before);
        assertThat(read(reads, namesFlaky, jdbiFlaky, "a")).isEqualTo("eight");
        assertThat(meter(reads)).isTrue();
        assertThat(loads.get()).isEqualTo(loadsBefore + 1);

        // and the other instance, whose row predates the write, re-reads it
        ReadCache.Reads other = b.begin(true);
        read(other, namesB, jdbiB, "a");
        assertThat(meter(other)).isFalse();
        assertThat(read(other, namesB, jdbiB, "a")).isEqualTo("eight");
    }

    @Test
    void entriesExpireAfterTheirMaxAgeWhateverTheGenerationSays() throws InterruptedException {
        ReadCache shortLived = ReadCache.shared(store, 50);
        Jdbi jdbi = Jdbi.create(shortLived.track(db.dataSource()));
        ReadCache.Region<String, String> names = shortLived.region(10);
        meteredRead(shortLived, names, jdbi);
        // a change the generation never heard of (SQL run by hand against the database)
        db.jdbi().useHandle(h -> h.execute("UPDATE cache_probe SET name = 'by hand' WHERE id = 'a'"));
        Thread.sleep(
                120); // a clock gap longer than the 50 ms lifetime is the behaviour under test, not a wait for an event
        assertThat(read(shortLived.begin(true), names, jdbi, "a")).isEqualTo("by hand");
    }

    @Test
    void absentRowsAreNotKept() {
        for (int i = 0; i < 3; i++) {
            ReadCache.Reads reads = a.begin(true);
            assertThat(read(reads, namesA, jdbiA, "missing")).isNull();
            assertThat(meter(reads)).isTrue();
        }
        assertThat(loads).hasValue(3);
    }

    @Test
    void callsMissingTheSameRowAtOnceShareOneLoadUnlessTheirGenerationIsNewer() throws Exception {
        CountDownLatch loading = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger slowLoads = new AtomicInteger();
        Function<String, String> slow = k -> {
            slowLoads.incrementAndGet();
            loading.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
            return "row of generation " + store.generation.get();
        };
        Queue<Thread> followerThreads = new ConcurrentLinkedQueue<>();
        try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
            Callable<String> call = () -> {
                return namesA.get(a.begin(true), "k", slow);
            };
            var first = pool.submit(call);
            loading.await();
            var followers = new ArrayList<Future<String>>();
            for (int i = 0; i < 8; i++) {
                followers.add(pool.submit(() -> {
                    followerThreads.add(Thread.currentThread());
                    return call.call();
                }));
            }
            // the load stays blocked on its latch until every follower is parked on it: only then is "one load"
            // proof that they shared it (a follower arriving after the load ended would hit the entry instead)
            Awaitility.await()
                    .atMost(Duration.ofSeconds(30))
                    .pollInterval(Duration.ofMillis(10))
                    .until(() -> followerThreads.size() == 8
                            && followerThreads.stream().allMatch(ReadCacheSharedTest::waitsOnARunningLoad));
            assertThat(slowLoads)
                    .as("one load for nine calls of one generation")
                    .hasValue(1);
            assertThat(first).as("the load is still held").isNotDone();
            release.countDown();
            String row = first.get();
            for (var f : followers) {
                assertThat(f.get()).isSameAs(row);
            }
        }
        assertThat(slowLoads).hasValue(1);

        // a call that learnt a newer generation does not take a load started under an older one
        CountDownLatch loading2 = new CountDownLatch(1);
        CountDownLatch release2 = new CountDownLatch(1);
        ReadCache.Region<String, String> rows = a.region(10);
        try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
            var old = pool.submit(() -> {
                ReadCache.Reads early = a.begin(true);
                return rows.get(early, "k", k -> {
                    loading2.countDown();
                    try {
                        release2.await();
                    } catch (InterruptedException e) {
                        throw new IllegalStateException(e);
                    }
                    return "old";
                });
            });
            loading2.await();
            store.advance(); // a write committed elsewhere while that load runs
            assertThat(rows.get(a.begin(true), "k", k -> "new")).isEqualTo("new");
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
