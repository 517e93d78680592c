package io.yundoc.server.auth;

import io.yundoc.protocol.Hex;
import java.nio.charset.StandardCharsets;
import java.util.function.LongSupplier;

/**
 * Remembers verified signed requests for the Date window: a write is accepted once, and the headers of a signed read
 * (GET, HEAD) can no longer be spent on a write (api.md §3.4).
 */
public interface ReplayCache {
    /**
     * Records {@code key} until {@code expiresAtMillis} if it is not recorded yet, atomically: of two concurrent
     * calls with the same key exactly one gets true. A key recorded by {@link #markRead} counts as recorded.
     */
    boolean firstSeen(String key, long expiresAtMillis);

    /**
     * Records {@code key} for a signed read, which is never refused: the same read may come again (KDocs allows it), but
     * a later {@link #firstSeen} of the key answers false. On the hot signed-GET path, so implementations keep it
     * cheap (a map look-up when this instance recorded the key already; the expiry, which parses the Date, is only
     * asked for when the key is recorded).
     */
    default void markRead(String key, LongSupplier expiresAtMillis) {
        firstSeen(key, expiresAtMillis.getAsLong());
    }

    /**
     * Whether {@code key} is recorded now, without recording it: lets a replayed upload be refused before its body
     * is read. A cache that cannot answer cheaply may return false; {@link #firstSeen} still decides.
     */
    default boolean seen(String key) {
        return false;
    }

    /** Forgets a key (not needed by the current flow, which records only verified requests). */
    void forget(String key);

    /** A key as shared caches store it: a SHA-256 digest, bounded in size and with no signature text at rest. */
    static String digest(String key) {
        return Hex.sha256(key.getBytes(StandardCharsets.UTF_8));
    }
}
