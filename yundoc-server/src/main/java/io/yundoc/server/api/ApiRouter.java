package io.yundoc.server.api;

import io.helidon.http.HeaderNames;
import io.helidon.http.Method;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.yundoc.protocol.ErrorCode;
import io.yundoc.protocol.Scope;
import io.yundoc.protocol.wire.Envelope;
import io.yundoc.server.auth.AppRecord;
import io.yundoc.server.auth.Principal;
import io.yundoc.server.auth.TokenService;
import io.yundoc.server.auth.Wps2Authenticator;
import io.yundoc.server.core.ApiException;
import io.yundoc.server.core.DiskSpace;
import io.yundoc.server.core.Json;
import io.yundoc.server.core.Metrics;
import io.yundoc.server.core.PublicUrl;
import io.yundoc.server.core.ReadCache;
import io.yundoc.server.quota.QuotaService;
import io.yundoc.server.quota.Tier;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Registers routes with Helidon and runs every API call through the processing order of api.md §1.5:
 * route → maintenance → authentication → disabled user → scope → quota (counted here) → the handler
 * (parameters, lookup, operation). Keeps the routing table that {@code /openapi} is checked against.
 */
public final class ApiRouter {
    private static final Logger LOG = Logger.getLogger(ApiRouter.class.getName());
    private final HttpRouting.Builder routing;
    private final List<Endpoint> table = new ArrayList<>();
    private final TokenService tokens;
    private final Wps2Authenticator wps2;
    private final QuotaService quota;
    private final Metrics metrics;
    private final PublicUrl publicUrl;
    private final Supplier<String> adminToken;
    private final Maintenance maintenance;
    private final ReadCache cache;
    private final Faults faults = new Faults();
    /** Requests being answered now (every route comes through {@link #run}). */
    private final java.util.concurrent.atomic.AtomicInteger inFlight = new java.util.concurrent.atomic.AtomicInteger();
    private volatile boolean draining;
    /** HTTP methods whose success means something was written (clears a "disk full" state). */
    private static final java.util.Set<String> WRITES = java.util.Set.of("POST", "PUT", "PATCH", "DELETE");
    /** Null until {@link #diskSpace} is called: full disks are still answered 507, just not reported. */
    private volatile DiskSpace diskSpace;

    public ApiRouter(HttpRouting.Builder routing, TokenService tokens, Wps2Authenticator wps2, QuotaService quota,
                     Metrics metrics, PublicUrl publicUrl, Supplier<String> adminToken, Maintenance maintenance) {
        this(routing, tokens, wps2, quota, metrics, publicUrl, adminToken, maintenance, ReadCache.disabled());
    }

    /** @param cache the row cache, whose shared mode needs each metered call's reads checked (see {@link #meter}) */
    public ApiRouter(HttpRouting.Builder routing, TokenService tokens, Wps2Authenticator wps2, QuotaService quota,
                     Metrics metrics, PublicUrl publicUrl, Supplier<String> adminToken, Maintenance maintenance,
                     ReadCache cache) {
        this.routing = routing;
        this.tokens = tokens;
        this.wps2 = wps2;
        this.quota = quota;
        this.metrics = metrics;
        this.publicUrl = publicUrl;
        this.adminToken = adminToken;
        this.maintenance = maintenance;
        this.cache = cache;
    }

    /** Where write failures for lack of space are reported, for {@code /health} (set before serving). */
    public ApiRouter diskSpace(DiskSpace d) {
        this.diskSpace = d;
        return this;
    }

    /** An access-token route needing {@code scope}, metered in {@code tier}. */
    public void token(Method method, String template, Scope scope, Tier tier, CallHandler h) {
        add(new Endpoint(method.text(), template, Endpoint.Auth.TOKEN, scope, tier, false), h);
    }

    /** A WPS-2 route. A streaming route checks its body md5 itself with {@link #verifyBody}. */
    public void signed(Method method, String template, Tier tier, boolean streamingBody, CallHandler h) {
        add(new Endpoint(method.text(), template, Endpoint.Auth.WPS2, null, tier, streamingBody), h);
    }

