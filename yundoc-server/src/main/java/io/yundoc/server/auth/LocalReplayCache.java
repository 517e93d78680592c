package io.yundoc.server.auth;

import java.util.concurrent.ConcurrentHashMap;
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
    public void markRead(String key, java.util.function.LongSupplier expiresAtMillis) {
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

    private void sweep(long now) {
        if (now < nextSweep) {
            return;
        }
        nextSweep = now + 10_000;
        seen.entrySet().removeIf(e -> e.getValue() <= now);
    }
}
