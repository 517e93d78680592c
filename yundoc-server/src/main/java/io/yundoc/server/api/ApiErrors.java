package io.yundoc.server.api;

import io.helidon.http.HeaderNames;
import io.helidon.http.HeaderValues;
import io.helidon.webserver.http.ErrorHandler;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.yundoc.protocol.ErrorCode;
import io.yundoc.protocol.wire.Envelope;
import io.yundoc.server.core.ApiException;
import io.yundoc.server.core.Json;
import io.yundoc.server.core.Metrics;

/** Every {@link ApiException}: the envelope of api.md §1.2 with the HTTP status of api.md §2, and its headers. */
final class ApiErrors implements ErrorHandler<ApiException> {
    private final Metrics metrics;

    ApiErrors(Metrics metrics) {
        this.metrics = metrics;
    }

    @Override
    public void handle(ServerRequest req, ServerResponse res, ApiException ex) {
        Call call = req.context().get(Call.class).orElse(null);
        if (call == null) {
            sendBare(res, ex); // thrown outside a route's pipeline
            return;
        }
        send(call, ex);
        call.finish(metrics, ex.code().code());
    }

    /** The error answer, with the headers the call gathered so far (rate-limit headers) and the exception's own. */
    static void send(Call call, ApiException ex) {
        if (call.response().isSent()) {
            return;
        }
        call.headers.putAll(ex.headers());
        if (ex.code() == ErrorCode.ACCESS_TOKEN_INVALID || ex.code() == ErrorCode.INVALID_CODE) {
            call.headers.put("Cache-Control", "no-store");
        }
        call.send(ex.httpStatus(), Json.write(Envelope.Error.of(ex.code(), ex.hint())));
    }

    static void sendBare(ServerResponse res, ApiException ex) {
        ex.headers().forEach((name, value) -> res.header(HeaderValues.create(Call.headerName(name), value)));
        res.status(ex.httpStatus());
        res.header(HeaderNames.CONTENT_TYPE, "application/json; charset=utf-8");
        res.send(Json.write(Envelope.Error.of(ex.code(), ex.hint())));
    }
}
