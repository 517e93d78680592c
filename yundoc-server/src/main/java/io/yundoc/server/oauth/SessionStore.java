package io.yundoc.server.oauth;

import io.yundoc.server.auth.TokenService;
import io.yundoc.server.core.IdGenerator;
import io.yundoc.server.core.ServerClock;
import java.time.Duration;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;

/**
 * Browser sessions (api.md §3.1): a random 256-bit id in the cookie, only its SHA-256 in the database, an absolute
 * lifetime from login however active the user is. Kept in the database so every instance sees them.
 */
public final class SessionStore {
    private final Jdbi jdbi;
    private final ServerClock clock;
    private final IdGenerator ids;
    private final long ttlSeconds;

    public SessionStore(Jdbi jdbi, ServerClock clock, IdGenerator ids, Duration ttl) {
        this.jdbi = jdbi;
        this.clock = clock;
        this.ids = ids;
        this.ttlSeconds = ttl.toSeconds();
    }

    /** A live session: the user, the id's hash (what CSRF tokens bind to) and its end. */
    public record Session(String userId, String hash, long expiresAt) {
    }

    /** A new session for the user; returns the raw id for the cookie. */
    public String create(String userId) {
        String id = ids.internal();
        long now = clock.epochSeconds();
        jdbi.useHandle(h -> {
            h.createUpdate("DELETE FROM browser_sessions WHERE expires_at <= :now").bind("now", now).execute();
            h.createUpdate("INSERT INTO browser_sessions (session_hash, user_id, created_at, expires_at) VALUES (:h, :u, :now, :exp)")
                    .bind("h", TokenService.hash(id)).bind("u", userId).bind("now", now).bind("exp", now + ttlSeconds)
                    .execute();
        });
        return id;
    }

    /** The live session a cookie value names; a malformed, unknown, tampered or expired value is no session. */
    public Optional<Session> find(String rawId) {
        if (rawId == null || !rawId.matches("[A-Za-z0-9_-]{43}")) {
            return Optional.empty();
        }
        long now = clock.epochSeconds();
        return jdbi.withHandle(h -> h.createQuery(
                        "SELECT user_id, session_hash, expires_at FROM browser_sessions WHERE session_hash = :h AND expires_at > :now")
                .bind("h", TokenService.hash(rawId)).bind("now", now)
                .map((rs, ctx) -> new Session(rs.getString(1), rs.getString(2), rs.getLong(3))).findOne());
    }

    public void delete(String rawId) {
        if (rawId == null || rawId.isEmpty() || rawId.length() > 128) {
            return;
        }
        jdbi.useHandle(h -> h.createUpdate("DELETE FROM browser_sessions WHERE session_hash = :h")
                .bind("h", TokenService.hash(rawId)).execute());
    }

    public long ttlSeconds() {
        return ttlSeconds;
    }
}
