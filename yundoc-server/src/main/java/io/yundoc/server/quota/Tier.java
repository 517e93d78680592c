package io.yundoc.server.quota;

/** The two quota tiers of api.md §4 with their daily limits for test and formal apps. */
public enum Tier {
    READ(10_000, 1_000_000),
    WRITE(500, 100_000);

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
