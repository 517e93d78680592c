package io.yundoc.server.core;

import io.yundoc.protocol.ErrorCode;
import java.util.Map;

/**
 * A failure that reaches the client as the documented envelope: its code, name, HTTP status and a hint.
 * Extra headers (Retry-After, rate-limit headers) ride along.
 */
public final class ApiException extends RuntimeException {
    private final ErrorCode code;
    private final String hint;
    private final Map<String, String> headers;

    public ApiException(ErrorCode code, String hint) {
        this(code, hint, Map.of());
    }

    public ApiException(ErrorCode code, String hint, Map<String, String> headers) {
        super(code.wireName() + ": " + hint, null, false, false);
        this.code = code;
        this.hint = hint;
        this.headers = headers;
    }

    public ErrorCode code() { return code; }

    public String hint() { return hint; }

    public Map<String, String> headers() { return headers; }

    public static ApiException invalid(String hint) {
        return new ApiException(ErrorCode.INVALID_ARGUMENT, hint);
    }

    public static ApiException notFound() {
        return new ApiException(ErrorCode.FILE_NOT_EXISTS, "file not found");
    }

    public static ApiException denied(String hint) {
        return new ApiException(ErrorCode.PERMISSION_DENIED, hint);
    }
}
