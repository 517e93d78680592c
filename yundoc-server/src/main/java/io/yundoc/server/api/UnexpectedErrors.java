package io.yundoc.server.api;

import io.helidon.webserver.http.ErrorHandler;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.yundoc.protocol.ErrorCode;
import io.yundoc.server.core.ApiException;
import io.yundoc.server.core.DiskSpace;
import io.yundoc.server.core.Metrics;
import java.io.UncheckedIOException;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Every other exception a route throws: logged once with its stack, answered 30004 naming the request id and nothing
 * else; a write refused by a full disk is answered 507 (api.md §2) and reported to {@code /health}.
 */
final class UnexpectedErrors implements ErrorHandler<Exception> {
    private static final Logger LOG = Logger.getLogger(UnexpectedErrors.class.getName());
    private final Metrics metrics;
    private final DiskSpace disk;

    UnexpectedErrors(Metrics metrics, DiskSpace disk) {
        this.metrics = metrics;
        this.disk = disk;
    }

    @Override
    public void handle(ServerRequest req, ServerResponse res, Exception ex) {
        Call call = req.context().get(Call.class).orElse(null);
        if (call == null) {
            LOG.log(Level.WARNING, "unhandled failure outside a route", ex);
            ApiErrors.sendBare(res, new ApiException(ErrorCode.INTERNAL_ERROR, "internal error"));
            return;
        }
        if (DiskSpace.isOutOfSpace(ex)) {
            // what was written is already undone by then (spool files deleted, transactions rolled back)
            reportOutOfSpace(disk, call, ex);
            ApiErrors.send(call, ApiException.insufficientStorage());
        } else {
            String what = ex instanceof UncheckedIOException ? "I/O failure in " : "unhandled failure in ";
            LOG.log(Level.WARNING, what + call.endpoint().key() + " [" + call.requestId() + "]", ex);
            ApiErrors.send(
                    call, new ApiException(ErrorCode.INTERNAL_ERROR, "internal error; request id " + call.requestId()));
        }
        call.finish(metrics, ErrorCode.INTERNAL_ERROR.code());
    }

    /** A write refused by a full disk: {@code /health} reports it, and one line says where (no bound values). */
    static void reportOutOfSpace(DiskSpace disk, Call call, Exception ex) {
        if (disk != null) {
            disk.failed(ex);
        }
        Throwable root = ex;
        while (root.getCause() != null && !root.getCause().equals(root)) { // Throwable.equals is identity
            root = root.getCause();
        }
        // the root cause only: a wrapping Jdbi message would print the statement's bound values (app keys)
        LOG.warning("no space left for " + call.endpoint().key() + " [" + call.requestId() + "]: " + root.getMessage());
    }
}
