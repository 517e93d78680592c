package io.yundoc.server.auth;

import java.util.Optional;
import org.jdbi.v3.core.Handle;

/** The {@code edit_tokens} table (api.md §5.2, §5.8): edit tokens by the SHA-256 of their value. */
public final class EditTokenStore {
    private EditTokenStore() {}

    /** Who an unexpired edit token was issued to: the app it was issued through and the user. */
    public record Holder(String appId, String userId) {}

    /** Stores a token, first dropping the user's expired ones for the app (so the table does not grow without bound). */
    static void insert(Handle h, String token, String appId, String userId, long now, long expiresAt) {
        h.createUpdate("DELETE FROM edit_tokens WHERE app_id = :a AND user_id = :u AND expires_at <= :now")
                .bind("a", appId)
                .bind("u", userId)
                .bind("now", now)
                .execute();
        h.createUpdate("""
                        INSERT INTO edit_tokens (token_hash, app_id, user_id, expires_at, created_at)
                        VALUES (:h, :a, :u, :exp, :now)""")
                .bind("h", TokenStore.hash(token))
                .bind("a", appId)
                .bind("u", userId)
                .bind("exp", expiresAt)
                .bind("now", now)
                .execute();
    }

    /** Looked up by hash, so no timing leak on the value. */
    static Optional<Holder> live(Handle h, String token, long now) {
        return h.createQuery("SELECT app_id, user_id FROM edit_tokens WHERE token_hash = :h AND expires_at > :now")
                .bind("h", TokenStore.hash(token))
                .bind("now", now)
                .map((rs, ctx) -> new Holder(rs.getString(1), rs.getString(2)))
                .findOne();
    }

    static void delete(Handle h, String token, String userId) {
        h.createUpdate("DELETE FROM edit_tokens WHERE token_hash = :h AND user_id = :u")
                .bind("h", TokenStore.hash(token))
                .bind("u", userId)
                .execute();
    }

    static void deleteAll(Handle h, String appId, String userId) {
        h.createUpdate("DELETE FROM edit_tokens WHERE app_id = :a AND user_id = :u")
                .bind("a", appId)
                .bind("u", userId)
                .execute();
    }
}
