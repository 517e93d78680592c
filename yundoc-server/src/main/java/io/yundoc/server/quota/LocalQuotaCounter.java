package io.yundoc.server.quota;

import io.yundoc.server.core.ReadCache;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
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

    private record Key(String appId, String endpoint, String day) {}

    public LocalQuotaCounter(Jdbi jdbi) {
        this.jdbi = jdbi;
        for (QuotaUsageStore.Usage u : jdbi.withHandle(QuotaUsageStore::all)) {
            Key k = new Key(u.appId(), u.endpoint(), u.day());
            counts.put(k, new AtomicLong(u.used()));
            persisted.put(k, u.used());
        }
        flusher = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "yundoc-quota-flush");
            t.setDaemon(true);
            return t;
        });
        // the task catches its own failures: its future would only ever report the cancellation at shutdown
        var unused = flusher.scheduleWithFixedDelay(this::flushQuietly, 1, 1, TimeUnit.SECONDS);
    }

    @Override
    public long increment(ReadCache.Reads reads, String appId, String endpoint, String day, long ttlSeconds) {
        return counts.computeIfAbsent(new Key(appId, endpoint, day), k -> new AtomicLong())
                .incrementAndGet();
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
        List<QuotaUsageStore.Usage> rows = new ArrayList<>();
        dirty.forEach((k, used) -> rows.add(new QuotaUsageStore.Usage(k.appId, k.endpoint, k.day, used)));
        jdbi.useTransaction(h -> QuotaUsageStore.setAll(h, rows));
        persisted.putAll(dirty);
    }

    @Override
    public void close() {
        flusher.shutdownNow();
        flushQuietly();
    }
}
