package io.yundoc.server.auth;

import io.yundoc.protocol.ErrorCode;
import io.yundoc.server.core.ApiException;
import io.yundoc.server.quota.RedisBackend;
import java.util.function.LongSupplier;

/**
 * The WPS-2 replay cache shared by every instance: {@code SET replay:<key> 1 NX PX <ttl>} (one round trip, atomic).
 * While Redis is down it follows the quota failure policy: fail open falls back to this instance's own cache
 * (a replay through another instance can slip through during the outage), fail closed refuses with 30004.
 */
public final class RedisReplayCache implements ReplayCache {
    private final RedisBackend redis;
    private final LocalReplayCache fallback;
    private final boolean failOpen;
    private final LongSupplier nowMillis;

    public RedisReplayCache(RedisBackend redis, LongSupplier nowMillis, boolean failOpen) {
        this.redis = redis;
        this.nowMillis = nowMillis;
        this.fallback = new LocalReplayCache(nowMillis);
        this.failOpen = failOpen;
    }

    @Override
    public boolean firstSeen(String key, long expiresAtMillis) {
        if (!redis.available()) {
            // known down: do not make every signed write wait for a connect timeout
            if (!failOpen) {
                throw new ApiException(ErrorCode.INTERNAL_ERROR, "replay cache backend unavailable");
            }
            return fallback.firstSeen(key, expiresAtMillis);
        }
        try {
            return redis.setIfAbsent("replay:" + digest(key), expiresAtMillis - nowMillis.getAsLong());
        } catch (RuntimeException e) {
            if (!failOpen) {
                throw new ApiException(ErrorCode.INTERNAL_ERROR, "replay cache backend unavailable");
            }
            return fallback.firstSeen(key, expiresAtMillis);
        }
    }

    @Override
    public void forget(String key) {
        fallback.forget(key);
        try {
            redis.delete("replay:" + digest(key));
        } catch (RuntimeException ignored) {
            // the key expires with the signature window anyway
        }
    }

    /** Stored keys are SHA-256 digests: bounded size, and no signature text at rest. */
    static String digest(String key) {
        return io.yundoc.protocol.Hex.sha256(key.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
}
