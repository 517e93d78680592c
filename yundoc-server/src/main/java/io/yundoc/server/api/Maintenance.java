package io.yundoc.server.api;

/** The operator's maintenance switch: while on, every API call answers 40008. */
public final class Maintenance {
    private volatile boolean on;
    private volatile long retryAfterSeconds = 300;

    public boolean on() { return on; }

    public long retryAfterSeconds() { return retryAfterSeconds; }

    public void set(boolean on, long retryAfterSeconds) {
        this.on = on;
        this.retryAfterSeconds = Math.max(1, retryAfterSeconds);
    }
}
