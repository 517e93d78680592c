package io.yundoc.server.core;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * Rows that every API call reads (token, app, file, link, blob), kept in memory until the next committed write.
 *
 * <p>Every connection handed out by {@link #track} watches the SQL it prepares: once it has prepared anything but a
 * plain {@code SELECT}, its commit (or, in auto-commit, its close) advances a generation, which invalidates every
 * entry at once. Writes are rare next to these reads, and one coarse rule is easy to see is right: no write path needs
 * to know which entries it affects, and a write cannot be missed by forgetting to invalidate.
 *
 * <p><b>Single writer</b> (the embedded default, whose data dir one process owns): the generation is a counter in this
 * process. A reader caches what it loaded only under the generation it saw before loading, so a value read before a
 * concurrent write committed is never served after that write's commit has been counted.
 *
 * <p><b>Shared</b> (scale-out: several instances write to one PostgreSQL): the generation lives in Redis
 * ({@link Generations}); every instance advances it after each committed write, before the write answers. A cached row
 * may serve a call only if the generation it was cached under is the generation of that call, read during the call.
 * Each call carries what it read in its own {@link Reads} (handed to the stores explicitly; nothing rides on the
 * thread), and {@link Reads#settle} is the one place that decides whether the call must read its rows again: the quota
 * round trip a metered call makes anyway reports the generation, and counts nothing when the rows the call already
 * used were cached under another one. Hence a write that has answered is seen by every later call on every instance,
 * exactly as without the cache. Reads outside a metered call go to the database. Entries also expire after
 * {@link #SHARED_MAX_AGE_MILLIS}, which bounds what a write the generation never heard of (SQL run by hand, a
 * generation bump lost to a Redis outage seen by one instance only) can leave stale.
 */
public final class ReadCache {
    private static final Logger LOG = Logger.getLogger(ReadCache.class.getName());
    /** No generation known (a call that has not read one, or whose rows were not cached). */
    public static final long NONE = Long.MIN_VALUE;
    /** How long a shared-mode entry may serve before it is read again whatever the generation says. */
    public static final long SHARED_MAX_AGE_MILLIS = 5_000;

    private enum Mode {
        DISABLED,
        SINGLE_WRITER,
        SHARED
    }

    private final Mode mode;
    /** Committed writes through this process: the generation itself in single-writer mode. */
    private final AtomicLong generation = new AtomicLong();

    private final Generations shared;
    private final long maxAgeNanos;
    private final LongAdder hits = new LongAdder();
    private final LongAdder loads = new LongAdder();
    /** A committed write whose generation bump failed: this instance reads the database until one succeeds. */
    private volatile boolean bumpOwed;
    /** The reads of anything that is not a metered call: straight to the database in shared mode. */
    private final Reads direct = new Reads(true, 0);

    /** Verdicts by SQL text: the statements are a fixed set of constants. */
    private static final Memo<String, Boolean> VERDICTS = new Memo<>(4096, ReadCache::classify);

    private ReadCache(Mode mode, Generations shared, long maxAgeMillis) {
        this.mode = mode;
        this.shared = shared;
        this.maxAgeNanos = TimeUnit.MILLISECONDS.toNanos(maxAgeMillis);
    }

    /** A cache for a database this process alone writes to. */
    public static ReadCache singleWriter() {
        return new ReadCache(Mode.SINGLE_WRITER, null, 0);
    }

    /** No caching: every read goes to the database. */
    public static ReadCache disabled() {
        return new ReadCache(Mode.DISABLED, null, 0);
    }

    /** A cache validated per call against a generation that every instance sharing the database reads and advances. */
    public static ReadCache shared(Generations generations) {
        return shared(generations, SHARED_MAX_AGE_MILLIS);
    }

    /** {@link #shared(Generations)} with another entry lifetime (tests). */
    public static ReadCache shared(Generations generations, long maxAgeMillis) {
        return new ReadCache(Mode.SHARED, Objects.requireNonNull(generations), maxAgeMillis);
    }

    /**
     * The generation shared by every instance of one installation. Both operations are one atomic round trip; both
     * throw when the store cannot be reached.
     */
    public interface Generations {
        /** The current generation (created anew, larger than any handed out before, if the store lost it). */
        long current();

        /** Moves the generation on: every entry cached under an earlier one stops serving. */
        void advance();

        /** False while the store is known to be unreachable (then no call tries it). */
        boolean usable();
    }

    public boolean enabled() {
        return mode != Mode.DISABLED;
    }

    public boolean shared() {
        return mode == Mode.SHARED;
    }

    /** Reads answered from memory so far (for /metrics). */
    public long hits() {
        return hits.sum();
    }

    /** Reads that went to the database so far (for /metrics). */
    public long loads() {
        return loads.sum();
    }

    /** The current generation (advances after each committed write); single-writer mode, for tests and diagnostics. */
    public long generation() {
        return generation.get();
    }

    /** Drops every entry: for writes made outside the tracked data source. */
    public void invalidateAll() {
        advance();
    }

    /** After a committed write: no entry cached before it serves again (on any instance, in shared mode). */
    private void advance() {
        generation.incrementAndGet(); // shared mode: every call begun before this write reads the database from now on
        if (mode != Mode.SHARED) {
            return;
        }
        try {
            shared.advance();
        } catch (RuntimeException e) {
            // the write is committed; until its bump lands this instance stops using the cache (see settleBump)
            if (!bumpOwed) {
                LOG.log(
                        Level.WARNING,
                        "cache generation store unreachable after a write; reading the database until it is back: "
                                + e);
            }
            bumpOwed = true;
        }
    }

    /** Retries an owed bump; true once it landed. */
    private synchronized boolean settleBump() {
        if (!bumpOwed) {
            return true;
        }
        try {
            shared.advance();
            bumpOwed = false;
            LOG.info("cache generation store is back; the owed bump landed");
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }

    // ---- one call's reads (shared mode) ----

    /**
     * The reads of one call that reads nothing from the cache unchecked: every read of a shared cache goes to the
     * database; the other modes serve from memory as always.
     */
    public Reads direct() {
        return direct;
    }

    /**
     * Starts the reads of one call. A metered call in shared mode may use cached rows unverified until its quota round
     * trip ({@link Reads#settle}); any other call reads as {@link #direct}.
     */
    public Reads begin(boolean metered) {
        if (mode != Mode.SHARED || !metered || !shared.usable() || (bumpOwed && !settleBump())) {
            return direct;
        }
        return new Reads(false, generation.get());
    }

    /**
     * What one call has read: the generation its cached rows carry and the generation it learnt. One call's own
     * object, passed to the stores it reads through and to the quota counter; used by one thread at a time.
     */
    public final class Reads {
        /** The generation of the cached rows used before any generation was read in this call (unverified). */
        private long expected = NONE;
        /** A generation read during this call: rows cached under it serve, rows loaded now are cached under it. */
        private long observed = NONE;
        /** Read everything from the database (the generation store failed during this call, or it is not metered). */
        private boolean bypass;
        /** This process's write count when the call began: after a local write the call reads the database. */
        private final long writesAtBegin;

        private Reads(boolean bypass, long writesAtBegin) {
            this.bypass = bypass;
            this.writesAtBegin = writesAtBegin;
        }

        /** The generation the quota round trip must find for this call's cached rows to be valid, or {@link #NONE}. */
        public long expectedGeneration() {
            return expected;
        }

        /** The quota round trip found {@code current}; it counted the call when the rows carried that generation. */
        public void learnt(long current) {
            if (!bypass) {
                expected = NONE;
                observed = current;
            }
        }

        /**
         * The generation store failed: from now on this call reads the database. True when rows were already used
         * unverified, so the call must read them again before it may count.
         */
        public boolean storeFailed() {
            if (bypass) {
                return false;
            }
            boolean usedUnverified = expected != NONE;
            bypass = true;
            expected = NONE; // what the call reads from now on comes from the database: nothing left to check
            return usedUnverified;
        }

        /**
         * For a call about to be refused on rows read unverified: true when they were out of date (the generation moved
         * on, or cannot be read), so the call must be decided again on fresh rows. False when the refusal stands.
         */
        private boolean outOfDate() {
            if (bypass || expected == NONE) {
                return false;
            }
            long was = expected;
            expected = NONE;
            try {
                observed = shared.current();
            } catch (RuntimeException e) {
                bypass = true;
                return true;
            }
            return observed != was;
        }

        private boolean cacheUsable() {
            return !bypass && generation.get() == writesAtBegin;
        }

        /**
         * Authenticates and counts one call on rows that may come from the cache, and is the one place that decides to
         * read them again. {@code decide} reads the rows through this object and accepts or refuses the call; a
         * refusal that rests on rows served unverified is decided again when they turn out to be out of date.
         * {@code verify} runs the steps that do not depend on those rows (replay cache, body), once. {@code count} is
         * the quota round trip: false when it counted nothing because the rows were out of date (this object has
         * learnt the current generation, or reads the database from now on); then the call is decided again on fresh
         * rows, where a refusal stands, and counted again. A second count cannot be refused that way: the call knows
         * its generation by then.
         */
        public <T> T settle(Supplier<Verdict<T>> decide, Consumer<T> verify, Predicate<T> count) {
            Verdict<T> verdict = decide.get();
            if (verdict.refused() && outOfDate()) {
                verdict = decide.get();
            }
            T accepted = verdict.orThrow();
            verify.accept(accepted);
            for (int attempt = 1; !count.test(accepted); attempt++) {
                if (attempt == 3) {
                    throw new IllegalStateException("rows stayed out of date across re-reads");
                }
                accepted = decide.get().orThrow();
            }
            return accepted;
        }
    }

    /**
     * An authentication decision: the accepted value, or the refusal to answer with ({@code onRefused} runs once,
     * when the refusal is final: failure metrics).
     */
    public record Verdict<T>(T accepted, ApiException refusal, Runnable onRefused) {
        public static <T> Verdict<T> accept(T value) {
            return new Verdict<>(value, null, null);
        }

        public static <T> Verdict<T> refuse(ApiException refusal, Runnable onRefused) {
            return new Verdict<>(null, refusal, onRefused);
        }

        public boolean refused() {
            return refusal != null;
        }

        T orThrow() {
            if (refusal != null) {
                if (onRefused != null) {
                    onRefused.run();
                }
                throw refusal;
            }
            return accepted;
        }
    }

    /** A keyed set of entries, holding at most {@code maxEntries} (cleared wholesale beyond that). */
    public <K, V> Region<K, V> region(int maxEntries) {
        return new Region<>(maxEntries);
    }

    public final class Region<K, V> {
        private final ConcurrentHashMap<K, Entry<V>> entries = new ConcurrentHashMap<>();
        /** Loads under way in shared mode, one per key (see {@link #loadOnce}). */
        private final ConcurrentHashMap<K, Loading<V>> inFlight = new ConcurrentHashMap<>();

        private final int maxEntries;

        private Region(int maxEntries) {
            this.maxEntries = maxEntries;
        }

        /**
         * The cached value for {@code key}, or what {@code loader} reads now: cached unless a write intervened or it
         * is null (absent rows are not kept, so a flood of unknown keys cannot push the known ones out).
         */
        public V get(K key, Function<K, V> loader) {
            return get(direct, key, loader);
        }

        /** {@link #get(Object, Function)} for a call whose {@code reads} may serve cached rows in shared mode. */
        public V get(Reads reads, K key, Function<K, V> loader) {
            return switch (mode) {
                case DISABLED -> load(key, loader);
                case SINGLE_WRITER -> singleWriter(key, loader);
                case SHARED -> shared(reads, key, loader);
            };
        }

        private V load(K key, Function<K, V> loader) {
            loads.increment();
            return loader.apply(key);
        }

        private V hit(Entry<V> e) {
            hits.increment();
            return e.value;
        }

        private V singleWriter(K key, Function<K, V> loader) {
            long seen = generation.get();
            Entry<V> e = entries.get(key);
            if (e != null && e.generation == seen) {
                return hit(e);
            }
            V value = load(key, loader);
            if (value != null && generation.get() == seen) {
                put(key, new Entry<>(seen, 0, value));
            }
            return value;
        }

        private V shared(Reads p, K key, Function<K, V> loader) {
            if (!p.cacheUsable()) {
                return load(key, loader);
            }
            Entry<V> e = entries.get(key);
            if (e != null && System.nanoTime() - e.loadedAt > maxAgeNanos) {
                e = null;
            }
            if (p.observed != NONE) {
                if (e != null && e.generation == p.observed) {
                    return hit(e);
                }
            } else if (e != null && (p.expected == NONE || p.expected == e.generation)) {
                p.expected = e.generation; // served unverified: the quota round trip checks it
                return hit(e);
            } else if (p.expected != NONE) {
                return load(key, loader); // another generation than the rows used so far: read, do not keep
            } else {
                // a miss before the call knows its generation: learn it first, so that what is loaded can be kept
                try {
                    p.observed = shared.current();
                } catch (RuntimeException x) {
                    p.bypass = true;
                    return load(key, loader);
                }
            }
            return loadOnce(key, loader, p.observed);
        }

        /**
         * Loads {@code key} for a call of generation {@code g}, sharing the load of a concurrent call whose generation
         * is at least {@code g}: after a write every call in flight misses the same rows at once, and one read per row
         * serves them all. Sharing is exact: that call read its generation no earlier than this call read {@code g}
         * (generations only grow), hence after this call began, and loaded after that.
         */
        private V loadOnce(K key, Function<K, V> loader, long g) {
            Loading<V> mine = new Loading<>(g, new CompletableFuture<>());
            while (true) {
                Loading<V> running = inFlight.putIfAbsent(key, mine);
                if (running == null) {
                    break;
                }
                if (running.generation >= g) {
                    try {
                        V shared = running.result.join();
                        hits.increment();
                        return shared;
                    } catch (CompletionException | CancellationException e) {
                        return load(key, loader); // that load failed: try for this call alone
                    }
                }
                if (inFlight.replace(key, running, mine)) {
                    break; // an older load: its callers keep waiting on it, newer ones on this one
                }
            }
            try {
                V value = load(key, loader);
                if (value != null) {
                    put(key, new Entry<>(g, System.nanoTime(), value));
                }
                mine.result.complete(value);
                return value;
            } catch (RuntimeException | Error e) {
                mine.result.completeExceptionally(e);
                throw e;
            } finally {
                inFlight.remove(key, mine);
            }
        }

        private void put(K key, Entry<V> e) {
            if (entries.size() >= maxEntries) {
                entries.clear();
            }
            entries.put(key, e);
        }
    }

    private record Entry<V>(long generation, long loadedAt, V value) {}

    private record Loading<V>(long generation, CompletableFuture<V> result) {}

    /**
     * Wraps {@code ds} so that committed writes made through it advance the generation. Returns {@code ds} itself
     * when caching is off.
     */
    public DataSource track(DataSource ds) {
        if (mode == Mode.DISABLED) {
            return ds;
        }
        return (DataSource) Proxy.newProxyInstance(
                ReadCache.class.getClassLoader(), new Class<?>[] {DataSource.class}, (proxy, method, args) -> {
                    Object result = invoke(ds, method, args);
                    return result instanceof Connection c ? trackConnection(c) : result;
                });
    }

    private Connection trackConnection(Connection c) {
        boolean[] wrote = {false};
        return (Connection) Proxy.newProxyInstance(
                ReadCache.class.getClassLoader(), new Class<?>[] {Connection.class}, (proxy, method, args) -> {
                    switch (method.getName()) {
                        case "prepareStatement", "prepareCall" -> wrote[0] |= !plainSelect((String) args[0]);
                        case "createStatement" -> wrote[0] = true; // SQL unknown until executed: assume a write
                        default -> {}
                    }
                    try {
                        return invoke(c, method, args);
                    } finally {
                        String name = method.getName();
                        // after the commit (explicit, by leaving a transaction, or auto-commit up to the close)
                        if (wrote[0]
                                && (name.equals("commit")
                                        || name.equals("close")
                                        || (name.equals("setAutoCommit") && Boolean.TRUE.equals(args[0])))) {
                            wrote[0] = false;
                            advance();
                        }
                    }
                });
    }

    private static Object invoke(Object target, Method method, Object[] args) throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    /** A statement that only reads: starts with SELECT and has no second statement, INTO or locking clause. */
    static boolean plainSelect(String sql) {
        return VERDICTS.get(sql);
    }

    private static boolean classify(String sql) {
        String s = sql.strip();
        if (!s.regionMatches(true, 0, "SELECT", 0, 6)) {
            return false;
        }
        String lower = s.toLowerCase(Locale.ROOT);
        return !lower.contains(";") && !lower.contains(" for update") && !lower.contains(" into ");
    }
}
