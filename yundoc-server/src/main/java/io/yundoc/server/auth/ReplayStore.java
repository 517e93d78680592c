package io.yundoc.server.auth;

import org.jdbi.v3.core.Handle;

/** The {@code replay_cache} table: WPS-2 replay keys (their SHA-256) and when each may be accepted again. */
final class ReplayStore {
    private ReplayStore() {}

    static void deleteExpired(Handle h, long nowMillis) {
        h.createUpdate("DELETE FROM replay_cache WHERE expires_at <= :now")
                .bind("now", nowMillis)
                .execute();
    }

    /**
     * Records the key unless a live entry holds it: one upsert that succeeds only when the key is new or its entry
     * expired, so two instances racing on the same key cannot both claim it. True when this call claimed it.
     */
    static boolean claim(Handle h, String digest, long expiresAtMillis, long nowMillis) {
        return h.createUpdate(
                                "INSERT INTO replay_cache (cache_key, expires_at) VALUES (:k, :e) "
                                        + "ON CONFLICT (cache_key) DO UPDATE SET expires_at = excluded.expires_at WHERE replay_cache.expires_at <= :now")
                        .bind("k", digest)
                        .bind("e", expiresAtMillis)
                        .bind("now", nowMillis)
                        .execute()
                == 1;
    }

    static void delete(Handle h, String digest) {
        h.createUpdate("DELETE FROM replay_cache WHERE cache_key = :k")
                .bind("k", digest)
                .execute();
    }
}
