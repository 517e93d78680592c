package io.yundoc.server.quota;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.jdbi.v3.core.Jdbi;

/**
 * In-process counters (one atomic increment per call, nothing on the hot path touches the database), written to
 * {@code quota_usage} every second and on shutdown, and read back at start so a restart does not reset the day.
 * A crash loses at most the last second of counts.
 */
public final class LocalQuotaCounter implements QuotaCounter {
    private static final Logger LOG = Logger.getLogger(LocalQuotaCounter.class.getName());
    private final Jdbi jdbi;
    private final ConcurrentHashMap<Key, AtomicLong> counts = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<Key, Long> persisted = new ConcurrentHashMap<>();
    private final ScheduledExecutorService flusher;

    private record Key(String appId, String endpoint, String day) {
    }

    public LocalQuotaCounter(Jdbi jdbi) {
        this.jdbi = jdbi;
        jdbi.useHandle(h -> h.createQuery("SELECT app_id, endpoint, day, used FROM quota_usage")
                .map((rs, ctx) -> {
                    Key k = new Key(rs.getString(1), rs.getString(2), rs.getString(3));
                    long used = rs.getLong(4);
                    counts.put(k, new AtomicLong(used));
                    persisted.put(k, used);
                    return k;
                }).list());
        flusher = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "yundoc-quota-flush");
            t.setDaemon(true);
            return t;
        });
        flusher.scheduleWithFixedDelay(this::flushQuietly, 1, 1, TimeUnit.SECONDS);
    }

    @Override
    public long increment(io.yundoc.server.core.ReadCache.Reads reads, String appId, String endpoint, String day,
                          long ttlSeconds) {
        return counts.computeIfAbsent(new Key(appId, endpoint, day), k -> new AtomicLong()).incrementAndGet();
    }

    @Override
    public Map<String, Long> usage(String appId, String day) {
        Map<String, Long> out = new HashMap<>();
        counts.forEach((k, v) -> {
            if (k.appId.equals(appId) && k.day.equals(day)) {
                out.put(k.endpoint, v.get());
            }
        });
        return out;
    }

    private void flushQuietly() {
        try {
            flush();
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "quota counts not persisted yet: " + e.getMessage());
        }
    }

    /** Writes every count that changed since the last flush. */
    public synchronized void flush() {
        Map<Key, Long> dirty = new HashMap<>();
        counts.forEach((k, v) -> {
            long now = v.get();
            Long before = persisted.get(k);
            if (before == null || before != now) {
                dirty.put(k, now);
            }
        });
        if (dirty.isEmpty()) {
            return;
        }
        jdbi.useTransaction(h -> {
            var batch = h.prepareBatch("INSERT INTO quota_usage (app_id, endpoint, day, used) VALUES (:a, :e, :d, :u) "
                    + "ON CONFLICT (app_id, endpoint, day) DO UPDATE SET used = excluded.used");
            dirty.forEach((k, used) -> batch.bind("a", k.appId).bind("e", k.endpoint).bind("d", k.day).bind("u", used).add());
            batch.execute();
        });
        persisted.putAll(dirty);
    }

    @Override
    public void close() {
        flusher.shutdownNow();
        flushQuietly();
    }
}
