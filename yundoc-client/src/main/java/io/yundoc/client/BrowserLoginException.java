package io.yundoc.client;

/**
 * {@link OAuth#loginWithBrowser(BrowserLogin)} ended without a code: nothing came back in time, the user denied, or
 * the redirect was not this login's. No tokens were stored.
 */
public final class BrowserLoginException extends YundocClientException {
    /** Why the browser login ended. */
    public enum Reason {
        /** no redirect (and nothing pasted) within the timeout */
        TIMEOUT,
        /** the redirect carried {@code error} (the user denied, or the server refused) */
        DENIED,
        /** the redirect's {@code state} is not this login's: it belongs to another attempt, or was forged */
        STATE_MISMATCH,
        /** the redirect carried neither {@code code} nor {@code error} */
        NO_CODE
    }

    private final Reason reason;

    BrowserLoginException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