    /** An admin API route (admin token required). */
    public void admin(Method method, String template, CallHandler h) {
        add(new Endpoint(method.text(), template, Endpoint.Auth.ADMIN, null, null, false), h);
    }

    /** A route without the API authentication: OAuth endpoints, pages, download URLs, health. */
    public void open(Method method, String template, CallHandler h) {
        add(new Endpoint(method.text(), template, Endpoint.Auth.NONE, null, null, false), h);
    }

    /**
     * The last route. Unmatched under {@code /api/} is 30005 NoImpl (api.md §1.7); a download URL asked with a method
     * other than GET, HEAD or OPTIONS is 405 (api.md §6); anything else is a small plain 404 page, as nginx answers.
     */
    public void fallback() {
        registerGroups();
        routing.any((req, res) -> run(new Endpoint(req.prologue().method().text(), "*", Endpoint.Auth.NONE, null, null,
                false), req, res, ApiRouter::unmatched));
    }

    private static void unmatched(Call c) {
        String method = c.request().prologue().method().text();
        String path = c.request().prologue().uriPath().path();
        if (path.equals("/api") || path.startsWith("/api/")) {
            throw new ApiException(ErrorCode.NO_IMPL, "no such API: " + method + " " + path);
        }
        if (path.startsWith("/dl/") && !method.equals("GET") && !method.equals("HEAD") && !method.equals("OPTIONS")) {
            methodNotAllowed(c, "GET, HEAD");
            return;
        }
        c.response().status(404);
        c.response().header(HeaderNames.CONTENT_TYPE, "text/html; charset=utf-8");
        c.response().header(HeaderNames.CACHE_CONTROL, "no-store");
        c.response().send(method.equals("HEAD") ? new byte[0] : NOT_FOUND_PAGE);
    }

    private static final byte[] NOT_FOUND_PAGE = ("<!DOCTYPE html>\n<html><head><title>404 Not Found</title></head>"
            + "<body><h1>404 Not Found</h1></body></html>\n").getBytes(StandardCharsets.UTF_8);

    /** 405 with the methods the resource allows (RFC 9110 §15.5.6) and no body. */
    public static void methodNotAllowed(Call c, String allow) {
        c.response().header("Allow", allow);
        c.response().status(405).send();
    }

    /** The dev-mode fault injection this router applies (design.md "Emulator controls"). */
    public Faults faults() {
        return faults;
    }

    public List<Endpoint> table() {
        return Collections.unmodifiableList(table);
    }

    /** Step 6 for streamed WPS-2 bodies (then the replay cache records the request). */
    public void verifyBody(Call call, String receivedMd5) {
        wps2.verifyBody(call.signature, receivedMd5, -1);
    }

    /** Step 6 for streamed WPS-2 bodies, knowing how many bytes arrived (0 → step 7's rules). */
    public void verifyBody(Call call, String receivedMd5, long receivedBytes) {
        wps2.verifyBody(call.signature, receivedMd5, receivedBytes);
    }

    /**
     * Prefixes whose routes are registered together as one Helidon service: a request is matched against the prefix
     * once, then only against that group's routes, instead of walking every route's pattern in turn.
     */
    private static final List<String> GROUPS = List.of("/api/v1/openapi/personal", "/api/v1/openapi/appspace",
            "/api/v1/openapi/user", "/api/v1/oauth2", "/admin/v1");
    private final java.util.Map<String, List<Runnable>> grouped = new java.util.LinkedHashMap<>();

    private void add(Endpoint e, CallHandler h) {
        table.add(e);
        io.helidon.webserver.http.Handler handler = (req, res) -> run(e, req, res, h);
        String path = e.helidonPath();
        for (String prefix : GROUPS) {
            if (path.startsWith(prefix + "/")) {
                String rest = path.substring(prefix.length());
                grouped.computeIfAbsent(prefix, k -> new ArrayList<>()).add(() -> pending.route(Method.create(e.method()), rest, handler));
                return;
            }
        }
        routing.route(Method.create(e.method()), path, handler);
    }

    /** The rules of the group being registered (set while its service's routing runs). */
    private io.helidon.webserver.http.HttpRules pending;

