package io.yundoc.server.auth;

import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongConsumer;
import java.util.function.LongSupplier;

/** The embedded replay cache: a map of keys to expiry, swept as it grows. */
public final class LocalReplayCache implements ReplayCache {
    private final ConcurrentHashMap<String, Long> seen = new ConcurrentHashMap<>();
    private final LongSupplier nowMillis;
    private volatile long nextSweep;

    public LocalReplayCache(LongSupplier nowMillis) {
        this.nowMillis = nowMillis;
    }

    @Override
    public boolean firstSeen(String key, long expiresAtMillis) {
        long now = nowMillis.getAsLong();
        sweep(now);
        boolean[] fresh = {false};
        seen.compute(key, (k, old) -> {
            if (old == null || old <= now) {
                fresh[0] = true;
                return expiresAtMillis;
            }
            return old;
        });
        return fresh[0];
    }

    @Override
    public void markRead(String key, LongSupplier expiresAtMillis) {
        if (!seen(key)) { // the repeated read costs one look-up
            firstSeen(key, expiresAtMillis.getAsLong());
        }
    }

    @Override
    public boolean seen(String key) {
        Long until = seen.get(key);
        return until != null && until > nowMillis.getAsLong();
    }

    @Override
    public void forget(String key) {
        seen.remove(key);
    }

    /**
     * A shared cache's {@link ReplayCache#markRead}: the first sighting of a read key on this instance runs
     * {@code record} with the key's expiry, later ones cost a map look-up. If {@code record} fails, the key is forgotten
     * here so the next read records it again; the read itself never fails for it.
     */
    void markOnce(String key, LongSupplier expiresAtMillis, LongConsumer record) {
        if (seen(key)) {
            return;
        }
        long until = expiresAtMillis.getAsLong();
        if (!firstSeen(key, until)) {
            return;
        }
        try {
            record.accept(until);
        } catch (RuntimeException e) {
            forget(key);
        }
    }

    private void sweep(long now) {
        if (now < nextSweep) {
            return;
        }
        nextSweep = now + 10_000;
        seen.entrySet().removeIf(e -> e.getValue() <= now);
    }
}
