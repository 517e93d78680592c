package io.yundoc.testkit;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A fault for {@link YundocEmulator#addFault(Fault)}: the body of {@code POST /admin/v1/faults} (docs/design.md
 * "Emulator controls"). One effect on one route, for a number of requests, with a probability, or until cleared:
 * <pre>{@code
 * yundoc.addFault(Fault.on("GET /dl/**").dropAfterBytes(300_000).count(1));
 * yundoc.addFault(Fault.on("GET /api/v1/openapi/personal/files").code(30010));
 * }</pre>
 * The server checks the combination (one effect, count or probability) and answers 10001 for a bad one.
 */
public final class Fault {
    private final Map<String, Object> body = new LinkedHashMap<>();

    private Fault(String route) {
        body.put("route", Objects.requireNonNull(route, "route"));
    }

    /**
     * A fault for the requests that match {@code route}.
     *
     * @param route {@code "<METHOD> <path>"}, where {@code *} matches one path segment and {@code **} any number,
     *              e.g. {@code "GET /dl/**"}
     */
    public static Fault on(String route) {
        return new Fault(route);
    }

    /** Answers this api.md error code with its envelope and HTTP status. */
    public Fault code(int code) {
        body.put("code", code);
        return this;
    }

    /** With {@link #code}: a {@code Retry-After} header of this many seconds. */
    public Fault retryAfterSeconds(long seconds) {
        body.put("retry_after_seconds", seconds);
        return this;
    }

    /** An extra delay before the answer. */
    public Fault latency(Duration latency) {
        body.put("latency_ms", latency.toMillis());
        return this;
    }

    /** Closes the connection without an answer. */
    public Fault drop() {
        body.put("drop", true);
        return this;
    }

    /** Closes the connection after this many body bytes. */
    public Fault dropAfterBytes(long bytes) {
        body.put("drop", true);
        body.put("drop_after_bytes", bytes);
        return this;
    }

    /** Flips a byte of the body served. */
    public Fault corrupt() {
        body.put("corrupt", true);
        return this;
    }

    /** Applies to the next {@code n} matching requests only. */
    public Fault count(int n) {
        body.put("count", n);
        return this;
    }

    /** Applies to each matching request with this probability (0–1). */
    public Fault probability(double p) {
        body.put("probability", p);
        return this;
    }

    /** The JSON body as a map, in the order the fields were set. */
    public Map<String, Object> toMap() {
        return new LinkedHashMap<>(body);
    }

    @Override
    public String toString() {
        return "Fault" + body;
    }
}
