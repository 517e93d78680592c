package io.yundoc.server.api;

import io.helidon.http.Header;
import io.helidon.http.HeaderNames;
import io.helidon.http.HeaderValues;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.yundoc.protocol.ErrorCode;
import io.yundoc.protocol.wire.Envelope;
import io.yundoc.server.core.Json;

/**
 * Request headers above {@link #BYTES} in all answer 431 and close the connection (api.md §1.3). Helidon itself
 * refuses a head above four times that before routing (see {@code EnvelopeDirectHandler}).
 */
public final class HeaderLimit {
    /** Request headers above this many bytes in all answer 431. */
    public static final int BYTES = 16 * 1024;

    private static final Status TOO_LARGE = Status.create(431, "Request Header Fields Too Large");

    private HeaderLimit() {}

    /** True (and answered 431) when the request's headers are over the limit. */
    static boolean refused(ServerRequest req, ServerResponse res) {
        if (headerBytes(req) <= BYTES) {
            return false;
        }
        res.status(TOO_LARGE);
        res.header(HeaderValues.CONNECTION_CLOSE);
        res.header(HeaderNames.CONTENT_TYPE, "application/json; charset=utf-8");
        res.send(Json.write(Envelope.Error.of(ErrorCode.INVALID_ARGUMENT, "request headers too large")));
        return true;
    }

    /** The size of the header block as sent: "name: value" and CRLF per field. */
    private static int headerBytes(ServerRequest req) {
        int n = 0;
        for (Header header : req.headers()) {
            n += header.name().length() + 4 + header.get().length();
        }
        return n;
    }
}
