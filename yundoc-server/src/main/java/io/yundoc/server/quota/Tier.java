package io.yundoc.server.quota;

/**
 * The quota tiers with their daily limits for test and formal apps: R and W of api.md §4, and R10M (every et, ksheet
 * and dbt data route, writes included) and C (conversion and extraction) of api-families.md §F0.
 */
public enum Tier {
    READ(10_000, 1_000_000),
    WRITE(500, 100_000),
    READ_10M(10_000, 10_000_000),
    CONVERT(100, 200);

    private final long testLimit;
    private final long formalLimit;

    Tier(long testLimit, long formalLimit) {
        this.testLimit = testLimit;
        this.formalLimit = formalLimit;
    }

    public long limit(boolean formal) {
        return formal ? formalLimit : testLimit;
    }
}
