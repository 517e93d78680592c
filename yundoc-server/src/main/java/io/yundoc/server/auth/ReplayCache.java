package io.yundoc.server.auth;

/** Remembers verified signed writes for the Date window so the same request is refused the second time. */
public interface ReplayCache {
    /**
     * Records {@code key} until {@code expiresAtMillis} if it is not recorded yet, atomically: of two concurrent
     * calls with the same key exactly one gets true.
     */
    boolean firstSeen(String key, long expiresAtMillis);

    /**
     * Whether {@code key} is recorded now, without recording it: lets a replayed upload be refused before its body
     * is read. A cache that cannot answer cheaply may return false; {@link #firstSeen} still decides.
     */
    default boolean seen(String key) {
        return false;
    }

    /** Forgets a key (not needed by the current flow, which records only verified requests). */
    void forget(String key);
}
