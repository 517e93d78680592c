package io.yundoc.server.api;

import io.yundoc.protocol.ErrorCode;
import io.yundoc.server.core.ApiException;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The operator's maintenance switch: while on, every API call answers 40008. In scale-out mode the switch is
 * persisted through {@code onChange} and other instances {@link #adopt} it, so it holds for the whole fleet.
 */
public final class Maintenance {
    private volatile boolean on;
    private volatile long retryAfterSeconds = 300;
    private volatile Consumer<String> onChange = v -> {};

    public boolean on() {
        return on;
    }

    public long retryAfterSeconds() {
        return retryAfterSeconds;
    }

    /** Step 2 of api.md §1.5 for API routes: 40008 with Retry-After while the switch is on. */
    void refuseWhileOn() {
        if (on) {
            throw new ApiException(
                    ErrorCode.ACCOUNT_UPGRADING,
                    "service under maintenance",
                    Map.of("Retry-After", Long.toString(retryAfterSeconds)));
        }
    }

    public void set(boolean on, long retryAfterSeconds) {
        adopt(on, retryAfterSeconds);
        onChange.accept(encoded());
    }

    /** Takes a state another instance stored, without writing it back. */
    public void adopt(boolean on, long retryAfterSeconds) {
        this.on = on;
        this.retryAfterSeconds = Math.max(1, retryAfterSeconds);
    }

    /** {@code on:retry} / {@code off:retry}, the stored form. */
    public String encoded() {
        return (on ? "on" : "off") + ":" + retryAfterSeconds;
    }

    public void adopt(String encoded) {
        int c = encoded.indexOf(':');
        if (c > 0) {
            adopt(encoded.substring(0, c).equals("on"), Long.parseLong(encoded.substring(c + 1)));
        }
    }

    public void onChange(Consumer<String> listener) {
        this.onChange = listener;
    }
}
