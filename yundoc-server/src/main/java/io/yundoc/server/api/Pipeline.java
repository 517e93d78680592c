package io.yundoc.server.api;

import io.helidon.common.buffers.DataReader;
import io.helidon.http.BadRequestException;
import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.http.HeaderValues;
import io.helidon.webserver.CloseConnectionException;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.yundoc.protocol.ErrorCode;
import io.yundoc.server.core.ApiException;
import io.yundoc.server.core.DiskSpace;
import io.yundoc.server.core.Metrics;
import io.yundoc.server.core.PublicUrl;
import io.yundoc.server.core.ReadCache;
import java.io.UncheckedIOException;
import java.util.HexFormat;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The processing order of api.md §1.5, composed once per route from what the route is: in-flight count (for
 * {@link Draining}), header size (431, {@link HeaderLimit}), request id, NUL path,
 * (dev only) an armed fault, the maintenance switch (API routes), authentication with its quota count (see
 * {@link Authentication}), then the handler. Failures go to Helidon's error handlers ({@link ApiErrors},
 * {@link UnexpectedErrors}); only the outcomes that must close the connection are decided here, since an error
 * handler cannot close one.
 */
public final class Pipeline {
    private static final Logger LOG = Logger.getLogger(Pipeline.class.getName());
    static final HeaderName REQUEST_ID = HeaderNames.create("X-Request-Id");
    /** HTTP methods whose success means something was written (clears a "disk full" state). */
    private static final Set<String> WRITES = Set.of("POST", "PUT", "PATCH", "DELETE");

    private final Authentication authentication;
    private final Maintenance maintenance;
    /** Null outside dev mode: then no route pays for fault injection. */
    private final Faults faults;

    private final Metrics metrics;
    private final PublicUrl publicUrl;
    /** Null in tests without a data dir: full disks are still answered 507, just not reported. */
    private final DiskSpace disk;

    private final ReadCache cache;
    private final Draining draining;

    public Pipeline(
            Draining draining,
            Authentication authentication,
            Maintenance maintenance,
            Faults faults,
            Metrics metrics,
            PublicUrl publicUrl,
            DiskSpace disk,
            ReadCache cache) {
        this.draining = draining;
        this.authentication = authentication;
        this.maintenance = maintenance;
        this.faults = faults;
        this.metrics = metrics;
        this.publicUrl = publicUrl;
        this.disk = disk;
        this.cache = cache;
    }

    Metrics metrics() {
        return metrics;
    }

    DiskSpace disk() {
        return disk;
    }

    /** A route's entry: the request, and the values of its path parameters ({@link RouteIndex}). */
    @FunctionalInterface
    interface Route {
        void handle(ServerRequest req, ServerResponse res, String[] parameters) throws Exception;
    }

    /** The route's handler: the steps that apply to {@code e}, chosen once, then {@code h}. */
    Route handler(Endpoint e, CallHandler h) {
        String[] names = RouteIndex.parameterNames(e.template());
        boolean underApi = e.template().startsWith("/api/");
        // the admin API is never faulted, so tests can always clear faults
        boolean faultable = faults != null && e.auth() != Endpoint.Auth.ADMIN;
        boolean write = WRITES.contains(e.method());
        Authentication.Step authenticate = authentication.step(e);
        return (req, res, values) -> {
            draining.enter(res);
            try {
                if (!HeaderLimit.refused(req, res)) {
                    run(e, h, faultable, underApi, write, authenticate, req, res, names, values);
                }
            } finally {
                draining.leave();
            }
        };
    }

