package io.yundoc.server.core;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import javax.sql.DataSource;

/**
 * Rows that every API call reads (token, app, file, link, blob), kept in memory until the next committed write.
 *
 * <p>Only for the embedded default, where this process is the database's only writer (the data dir is locked).
 * Every connection handed out by {@link #track} watches the SQL it prepares: once it has prepared anything but a
 * plain {@code SELECT}, its commit (or, in auto-commit, its close) advances one global generation, which invalidates
 * every entry at once. Writes are rare next to these reads, and one coarse rule is easy to see is right: no write
 * path needs to know which entries it affects, and a write cannot be missed by forgetting to invalidate.
 *
 * <p>A reader caches what it loaded only under the generation it saw before loading, so a value read before a
 * concurrent write committed is never served after that write's commit has been counted.
 */
public final class ReadCache {
    private final boolean enabled;
    private final AtomicLong generation = new AtomicLong();

    private ReadCache(boolean enabled) {
        this.enabled = enabled;
    }

    /** A cache for a database this process alone writes to. */
    public static ReadCache singleWriter() {
        return new ReadCache(true);
    }

    /** No caching: other processes write to the same database (scale-out), so every read goes to it. */
    public static ReadCache disabled() {
        return new ReadCache(false);
    }

    public boolean enabled() {
        return enabled;
    }

    /** The current generation (advances after each committed write); for tests and diagnostics. */
    public long generation() {
        return generation.get();
    }

    /** Drops every entry: for writes made outside the tracked data source. */
    public void invalidateAll() {
        generation.incrementAndGet();
    }

    /** A keyed set of entries, holding at most {@code maxEntries} (cleared wholesale beyond that). */
    public <K, V> Region<K, V> region(int maxEntries) {
        return new Region<>(maxEntries);
    }

    public final class Region<K, V> {
        private final ConcurrentHashMap<K, Entry<V>> entries = new ConcurrentHashMap<>();
        private final int maxEntries;

        private Region(int maxEntries) {
            this.maxEntries = maxEntries;
        }

        /**
         * The cached value for {@code key}, or what {@code loader} reads now: cached unless a write intervened or it
         * is null (absent rows are not kept, so a flood of unknown keys cannot push the known ones out).
         */
        public V get(K key, Function<K, V> loader) {
            if (!enabled) {
                return loader.apply(key);
            }
            long seen = generation.get();
            Entry<V> e = entries.get(key);
            if (e != null && e.generation == seen) {
                return e.value;
            }
            V value = loader.apply(key);
            if (value != null && generation.get() == seen) {
                if (entries.size() >= maxEntries) {
                    entries.clear();
                }
                entries.put(key, new Entry<>(seen, value));
            }
            return value;
        }
    }

    private record Entry<V>(long generation, V value) {
    }

    /**
     * Wraps {@code ds} so that committed writes made through it advance the generation. Returns {@code ds} itself
     * when caching is off.
     */
    public DataSource track(DataSource ds) {
        if (!enabled) {
            return ds;
        }
        return (DataSource) Proxy.newProxyInstance(ReadCache.class.getClassLoader(), new Class<?>[]{DataSource.class},
                (proxy, method, args) -> {
                    Object result = invoke(ds, method, args);
                    return result instanceof Connection c ? trackConnection(c) : result;
                });
    }

    private Connection trackConnection(Connection c) {
        boolean[] wrote = {false};
        return (Connection) Proxy.newProxyInstance(ReadCache.class.getClassLoader(), new Class<?>[]{Connection.class},
                (proxy, method, args) -> {
                    switch (method.getName()) {
                        case "prepareStatement", "prepareCall" -> wrote[0] |= !plainSelect((String) args[0]);
                        case "createStatement" -> wrote[0] = true; // SQL unknown until executed: assume a write
                        default -> { }
                    }
                    try {
                        return invoke(c, method, args);
                    } finally {
                        String name = method.getName();
                        // after the commit (explicit, by leaving a transaction, or auto-commit up to the close)
                        if (wrote[0] && (name.equals("commit") || name.equals("close")
                                || (name.equals("setAutoCommit") && Boolean.TRUE.equals(args[0])))) {
                            wrote[0] = false;
                            generation.incrementAndGet();
                        }
                    }
                });
    }

    private static Object invoke(Object target, java.lang.reflect.Method method, Object[] args) throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    /** Verdicts by SQL text: the statements are a fixed set of constants. */
    private static final Memo<String, Boolean> VERDICTS = new Memo<>(4096, ReadCache::classify);

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
