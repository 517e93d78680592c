package io.yundoc.server.quota;

/**
 * The quota tiers with their daily limits for test and formal apps: R and W of api.md §4, and R10M (every et, ksheet
 * and dbt data route, writes included) and C (conversion and extraction) of api-families.md §F0.
 */
public enum Tier {
    READ("R", 10_000, 1_000_000),
    WRITE("W", 500, 100_000),
    READ_10M("R10M", 10_000, 10_000_000),
    CONVERT("C", 100, 200);

    private final String label;
    private final long testLimit;
    private final long formalLimit;

    Tier(String label, long testLimit, long formalLimit) {
        this.label = label;
        this.testLimit = testLimit;
        this.formalLimit = formalLimit;
    }

    /** The tier's name in the docs and in the OpenAPI document's {@code x-yundoc-tier}: R, W, R10M or C. */
    public String label() {
        return label;
    }

    public long limit(boolean formal) {
        return formal ? formalLimit : testLimit;
    }
}