    private void registerGroups() {
        grouped.forEach((prefix, routes) -> routing.register(prefix, rules -> {
            pending = rules;
            routes.forEach(Runnable::run);
            pending = null;
        }));
        grouped.clear();
    }

    /** Request headers above this many bytes in all answer 431 (api.md §1.3). */
    public static final int HEADER_LIMIT = 16 * 1024;

    private void run(Endpoint e, ServerRequest req, ServerResponse res, CallHandler h) {
        inFlight.incrementAndGet();
        try {
            if (draining) {
                res.header(io.helidon.http.HeaderValues.CONNECTION_CLOSE); // no further request on this connection
            }
            if (headerBytes(req) > HEADER_LIMIT) {
                res.status(io.helidon.http.Status.create(431, "Request Header Fields Too Large"));
                res.header(io.helidon.http.HeaderValues.CONNECTION_CLOSE);
                res.header(HeaderNames.CONTENT_TYPE, "application/json; charset=utf-8");
                res.send(Json.write(Envelope.Error.of(ErrorCode.INVALID_ARGUMENT, "request headers too large")));
                return;
            }
            runCounted(e, req, res, h);
        } finally {
            inFlight.decrementAndGet();
        }
    }

    /** The size of the header block as sent: "name: value" and CRLF per field. */
    private static int headerBytes(ServerRequest req) {
        int n = 0;
        for (io.helidon.http.Header header : req.headers()) {
            n += header.name().length() + 4 + header.get().length();
        }
        return n;
    }

    /** True once {@link #drain} began: {@code /health} answers 503 and every answer closes its connection. */
    public boolean draining() {
        return draining;
    }

