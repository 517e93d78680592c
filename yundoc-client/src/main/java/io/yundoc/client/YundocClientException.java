package io.yundoc.client;

/**
 * The call failed on the client's side of the wire: the network (after the configured retries), an answer that is
 * not the API's JSON, a refused redirect, or a local file. No server error code is involved; see
 * {@link YundocException} for those.
 */
public class YundocClientException extends RuntimeException {
    /** @param message what went wrong, without secrets */
    public YundocClientException(String message) {
        super(message);
    }

    /**
     * @param message what went wrong, without secrets
     * @param cause   the underlying failure
     */
    public YundocClientException(String message, Throwable cause) {
        super(message, cause);
    }
}
