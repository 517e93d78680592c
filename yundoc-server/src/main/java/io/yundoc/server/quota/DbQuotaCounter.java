package io.yundoc.server.quota;

import java.util.HashMap;
import java.util.Map;
import org.jdbi.v3.core.Jdbi;

/**
 * Quota counters in the shared database (PostgreSQL without Redis): one atomic upsert-and-return per metered call,
 * so a quota of N allows exactly N calls across instances. Redis is the faster choice under load.
 */
public final class DbQuotaCounter implements QuotaCounter {
    private final Jdbi jdbi;

    public DbQuotaCounter(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    @Override
    public long increment(io.yundoc.server.core.ReadCache.Reads reads, String appId, String endpoint, String day,
                          long ttlSeconds) {
        return jdbi.withHandle(h -> h.createQuery("INSERT INTO quota_usage (app_id, endpoint, day, used) VALUES (:a, :e, :d, 1) "
                        + "ON CONFLICT (app_id, endpoint, day) DO UPDATE SET used = quota_usage.used + 1 RETURNING used")
                .bind("a", appId).bind("e", endpoint).bind("d", day).mapTo(Long.class).one());
    }

    @Override
    public Map<String, Long> usage(String appId, String day) {
        Map<String, Long> out = new HashMap<>();
        jdbi.useHandle(h -> h.createQuery("SELECT endpoint, used FROM quota_usage WHERE app_id = :a AND day = :d")
                .bind("a", appId).bind("d", day)
                .map((rs, ctx) -> out.put(rs.getString(1), rs.getLong(2))).list());
        return out;
    }
}
