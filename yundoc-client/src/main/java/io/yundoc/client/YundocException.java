package io.yundoc.client;

import java.time.Duration;
import java.util.Optional;

/**
 * The server answered with an error envelope ({@code {"code":N,"msg":"Name","hint":"..."}}, api.md §1.2 and §2).
 * Branch on {@link #code()}: names and HTTP statuses are there for logs and generic middleware, and the
 * {@link #hint()} is free text for people.
 */
public class YundocException extends RuntimeException {
    private final int code;
    private final String name;
    private final String hint;
    private final int httpStatus;
    private final String requestId;
    private final Duration retryAfter;

    /**
     * @param code       the KDocs error code, e.g. 30012
     * @param name       its name as sent in {@code msg}/{@code result}, e.g. {@code FileNotExists}
     * @param hint       the server's human-readable detail (may be empty)
     * @param httpStatus the HTTP status of the answer
     * @param requestId  the {@code X-Request-Id} of the answer, or null
     * @param retryAfter the {@code Retry-After} the server sent, or null
     */
    public YundocException(int code, String name, String hint, int httpStatus, String requestId, Duration retryAfter) {
        super(code + " " + name + (hint == null || hint.isEmpty() ? "" : ": " + hint) + " (HTTP " + httpStatus
                + (requestId == null ? "" : ", request id " + requestId) + ")");
        this.code = code;
        this.name = name;
        this.hint = hint == null ? "" : hint;
        this.httpStatus = httpStatus;
        this.requestId = requestId;
        this.retryAfter = retryAfter;
    }

    /** The KDocs error code (api.md §2), e.g. 20007 for an invalid access token. */
    public int code() {
        return code;
    }

    /** The error name, e.g. {@code AccessTokenInvalid}. */
    public String name() {
        return name;
    }

    /** The server's human-readable detail; never parse it. */
    public String hint() {
        return hint;
    }

    /** The HTTP status code of the answer. */
    public int httpStatus() {
        return httpStatus;
    }

    /** The request id the server logged this call under, for support requests. */
    public Optional<String> requestId() {
        return Optional.ofNullable(requestId);
    }

    /** How long the server asked the client to wait (30002, 30010, 40008), if it said. */
    public Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }

    /** True for the codes that mean the caller's credentials are bad: token, code, app key or signature. */
    public boolean isAuthError() {
        return code == 20001 || code == 20002 || code == 20006 || code == 20007 || code == 30003 || code == 30007;
    }
}
