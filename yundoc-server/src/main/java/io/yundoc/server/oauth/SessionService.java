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
public final class SessionService {
    private final Jdbi jdbi;
    private final ServerClock clock;
    private final IdGenerator ids;
    private final long ttlSeconds;

    public SessionService(Jdbi jdbi, ServerClock clock, IdGenerator ids, Duration ttl) {
        this.jdbi = jdbi;
        this.clock = clock;
        this.ids = ids;
        this.ttlSeconds = ttl.toSeconds();
    }

    /** A new session for the user; returns the raw id for the cookie. */
    public String create(String userId) {
        String id = ids.internal();
        long now = clock.epochSeconds();
        jdbi.useHandle(h -> SessionStore.insert(h, TokenService.hash(id), userId, now, now + ttlSeconds));
        return id;
    }

    /** The live session a cookie value names; a malformed, unknown, tampered or expired value is no session. */
    public Optional<Session> find(String rawId) {
        if (rawId == null || !rawId.matches("[A-Za-z0-9_-]{43}")) {
            return Optional.empty();
        }
        long now = clock.epochSeconds();
        return jdbi.withHandle(h -> SessionStore.findLive(h, TokenService.hash(rawId), now));
    }

    public void delete(String rawId) {
        if (rawId == null || rawId.isEmpty() || rawId.length() > 128) {
            return;
        }
        jdbi.useHandle(h -> SessionStore.delete(h, TokenService.hash(rawId)));
    }

    public long ttlSeconds() {
        return ttlSeconds;
    }
}
