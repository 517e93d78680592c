package io.yundoc.server.api;

import io.helidon.webserver.CloseConnectionException;
import io.helidon.webserver.http.ServerRequest;
import io.yundoc.protocol.ErrorCode;
import io.yundoc.server.core.ApiException;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Dev-mode fault injection (design.md "Emulator controls"): chosen routes answer an error code, wait, drop the
 * connection (optionally after N body bytes) or serve a corrupted body. The list is copy-on-write behind one
 * volatile field, so the request pipeline pays a single volatile read while no fault exists. Faults live in memory:
 * they are a test control of one instance, not data.
 */
public final class Faults {
    /** One armed fault. {@code remaining} is null when the fault lasts until cleared or uses a probability. */
    public static final class Fault {
        final String id;
        final String method;
        final String[] segments;
        final String route;
        final ErrorCode code;
        final long retryAfterSeconds;
        final long latencyMs;
        final boolean drop;
        final long dropAfterBytes;
        final boolean corrupt;
        final AtomicLong remaining;
        final Double probability;
        final AtomicLong hits = new AtomicLong();

        Fault(
                String id,
                String method,
                String path,
                String route,
                ErrorCode code,
                long retryAfterSeconds,
                long latencyMs,
                boolean drop,
                long dropAfterBytes,
                boolean corrupt,
                Long count,
                Double probability) {
            this.id = id;
            this.method = method;
            this.segments = split(path);
            this.route = route;
            this.code = code;
            this.retryAfterSeconds = retryAfterSeconds;
            this.latencyMs = latencyMs;
            this.drop = drop;
            this.dropAfterBytes = dropAfterBytes;
            this.corrupt = corrupt;
            this.remaining = count == null ? null : new AtomicLong(count);
            this.probability = probability;
        }

        public String id() {
            return id;
        }

