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
    private final int httpStatus;

    public ApiException(ErrorCode code, String hint) {
        this(code, hint, Map.of());
    }

    public ApiException(ErrorCode code, String hint, Map<String, String> headers) {
        this(code, hint, headers, code.httpStatus());
    }

    /** With an HTTP status other than the code's own (api.md §2 rows that share a code, e.g. 30004 with 507). */
    public ApiException(ErrorCode code, String hint, Map<String, String> headers, int httpStatus) {
        super(code.wireName() + ": " + hint, null, false, false);
        this.code = code;
        this.hint = hint;
        this.headers = headers;
        this.httpStatus = httpStatus;
    }

    public ErrorCode code() {
        return code;
    }

    /** The HTTP status of the answer: the code's own unless this failure names another. */
    public int httpStatus() {
        return httpStatus;
    }

    public String hint() {
        return hint;
    }

    public Map<String, String> headers() {
        return headers;
    }

    public static ApiException invalid(String hint) {
        return new ApiException(ErrorCode.INVALID_ARGUMENT, hint);
    }

    public static ApiException notFound() {
        return new ApiException(ErrorCode.FILE_NOT_EXISTS, "file not found");
    }

    /**
     * A write refused for lack of disk space (ENOSPC, SQLITE_FULL, PostgreSQL disk_full): 30004 with the hint
     * {@code insufficient storage} and HTTP 507, as WebDAV servers (Nextcloud) answer a full disk (RFC 4918 §11.5).
     */
    public static ApiException insufficientStorage() {
        return new ApiException(ErrorCode.INTERNAL_ERROR, "insufficient storage", Map.of(), 507);
    }

    public static ApiException denied(String hint) {
        return new ApiException(ErrorCode.PERMISSION_DENIED, hint);
    }
}
