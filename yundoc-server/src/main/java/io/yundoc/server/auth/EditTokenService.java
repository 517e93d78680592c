package io.yundoc.server.auth;

import io.yundoc.protocol.Hex;
import io.yundoc.server.core.IdGenerator;
import io.yundoc.server.core.ServerClock;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;

/**
 * Edit tokens (api.md §5.8, §7): short-lived credentials for the share and view pages. Stored as SHA-256 hashes,
 * looked up by hash (so the comparison never touches the secret itself), valid 10 minutes by the server clock.
 * Minimal version written on feat-personal; the OAuth branch owns the full one (same API).
 */
public final class EditTokenService {
    public static final long LIFETIME_SECONDS = 600;
    private final Jdbi jdbi;
    private final ServerClock clock;
    private final IdGenerator ids;

    public EditTokenService(Jdbi jdbi, ServerClock clock, IdGenerator ids) {
        this.jdbi = jdbi;
        this.clock = clock;
        this.ids = ids;
    }

    /** Whom a valid token speaks for. */
    public record Holder(String appId, String userId, long expiresAt) {
    }

    public String issue(String appId, String userId) {
        String token = ids.editToken();
        long now = clock.epochSeconds();
        jdbi.useHandle(h -> {
            h.createUpdate("DELETE FROM edit_tokens WHERE expires_at <= :now").bind("now", now).execute();
            h.createUpdate("INSERT INTO edit_tokens (token_hash, app_id, user_id, expires_at) VALUES (:h, :a, :u, :e)")
                    .bind("h", hash(token)).bind("a", appId).bind("u", userId).bind("e", now + LIFETIME_SECONDS).execute();
        });
        return token;
    }

    public Optional<Holder> validate(String token) {
        if (token == null || token.isEmpty() || token.length() > 200) {
            return Optional.empty();
        }
        long now = clock.epochSeconds();
        return jdbi.withHandle(h -> h.createQuery("SELECT app_id, user_id, expires_at FROM edit_tokens WHERE token_hash = :h")
                        .bind("h", hash(token))
                        .map((rs, ctx) -> new Holder(rs.getString(1), rs.getString(2), rs.getLong(3))).findOne())
                .filter(x -> x.expiresAt() > now);
    }

    private static String hash(String token) {
        return Hex.sha256(token.getBytes(StandardCharsets.UTF_8));
    }
}