        /** The admin API's view of the fault. */
        public Map<String, Object> view() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("fault_id", id);
            m.put("route", route);
            if (code != null) {
                m.put("code", code.code());
                m.put("retry_after_seconds", retryAfterSeconds);
            }
            if (latencyMs > 0) {
                m.put("latency_ms", latencyMs);
            }
            if (drop) {
                m.put("drop", true);
                if (dropAfterBytes >= 0) {
                    m.put("drop_after_bytes", dropAfterBytes);
                }
            }
            if (corrupt) {
                m.put("corrupt", true);
            }
            if (remaining != null) {
                m.put("count", remaining.get());
            }
            if (probability != null) {
                m.put("probability", probability);
            }
            m.put("hits", hits.get());
            return m;
        }
    }

    /** What the pipeline must do for one request. */
    public record Effect(Fault fault) {}

    private volatile List<Fault> faults = List.of();
    private final AtomicLong counter = new AtomicLong();

    /** Arms a fault; exactly one effect must be given. */
    public synchronized Fault add(
            String route,
            Integer code,
            Long retryAfterSeconds,
            Long latencyMs,
            Boolean drop,
            Long dropAfterBytes,
            Boolean corrupt,
            Long count,
            Double probability) {
        if (route == null || route.isBlank()) {
            throw ApiException.invalid("route is required, e.g. \"GET /api/v1/openapi/personal/files/*/download\"");
        }
        String[] mp = route.trim().split("\\s+", 2);
        if (mp.length != 2 || !mp[1].startsWith("/")) {
            throw ApiException.invalid("route must be \"<METHOD> <path>\"");
        }
        String method = mp[0].toUpperCase(Locale.ROOT);
        if (!method.matches("[A-Z]{1,16}|\\*")) {
            throw ApiException.invalid("route method is invalid");
        }
        String path = mp[1];
        if (path.equals("/admin") || path.startsWith("/admin/")) {
            throw ApiException.invalid("the admin API cannot be faulted");
        }
        int effects = (code != null ? 1 : 0)
                + (latencyMs != null ? 1 : 0)
                + (Boolean.TRUE.equals(drop) ? 1 : 0)
                + (Boolean.TRUE.equals(corrupt) ? 1 : 0);
        if (effects != 1) {
            throw ApiException.invalid("exactly one of code, latency_ms, drop: true, corrupt: true is required");
        }
        ErrorCode ec = null;
        if (code != null) {
            try {
                ec = ErrorCode.of(code);
            } catch (IllegalArgumentException e) {
                throw ApiException.invalid("code is not an api.md error code");
            }
        }
        if (latencyMs != null && (latencyMs < 0 || latencyMs > 600_000)) {
            throw ApiException.invalid("latency_ms must be 0 to 600000");
        }
        if (dropAfterBytes != null && (dropAfterBytes < 0 || !Boolean.TRUE.equals(drop))) {
            throw ApiException.invalid("drop_after_bytes must be >= 0 and needs drop: true");
        }
        if (count != null && probability != null) {
            throw ApiException.invalid("count and probability exclude each other");
        }
        if (count != null && count < 1) {
            throw ApiException.invalid("count must be >= 1");
        }
        if (probability != null && (probability.isNaN() || probability < 0 || probability > 1)) {
            throw ApiException.invalid("probability must be between 0 and 1");
        }
        long retryAfter = retryAfterSeconds == null ? 1 : retryAfterSeconds;
        if (retryAfter < 0 || retryAfter > 86_400) {
            throw ApiException.invalid("retry_after_seconds must be 0 to 86400");
        }
        Fault f = new Fault(
                "fault-" + counter.incrementAndGet(),
                method,
                path,
                method + " " + path,
                ec,
                retryAfter,
                latencyMs == null ? 0 : latencyMs,
                Boolean.TRUE.equals(drop),
                dropAfterBytes == null ? -1 : dropAfterBytes,
                Boolean.TRUE.equals(corrupt),
                count,
                probability);
        List<Fault> next = new ArrayList<>(faults);
        next.add(f);
        faults = List.copyOf(next);
        return f;
    }

    public List<Fault> list() {
        return faults;
    }

    public synchronized void clear() {
        faults = List.of();
    }

    /** Removes one fault; false when there is no such fault. */
    public synchronized boolean remove(String id) {
        List<Fault> next = new ArrayList<>(faults);
        boolean removed = next.removeIf(f -> f.id.equals(id));
        faults = List.copyOf(next);
        return removed;
    }

    /** The fault that fires for this request (never under {@code /admin/}), or null: one volatile read while none is armed. */
    Fault take(ServerRequest req) {
        List<Fault> armed = faults;
        if (armed.isEmpty()) {
            return null;
        }
        String path = req.prologue().uriPath().path();
        return path.startsWith("/admin/")
                ? null
                : take(armed, req.prologue().method().text(), path).orElse(null);
    }

    /** The first fault that fires for this request, consuming one of its counts. */
    Optional<Fault> take(List<Fault> current, String method, String path) {
        String[] segs = split(path);
        for (Fault f : current) {
            if (!(f.method.equals("*") || f.method.equals(method)) || !matches(f.segments, 0, segs, 0)) {
                continue;
            }
            if (f.probability != null && ThreadLocalRandom.current().nextDouble() >= f.probability) {
                continue;
            }
            if (f.remaining != null) {
                long left = f.remaining.decrementAndGet();
                if (left < 0) {
                    continue;
                }
                if (left == 0) {
                    synchronized (this) {
                        List<Fault> next = new ArrayList<>(faults);
                        next.remove(f);
                        faults = List.copyOf(next);
                    }
                }
            }
            f.hits.incrementAndGet();
            return Optional.of(f);
        }
        return Optional.empty();
    }

    /** Runs the fault's effect before the handler; stream effects are installed as a response filter. */
    static void apply(Fault f, Call call) {
        if (f.code != null) {
            Map<String, String> headers = switch (f.code) {
                case RATE_LIMITER, TOO_MANY_TASK, ACCOUNT_UPGRADING ->
                    Map.of("Retry-After", Long.toString(Math.max(1, f.retryAfterSeconds)));
                default -> Map.of();
            };
            throw new ApiException(f.code, "injected fault " + f.id, headers);
        }
        if (f.latencyMs > 0) {
            try {
                Thread.sleep(f.latencyMs);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (f.drop) {
            if (f.dropAfterBytes < 0) {
                throw new CloseConnectionException("injected fault " + f.id + ": connection dropped");
            }
            call.response().streamFilter(out -> new Dropping(out, f.dropAfterBytes, f.id));
        }
        if (f.corrupt) {
            call.response().streamFilter(Corrupting::new);
        }
    }

    static String[] split(String path) {
        String p = path.startsWith("/") ? path.substring(1) : path;
        return p.isEmpty() ? new String[0] : p.split("/", -1);
    }

    /** {@code *} matches one segment, {@code **} any rest (zero or more segments). */
    static boolean matches(String[] pat, int i, String[] path, int j) {
        if (i == pat.length) {
            return j == path.length;
        }
        if (pat[i].equals("**")) {
            return true;
        }
        if (j == path.length) {
            return false;
        }
        if (!pat[i].equals("*") && !pat[i].equals(path[j])) {
            return false;
        }
        return matches(pat, i + 1, path, j + 1);
    }

    /** Passes the first N body bytes, flushes them, then closes the connection without finishing the answer. */
    private static final class Dropping extends FilterOutputStream {
        private long left;
        private final String id;

        Dropping(OutputStream out, long n, String id) {
            super(out);
            this.left = n;
            this.id = id;
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            if (len <= left) {
                out.write(b, off, len);
                left -= len;
                return;
            }
            out.write(b, off, (int) left);
            left = 0;
            out.flush();
            throw new CloseConnectionException("injected fault " + id + ": connection dropped mid-body");
        }
    }

    /** Flips one bit of the first body byte: length unchanged, checksum broken. */
    private static final class Corrupting extends FilterOutputStream {
        private boolean done;

        Corrupting(OutputStream out) {
            super(out);
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            if (!done && len > 0) {
                byte[] copy = Arrays.copyOfRange(b, off, off + len);
                copy[0] ^= 0x01;
                done = true;
                out.write(copy, 0, len);
                return;
            }
            out.write(b, off, len);
        }
    }
}
