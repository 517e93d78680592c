package io.yundoc.server.quota;

import io.yundoc.server.core.ReadCache;
import java.util.Map;

/** Per app/endpoint/day counters. The embedded one lives in memory and is persisted; scale-out uses Redis. */
public interface QuotaCounter extends AutoCloseable {

    /** What {@link #increment} returns when it counted nothing: the call's cached rows were out of date. */
    long NOT_COUNTED = -1;

    /**
     * Counts one call and returns the count including it. A counter shared by several instances also checks the rows
     * the call read from the row cache ({@code reads}): when they were out of date it counts nothing, tells
     * {@code reads} what it found, and returns {@link #NOT_COUNTED}.
     *
     * @param ttlSeconds how long the key must live (until the day is over)
     */
    long increment(ReadCache.Reads reads, String appId, String endpoint, String day, long ttlSeconds);

    /** Today's counts of one app, endpoint → used. */
    Map<String, Long> usage(String appId, String day);

    @Override
    default void close() {}
}
