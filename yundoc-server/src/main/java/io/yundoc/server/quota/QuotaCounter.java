package io.yundoc.server.quota;

import java.util.Map;

/** Per app/endpoint/day counters. The embedded one lives in memory and is persisted; scale-out uses Redis. */
public interface QuotaCounter extends AutoCloseable {

    /**
     * Counts one call and returns the count including it.
     *
     * @param ttlSeconds how long the key must live (until the day is over)
     */
    long increment(String appId, String endpoint, String day, long ttlSeconds);

    /** Today's counts of one app, endpoint → used. */
    Map<String, Long> usage(String appId, String day);

    @Override
    default void close() {
    }
}
