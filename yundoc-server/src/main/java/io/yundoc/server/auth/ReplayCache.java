package io.yundoc.server.auth;

/** Remembers verified signed writes for the Date window so the same request is refused the second time. */
public interface ReplayCache {
    /** Records {@code key} until {@code expiresAtMillis}; false when it was already recorded and not expired. */
    boolean firstSeen(String key, long expiresAtMillis);

    /** Forgets a key recorded by a request that failed verification later (its body did not match). */
    void forget(String key);
}
