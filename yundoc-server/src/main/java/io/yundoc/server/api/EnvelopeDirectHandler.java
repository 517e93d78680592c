package io.yundoc.server.api;

import io.helidon.http.DirectHandler;
import io.helidon.http.HeaderNames;
import io.helidon.http.ServerResponseHeaders;
import io.helidon.http.Status;
import io.yundoc.protocol.ErrorCode;
import io.yundoc.protocol.wire.Envelope;
import io.yundoc.server.core.Json;
import java.util.logging.Logger;

/**
 * Requests Helidon refuses before routing (unparseable request line, bad headers, oversized headers) still get the
 * documented envelope instead of Helidon's plain text, and never an exception message.
 */
public final class EnvelopeDirectHandler implements DirectHandler {
    private static final Logger LOG = Logger.getLogger(EnvelopeDirectHandler.class.getName());

    @Override
    public TransportResponse handle(
            TransportRequest request,
            EventType eventType,
            Status status,
            ServerResponseHeaders headers,
            String message) {
        if (status.code() < 500) {
            // one line per refused request, as nginx's "client sent invalid request"; Helidon logs these at DEBUG
            LOG.info(() -> "refused before routing: " + status.code() + " " + eventType + " "
                    + printable(request.method()) + " " + printable(request.path()) + " (" + printable(message) + ")");
        }
        ErrorCode code = switch (eventType) {
            case PAYLOAD_TOO_LARGE -> ErrorCode.FILE_SIZE_LIMITED;
            case INTERNAL_ERROR -> ErrorCode.INTERNAL_ERROR;
            case BAD_REQUEST, HTTP_VERSION_NOT_SUPPORTED -> ErrorCode.INVALID_ARGUMENT;
            case FORBIDDEN -> ErrorCode.PERMISSION_DENIED;
            default -> status.code() >= 500 ? ErrorCode.INTERNAL_ERROR : ErrorCode.INVALID_ARGUMENT;
        };
        String hint = switch (status.code()) {
            case 414 -> "request line too long";
            case 431 -> "request headers too large";
            default -> code == ErrorCode.INTERNAL_ERROR ? "internal error" : "malformed request";
        };
        return TransportResponse.builder()
                .status(status)
                .headers(headers)
                .header(HeaderNames.CONTENT_TYPE, "application/json; charset=utf-8")
                .entity(Json.write(Envelope.Error.of(code, hint)))
                .keepAlive(false)
                .build();
    }

    /** Client text fit for one log line: at most 200 characters, controls and non-ASCII escaped. */
    static String printable(String s) {
        if (s == null || s.isEmpty()) {
            return "-";
        }
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length() && i < 200; i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c > 0x7e) {
                b.append(String.format("\\u%04x", (int) c));
            } else {
                b.append(c);
            }
        }
        return s.length() > 200 ? b + "..." : b.toString();
    }
}
