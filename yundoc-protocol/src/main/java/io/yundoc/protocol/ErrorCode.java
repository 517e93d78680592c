package io.yundoc.protocol;

/**
 * The KDocs error codes with their names and the HTTP status yundoc gives each (api.md §2).
 * The name is sent both as {@code msg} and as {@code result}.
 */
public enum ErrorCode {
    INVALID_ARGUMENT(10001, "InvalidArgument", 400),
    TIMEOUT(10002, "Timeout", 504),
    PERMISSION_DENIED(10003, "PermissionDenied", 403),
    INVALID_CODE(20001, "InvalidCode", 400),
    APP_NOT_EXIST(20002, "AppNotExist", 400),
    INVALID_SCOPE(20003, "InvalidScope", 400),
    INVALID_REDIRECT_URI(20004, "InvalidRedirectUri", 400),
    INVALID_RESPONSE_TYPE(20005, "InvalidResponseType", 400),
    AUDIT_NOT_PASS(20006, "AuditNotPass", 403),
    ACCESS_TOKEN_INVALID(20007, "AccessTokenInvalid", 401),
    USER_UNAUTHORIZED(30001, "UserUnauthorized", 401),
    RATE_LIMITER(30002, "RateLimiter", 429),
    INVALID_SIGNATURE(30003, "InvalidSignature", 401),
    INTERNAL_ERROR(30004, "InternalError", 500),
    NO_IMPL(30005, "NoImpl", 501),
    ONLINE_FILE_TYPE(30006, "OnlineFileType", 409),
    USER_ACCOUNT_RESTRICTED(30007, "UserAccountRestrictedAccess", 403),
    FILE_SIZE_LIMITED(30008, "FileSizeLimited", 413),
    DOWNLOAD_FAIL(30009, "DownloadFail", 502),
    TOO_MANY_TASK(30010, "TooManyTask", 429),
    EXECUTE_FAILED(30011, "ExecuteFailed", 500),
    FILE_NOT_EXISTS(30012, "FileNotExists", 404),
    LINK_NOT_EXISTS(30014, "LinkNotExists", 404),
    FILE_NAME_CONFLICT(30015, "FileNameConflict", 409),
    TOO_MANY_WEBHOOKS(30016, "TooManyWebhooks", 429),
    INVALID_PERMISSION_RESPONSE(40001, "InvalidPermissionResponse", 500),
    ACCOUNT_UPGRADING(40008, "AccountUpgrading", 503);

    private final int code;
    private final String wireName;
    private final int httpStatus;

    ErrorCode(int code, String wireName, int httpStatus) {
        this.code = code;
        this.wireName = wireName;
        this.httpStatus = httpStatus;
    }

    public int code() {
        return code;
    }

    /** The name clients see in {@code msg} and {@code result}. */
    public String wireName() {
        return wireName;
    }

    public int httpStatus() {
        return httpStatus;
    }

    public static ErrorCode of(int code) {
        for (ErrorCode c : values()) {
            if (c.code == code) {
                return c;
            }
        }
        throw new IllegalArgumentException("unknown error code " + code);
    }
}
