package io.yundoc.server.auth;

import io.yundoc.server.core.IdGenerator;
import io.yundoc.server.core.ServerClock;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;

/**
 * Edit tokens (api.md §5.2, §5.8): {@code ExchangeToken-} + 48 lowercase letters, valid 10 minutes, stored only as
 * SHA-256 hashes. Issued by {@code POST /user/edit_token} and the with_edit_token endpoints; the share and view pages
 * ({@code /l/<sid>?token=}, {@code /v/<ft>?token=}) check them with {@link #validate}.
 */
public final class EditTokenService {
    /** Lifetime in seconds. */
    public static final long TTL = 600;
    /** What the API answers as {@code timeout} (milliseconds, as the JS-SDK's setToken takes it). */
    public static final long TIMEOUT_MILLIS = TTL * 1000;

    private final Jdbi jdbi;
    private final ServerClock clock;
    private final IdGenerator ids;

    public EditTokenService(Jdbi jdbi, ServerClock clock, IdGenerator ids) {
        this.jdbi = jdbi;
        this.clock = clock;
        this.ids = ids;
    }

    /** A fresh edit token for the user, as seen through the app. */
    public String issue(String appId, String userId) {
        String token = ids.editToken();
        long now = clock.epochSeconds();
        jdbi.useHandle(h -> {
            // expired rows of this user go on each issue, so the table does not grow without bound
            h.createUpdate("DELETE FROM edit_tokens WHERE app_id = :a AND user_id = :u AND expires_at <= :now")
                    .bind("a", appId).bind("u", userId).bind("now", now).execute();
            h.createUpdate("""
                            INSERT INTO edit_tokens (token_hash, app_id, user_id, expires_at, created_at)
                            VALUES (:h, :a, :u, :exp, :now)""")
                    .bind("h", TokenService.hash(token)).bind("a", appId).bind("u", userId).bind("exp", now + TTL)
                    .bind("now", now).execute();
        });
        return token;
    }

    /** The user an unexpired edit token speaks for, if it is one. Lookup is by hash, so no timing leak on the value. */
    public Optional<String> validate(String token) {
        return holder(token).map(Holder::userId);
    }

    /** Who an unexpired edit token was issued to: the app it was issued through and the user. */
    public record Holder(String appId, String userId) {
    }

    public Optional<Holder> holder(String token) {
        if (token == null || token.isEmpty() || token.length() > 128) {
            return Optional.empty();
        }
        long now = clock.epochSeconds();
        return jdbi.withHandle(h -> h.createQuery("SELECT app_id, user_id FROM edit_tokens WHERE token_hash = :h AND expires_at > :now")
                .bind("h", TokenService.hash(token)).bind("now", now)
                .map((rs, ctx) -> new Holder(rs.getString(1), rs.getString(2))).findOne());
    }

    /**
     * Ends a token early ({@code POST /user/edit_token} with the current token). Only the same user's token is
     * touched: a token of someone else is ignored, so one app cannot end another user's session.
     */
    public void expire(String token, String userId) {
        if (token == null || token.isEmpty() || token.length() > 128) {
            return;
        }
        jdbi.useHandle(h -> h.createUpdate("DELETE FROM edit_tokens WHERE token_hash = :h AND user_id = :u")
                .bind("h", TokenService.hash(token)).bind("u", userId).execute());
    }

    /** Ends every edit token of a user for an app (the user or the operator revoked the app's grant). */
    public void revokeAll(String appId, String userId) {
        jdbi.useHandle(h -> h.createUpdate("DELETE FROM edit_tokens WHERE app_id = :a AND user_id = :u")
                .bind("a", appId).bind("u", userId).execute());
    }
}