    private void run(
            Endpoint e,
            CallHandler h,
            boolean faultable,
            boolean underApi,
            boolean write,
            Authentication.Step authenticate,
            ServerRequest req,
            ServerResponse res,
            String[] names,
            String[] values)
            throws Exception {
        Call call = begin(e, req, res, names, values);
        Faults.Fault fault = faultable ? faults.take(req) : null;
        try {
            if (req.prologue().uriPath().path().indexOf('\0') >= 0) {
                // %00: as nginx, a 400 and one line; never a name or an id
                LOG.info("refused " + e.method() + " with NUL in the path [" + call.requestId() + "]");
                throw ApiException.invalid("malformed request path");
            }
            if (fault != null) {
                Faults.apply(fault, call);
            }
            if (underApi) {
                maintenance.refuseWhileOn();
            }
            authenticate.authenticate(call);
            h.handle(call);
            if (write && disk != null) {
                disk.succeeded(); // a write went through: the disk has room again (DiskSpace "just")
            }
            call.finish(metrics, 0);
        } catch (CloseConnectionException ex) {
            call.finish(metrics, 0);
            throw ex; // an injected drop: Helidon closes the connection without (finishing) an answer
        } catch (DataReader.InsufficientDataAvailableException ex) {
            // the request body ended early: the client went away, or was cut off by the body idle timeout.
            // Nobody is left to answer; Helidon closes the connection without a stack trace in the log
            LOG.fine("connection closed inside the request body of " + e.key() + " [" + call.requestId() + "]");
            call.finish(metrics, 0);
            throw new CloseConnectionException("request body ended early", ex);
        } catch (BadRequestException ex) {
            // the body's framing is broken (e.g. a malformed chunk size): one line, no stack trace, and the
            // connection closes since the next request's start cannot be found
            LOG.info("bad request body in " + e.key() + " [" + call.requestId() + "]: " + ex.getMessage());
            res.header(HeaderValues.CONNECTION_CLOSE);
            ApiErrors.send(call, ApiException.invalid("malformed request body: " + ex.getMessage()));
            call.finish(metrics, ErrorCode.INVALID_ARGUMENT.code());
            // and nothing more: Helidon would otherwise read on for the rest of the body and fail (and log) again
            throw new CloseConnectionException("malformed request body", ex);
        } catch (Exception ex) {
            if (!res.isSent()) {
                throw ex; // answered by the error handlers
            }
            afterTheAnswer(call, ex);
        }
    }

    /** The answer is already out (a stream broke off, a client went away): only the log and the metrics are left. */
    private void afterTheAnswer(Call call, Exception ex) {
        if (ex instanceof ApiException api) {
            call.finish(metrics, api.code().code());
            return;
        }
        if (DiskSpace.isOutOfSpace(ex)) {
            UnexpectedErrors.reportOutOfSpace(disk, call, ex);
        } else if (ex instanceof UncheckedIOException) {
            LOG.log(
                    Level.FINE,
                    "connection lost during " + call.endpoint().key() + " [" + call.requestId() + "]: "
                            + ex.getMessage());
        } else {
            LOG.log(Level.WARNING, "unhandled failure in " + call.endpoint().key() + " [" + call.requestId() + "]", ex);
        }
        call.finish(metrics, ErrorCode.INTERNAL_ERROR.code());
    }

    private Call begin(Endpoint e, ServerRequest req, ServerResponse res, String[] names, String[] values) {
        String requestId = requestId(req);
        res.header(HeaderValues.createCached(REQUEST_ID, requestId)); // not wrapped in a copy, as Call.send's
        Call call = new Call(
                e,
                requestId,
                req,
                res,
                names,
                values,
                () -> publicUrl.base(req),
                () -> publicUrl.clientAddress(req),
                cache.direct());
        req.context().register(call); // for the error handlers
        return call;
    }

    private static String requestId(ServerRequest req) {
        String sent = req.headers().first(REQUEST_ID).orElse(null);
        if (sent != null
                && !sent.isEmpty()
                && sent.length() <= 128
                && sent.chars().allMatch(c -> c >= 0x20 && c <= 0x7e)) {
            return sent;
        }
        byte[] b = new byte[8];
        ThreadLocalRandom.current().nextBytes(b);
        return HexFormat.of().formatHex(b);
    }
}