    /**
     * The first half of a graceful stop (a rolling restart behind a load balancer): from now on every answer closes its
     * connection, so the balancer opens new ones (to the other instances once this one stops listening), and this
     * waits until no request is in flight or {@code timeout} passed. Returns the number still in flight.
     */
    public int drain(java.time.Duration timeout) {
        draining = true;
        long deadline = System.nanoTime() + timeout.toNanos();
        while (inFlight.get() > 0 && System.nanoTime() < deadline) {
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        return inFlight.get();
    }

    private void runCounted(Endpoint e, ServerRequest req, ServerResponse res, CallHandler h) {
        long started = System.nanoTime();
        String requestId = requestId(req);
        res.header(io.helidon.http.HeaderValues.create(REQUEST_ID, requestId));
        Call call = new Call(req, res, () -> publicUrl.base(req), () -> publicUrl.clientAddress(req));
        int code = 0;
        // one volatile read when no fault is armed; the admin API is never faulted so tests can always clear them
        List<Faults.Fault> armed = faults.snapshot();
        Faults.Fault fault = armed.isEmpty() || e.auth() == Endpoint.Auth.ADMIN || req.prologue().uriPath().path().startsWith("/admin/")
                ? null : faults.take(armed, req.prologue().method().text(), req.prologue().uriPath().path()).orElse(null);
        try {
            if (req.prologue().uriPath().path().indexOf('\0') >= 0) {
                // %00: as nginx, a 400 and one line; never a name or an id
                LOG.info("refused " + e.method() + " with NUL in the path [" + requestId + "]");
                throw ApiException.invalid("malformed request path");
            }
            if (fault != null) {
                Faults.apply(fault, call);
            }
            authorize(e, call);
            h.handle(call);
            DiskSpace disk = diskSpace;
            if (disk != null && WRITES.contains(e.method())) {
                disk.succeeded(); // a write went through: the disk has room again (DiskSpace "just")
            }
        } catch (io.helidon.webserver.CloseConnectionException ex) {
            throw ex; // an injected drop: Helidon closes the connection without (finishing) an answer
        } catch (ApiException ex) {
            code = ex.code().code();
            sendError(call, ex);
        } catch (io.helidon.common.buffers.DataReader.InsufficientDataAvailableException ex) {
            // the request body ended early: the client went away, or was cut off by the body idle timeout.
            // Nobody is left to answer; Helidon closes the connection without a stack trace in the log
            LOG.fine("connection closed inside the request body of " + e.key() + " [" + requestId + "]");
            throw new io.helidon.webserver.CloseConnectionException("request body ended early", ex);
        } catch (io.helidon.http.BadRequestException ex) {
            // the body's framing is broken (e.g. a malformed chunk size): one line, no stack trace, and the
            // connection closes since the next request's start cannot be found
            code = ErrorCode.INVALID_ARGUMENT.code();
            LOG.info("bad request body in " + e.key() + " [" + requestId + "]: " + ex.getMessage());
            res.header(io.helidon.http.HeaderValues.CONNECTION_CLOSE);
            sendError(call, ApiException.invalid("malformed request body: " + ex.getMessage()));
            // and nothing more: Helidon would otherwise read on for the rest of the body and fail (and log) again
            throw new io.helidon.webserver.CloseConnectionException("malformed request body", ex);
        } catch (UncheckedIOException ex) {
            code = ErrorCode.INTERNAL_ERROR.code();
            if (outOfSpace(call, ex, e, requestId)) {
                return;
            }
            if (res.isSent()) {
                LOG.log(Level.FINE, "connection lost during " + e.key() + " [" + requestId + "]: " + ex.getMessage());
            } else {
                LOG.log(Level.WARNING, "I/O failure in " + e.key() + " [" + requestId + "]", ex);
                sendError(call, new ApiException(ErrorCode.INTERNAL_ERROR, "internal error; request id " + requestId));
            }
        } catch (Exception ex) {
            code = ErrorCode.INTERNAL_ERROR.code();
            if (outOfSpace(call, ex, e, requestId)) {
                return;
            }
            LOG.log(Level.WARNING, "unhandled failure in " + e.key() + " [" + requestId + "]", ex);
            sendError(call, new ApiException(ErrorCode.INTERNAL_ERROR, "internal error; request id " + requestId));
        } finally {
            cache.endCall();
            int answered = code; // the dev-mode request journal's view of this call (core.CallNotes)
            io.yundoc.server.core.CallNotes.of(req).ifPresent(n -> n.answered(answered, call.body));
            metrics.request(e.method(), e.template(), code, res.status().code(), System.nanoTime() - started);
        }
    }

    /**
     * A write refused by a full disk: 507 with 30004 {@code insufficient storage}, and {@code /health} reports it. What
     * was written is already undone by then (spool files deleted, transactions rolled back).
     */
    private boolean outOfSpace(Call call, Exception ex, Endpoint e, String requestId) {
        if (!DiskSpace.isOutOfSpace(ex)) {
            return false;
        }
        DiskSpace disk = diskSpace;
        if (disk != null) {
            disk.failed(ex);
        }
        Throwable root = ex;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        // the root cause only: a wrapping Jdbi message would print the statement's bound values (app keys)
        LOG.warning("no space left for " + e.key() + " [" + requestId + "]: " + root.getMessage());
        sendError(call, ApiException.insufficientStorage());
        return true;
    }

    private void authorize(Endpoint e, Call call) {
        ServerRequest req = call.request();
        if (maintenance.on() && e.template().startsWith("/api/")) {
            throw new ApiException(ErrorCode.ACCOUNT_UPGRADING, "service under maintenance",
                    java.util.Map.of("Retry-After", Long.toString(maintenance.retryAfterSeconds())));
        }
        switch (e.auth()) {
            case NONE, APP_KEY -> {
                return;
            }
            case ADMIN -> {
                String sent = req.headers().first(HeaderNames.AUTHORIZATION).orElse("");
                String expected = "Bearer " + adminToken.get();
                if (!MessageDigest.isEqual(sent.getBytes(StandardCharsets.UTF_8), expected.getBytes(StandardCharsets.UTF_8))) {
                    throw new ApiException(ErrorCode.ACCESS_TOKEN_INVALID, "admin token required");
                }
                return;
            }
            case TOKEN -> {
                if (e.tier() != null) {
                    cache.beginMeteredCall();
                }
                try {
                    call.principal = tokenPrincipal(e, req);
                } catch (ApiException refused) {
                    if (!cache.revalidate()) {
                        throw refused;
                    }
                    call.principal = tokenPrincipal(e, req); // the refusal came from out-of-date cached rows
                }
                meter(e, call, () -> call.principal = tokenPrincipal(e, req));
            }
            case WPS2 -> {
                boolean bodyEmpty;
                if (e.streamingBody()) {
                    bodyEmpty = !req.content().hasEntity();
                } else {
                    bodyEmpty = call.body().length == 0;
                }
                if (e.tier() != null) {
                    cache.beginMeteredCall();
                }
                Wps2Authenticator.Verified v = wps2.verifyHeaders(req, bodyEmpty);
                call.signature = v;
                call.app = v.app();
                if (!e.streamingBody() && !bodyEmpty) {
                    wps2.verifyBody(v, io.yundoc.protocol.Hex.md5(call.body()), call.body().length);
                }
                meter(e, call, () -> call.app = wps2.recheck(v));
            }
            default -> throw new IllegalStateException();
        }
    }

    /** Authentication, disabled app and user, and scope, for an access-token route (api.md §1.5 steps 3–5). */
    private Principal tokenPrincipal(Endpoint e, ServerRequest req) {
        Principal p = tokens.authenticate(accessToken(req));
        if (p.appDisabled()) {
            throw new ApiException(ErrorCode.AUDIT_NOT_PASS, "app is disabled");
        }
        if (p.userDisabled()) {
            throw new ApiException(ErrorCode.USER_ACCOUNT_RESTRICTED, "user account is disabled");
        }
        if (e.scope() != null && !p.scopes().contains(e.scope())) {
            throw new ApiException(ErrorCode.PERMISSION_DENIED, "scope " + e.scope().wireName() + " not granted");
        }
        return p;
    }

    /**
     * Counts the call. In the shared cache mode the quota round trip also checks the rows authentication read from the
     * cache: if they were out of date it counts nothing, and {@code reauthenticate} decides again on rows read afresh
     * (a refusal then stands and nothing was counted). The second count cannot be refused that way: the call knows its
     * generation by then.
     */
    private void meter(Endpoint e, Call call, Runnable reauthenticate) {
        if (e.tier() == null) {
            return;
        }
        for (int attempt = 1; ; attempt++) {
            try {
                if (call.principal != null) {
                    Principal p = call.principal;
                    quota.consume(p.appId(), "formal".equals(p.appTier()), p.quotaOverrides(), e.key(), e.tier())
                            .addHeaders(call.headers);
                } else {
                    AppRecord a = call.app;
                    quota.consume(a.appId(), a.formal(), a.quotaOverrides(), e.key(), e.tier()).addHeaders(call.headers);
                }
                return;
            } catch (ReadCache.StaleRead stale) {
                if (attempt == 3) {
                    throw new IllegalStateException("rows stayed out of date across re-reads", stale);
                }
                reauthenticate.run();
            }
        }
    }

    /** {@code ?access_token=} wins over {@code Authorization: Bearer} (api.md §3.2). */
    private static String accessToken(ServerRequest req) {
        String q = req.query().first("access_token").orElse(null);
        if (q != null && !q.isEmpty()) {
            return q;
        }
        String h = req.headers().first(HeaderNames.AUTHORIZATION).orElse("");
        if (h.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return h.substring(7).trim();
        }
        return null;
    }

    private static void sendError(Call call, ApiException ex) {
        ServerResponse res = call.response();
        if (res.isSent()) {
            return;
        }
        call.headers.putAll(ex.headers());
        if (ex.code() == ErrorCode.ACCESS_TOKEN_INVALID || ex.code() == ErrorCode.INVALID_CODE) {
            call.headers.put("Cache-Control", "no-store");
        }
        call.send(ex.httpStatus(), Json.write(Envelope.Error.of(ex.code(), ex.hint())));
    }

    private static final io.helidon.http.HeaderName REQUEST_ID = HeaderNames.create("X-Request-Id");

    private static String requestId(ServerRequest req) {
        String sent = req.headers().first(REQUEST_ID).orElse(null);
        if (sent != null && !sent.isEmpty() && sent.length() <= 128 && sent.chars().allMatch(c -> c >= 0x20 && c <= 0x7e)) {
            return sent;
        }
        byte[] b = new byte[8];
        ThreadLocalRandom.current().nextBytes(b);
        return HexFormat.of().formatHex(b);
    }
}
