package io.yundoc.server.oauth;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.Handle;

/** The {@code login_throttle} table: failed-login counts by hashed key (see {@link LoginThrottle}). */
final class LoginThrottleStore {
    private LoginThrottleStore() {}

    /** The counts of the keys whose last failure is not older than {@code since}; others count as none. */
    static Map<String, Integer> counts(Handle h, List<String> keys, long since) {
        Map<String, Integer> m = new HashMap<>();
        h.createQuery(
                        "SELECT throttle_key, failures FROM login_throttle WHERE throttle_key IN (<keys>) AND last_failure_ms >= :since")
                .bindList("keys", keys)
                .bind("since", since)
                .map((rs, ctx) -> Map.entry(rs.getString(1), rs.getInt(2)))
                .forEach(e -> m.put(e.getKey(), e.getValue()));
        return m;
    }

    /** Drops counts older than {@code since}, then adds one failure at {@code nowMillis} under each key. */
    static void addFailure(Handle h, List<String> keys, long nowMillis, long since) {
        h.createUpdate("DELETE FROM login_throttle WHERE last_failure_ms < :since")
                .bind("since", since)
                .execute();
        for (String k : keys) {
            h.createUpdate("""
                            INSERT INTO login_throttle (throttle_key, failures, last_failure_ms, locked_until)
                            VALUES (:k, 1, :ms, 0)
                            ON CONFLICT (throttle_key) DO UPDATE SET failures = login_throttle.failures + 1,
                                                                    last_failure_ms = excluded.last_failure_ms""").bind("k", k).bind("ms", nowMillis).execute();
        }
    }

    /** Deletes {@code pair}'s count and takes its live failures (since {@code since}) off the {@code others}' counts. */
    static void forget(Handle h, String pair, List<String> others, long since) {
        int own = h.createQuery(
                        "SELECT failures FROM login_throttle WHERE throttle_key = :k AND last_failure_ms >= :since")
                .bind("k", pair)
                .bind("since", since)
                .mapTo(Integer.class)
                .findOne()
                .orElse(0);
        h.createUpdate("DELETE FROM login_throttle WHERE throttle_key = :k")
                .bind("k", pair)
                .execute();
        if (own > 0) {
            h.createUpdate("UPDATE login_throttle SET failures = CASE WHEN failures > :n THEN failures - :n ELSE 0 END "
                            + "WHERE throttle_key IN (<keys>)")
                    .bind("n", own)
                    .bindList("keys", others)
                    .execute();
            h.createUpdate("DELETE FROM login_throttle WHERE failures = 0").execute();
        }
    }
}
