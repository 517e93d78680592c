package io.yundoc.server.auth;

import io.yundoc.server.core.RedisBackend;
import java.util.function.LongSupplier;

/**
 * The WPS-2 replay cache shared by every instance through Redis ({@code SET replay:<key> 1 NX PX <ttl>}, one round
 * trip, atomic), backed by the cache of the no-Redis mode ({@link DbReplayCache} on PostgreSQL, else this process's
 * {@link LocalReplayCache}) so that a Redis outage never opens a replay window:
 *
 * <ul>
 *   <li>a write is recorded in both: Redis refuses what it holds (writes and reads), then the backing store decides.
 *       So a key recorded while Redis was unreachable still refuses its replay on any instance once Redis is back
 *       (it is in the database, not in Redis), and a key recorded before an outage is still refused during it. The
 *       price is one upsert per signed write beside the Redis round trip; writes touch the database anyway;</li>
 *   <li>while Redis is unreachable (known down, or a command just failed) the backing store alone decides, whatever
 *       the quota failure policy: it is as complete as the no-Redis mode;</li>
 *   <li>a read's key goes to Redis only, once per instance ({@code markedHere}), to keep the signed-GET path cheap;
 *       during an outage to the backing store. A read recorded in Redis just before an outage can therefore be spent
 *       once as a write during it (the backing store never saw it).</li>
 * </ul>
 */
public final class RedisReplayCache implements ReplayCache {
    private final RedisBackend redis;
    private final ReplayCache backing;
    private final LongSupplier nowMillis;
    /** Read keys this instance has recorded already (in Redis or the backing store): a repeated read skips Redis. */
    private final LocalReplayCache markedHere;

    public RedisReplayCache(RedisBackend redis, LongSupplier nowMillis, ReplayCache backing) {
        this.redis = redis;
        this.nowMillis = nowMillis;
        this.backing = backing;
        this.markedHere = new LocalReplayCache(nowMillis);
    }

    @Override
    public boolean firstSeen(String key, long expiresAtMillis) {
        // known down: do not make every signed write wait for a connect timeout
        if (redis.available()) {
            try {
                if (!redis.setIfAbsent(redisKey(key), expiresAtMillis - nowMillis.getAsLong())) {
                    return false;
                }
            } catch (RuntimeException e) {
                // Redis just failed (and is marked down): the backing store alone decides
            }
        }
        return backing.firstSeen(key, expiresAtMillis);
    }

    @Override
    public void markRead(String key, LongSupplier expiresAtMillis) {
        markedHere.markOnce(key, expiresAtMillis, until -> {
            if (redis.available()) {
                try {
                    redis.setIfAbsent(redisKey(key), until - nowMillis.getAsLong());
                    return;
                } catch (RuntimeException e) {
                    // marked down now: record it in the backing store instead
                }
            }
            backing.markRead(key, () -> until);
        });
    }

    @Override
    public void forget(String key) {
        markedHere.forget(key);
        backing.forget(key);
        try {
            redis.delete(redisKey(key));
        } catch (RuntimeException ignored) {
            // the key expires with the signature window anyway
        }
    }

    private static String redisKey(String key) {
        return "replay:" + ReplayCache.digest(key);
    }
}
