package io.yundoc.server.oauth;

import java.util.Optional;
import org.jdbi.v3.core.Handle;

/** The {@code browser_sessions} table: sessions by the SHA-256 of their id (api.md §3.1). */
final class SessionStore {
    private SessionStore() {}

    /** Stores a session, first dropping the expired ones. */
    static void insert(Handle h, String hash, String userId, long now, long expiresAt) {
        h.createUpdate("DELETE FROM browser_sessions WHERE expires_at <= :now")
                .bind("now", now)
                .execute();
        h.createUpdate(
                        "INSERT INTO browser_sessions (session_hash, user_id, created_at, expires_at) VALUES (:h, :u, :now, :exp)")
                .bind("h", hash)
                .bind("u", userId)
                .bind("now", now)
                .bind("exp", expiresAt)
                .execute();
    }

    static Optional<Session> findLive(Handle h, String hash, long now) {
        return h.createQuery(
                        "SELECT user_id, session_hash, expires_at FROM browser_sessions WHERE session_hash = :h AND expires_at > :now")
                .bind("h", hash)
                .bind("now", now)
                .map((rs, ctx) -> new Session(rs.getString(1), rs.getString(2), rs.getLong(3)))
                .findOne();
    }

    static void delete(Handle h, String hash) {
        h.createUpdate("DELETE FROM browser_sessions WHERE session_hash = :h")
                .bind("h", hash)
                .execute();
    }
}
