package io.yundoc.server.quota;

import io.yundoc.server.core.ReadCache;
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
    public long increment(ReadCache.Reads reads, String appId, String endpoint, String day, long ttlSeconds) {
        return jdbi.withHandle(h -> QuotaUsageStore.increment(h, appId, endpoint, day));
    }

    @Override
    public Map<String, Long> usage(String appId, String day) {
        return jdbi.withHandle(h -> QuotaUsageStore.usage(h, appId, day));
    }
}
