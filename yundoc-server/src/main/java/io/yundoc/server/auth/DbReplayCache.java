package io.yundoc.server.auth;

import java.util.function.LongSupplier;
import org.jdbi.v3.core.Jdbi;

/**
 * The replay cache in the shared database (scale-out without Redis): one upsert that succeeds only when the key is
 * new or its previous entry expired, so two instances racing on the same signed request cannot both accept it.
 */
public final class DbReplayCache implements ReplayCache {
    private final Jdbi jdbi;
    private final LongSupplier nowMillis;
    /** Read keys this instance has written already: a repeated signed GET costs a map look-up, not an upsert. */
    private final LocalReplayCache markedHere;

    private volatile long nextSweep;

    public DbReplayCache(Jdbi jdbi, LongSupplier nowMillis) {
        this.jdbi = jdbi;
        this.nowMillis = nowMillis;
        this.markedHere = new LocalReplayCache(nowMillis);
    }

    @Override
    public void markRead(String key, LongSupplier expiresAtMillis) {
        // false from firstSeen: another instance or a write recorded it first, as good
        markedHere.markOnce(key, expiresAtMillis, until -> firstSeen(key, until));
    }

    @Override
    public boolean firstSeen(String key, long expiresAtMillis) {
        long now = nowMillis.getAsLong();
        if (now >= nextSweep) {
            nextSweep = now + 60_000;
            jdbi.useHandle(h -> ReplayStore.deleteExpired(h, now));
        }
        return jdbi.withHandle(h -> ReplayStore.claim(h, ReplayCache.digest(key), expiresAtMillis, now));
    }

    @Override
    public void forget(String key) {
        markedHere.forget(key);
        jdbi.useHandle(h -> ReplayStore.delete(h, ReplayCache.digest(key)));
    }
}
