package io.yundoc.server.auth;

import io.yundoc.protocol.Scope;
import java.util.Optional;
import java.util.Set;
import org.jdbi.v3.core.Handle;

/** The {@code auth_codes} table (api.md §3.1): authorization codes, stored only as hashes, single use. */
public final class AuthCodeStore {
    private AuthCodeStore() {}

    /** A stored code: what it was issued for, and whether it was used. */
    public record Code(
            String appId,
            String userId,
            String grantId,
            String scopes,
            String redirectUri,
            String chainId,
            long expiresAt,
            boolean used) {}

    /** Stores a new code, and drops codes that expired before {@code forgetBefore}. */
    public static void insert(
            Handle h,
            String code,
            String appId,
            String userId,
            String grantId,
            Set<Scope> scopes,
            String redirectUri,
            String chainId,
            long expiresAt,
            long now,
            long forgetBefore) {
        h.createUpdate("DELETE FROM auth_codes WHERE expires_at < :old")
                .bind("old", forgetBefore)
                .execute();
        h.createUpdate("""
                        INSERT INTO auth_codes (code_hash, app_id, user_id, grant_id, scopes, redirect_uri, chain_id,
                                                expires_at, used, created_at)
                        VALUES (:h, :a, :u, :g, :s, :r, :c, :exp, 0, :now)""")
                .bind("h", TokenStore.hash(code))
                .bind("a", appId)
                .bind("u", userId)
                .bind("g", grantId)
                .bind("s", TokenStore.scopesJson(scopes))
                .bind("r", redirectUri)
                .bind("c", chainId)
                .bind("exp", expiresAt)
                .bind("now", now)
                .execute();
    }

    public static Optional<Code> find(Handle h, String codeHash) {
        return h.createQuery("SELECT * FROM auth_codes WHERE code_hash = :h")
                .bind("h", codeHash)
                .map((rs, ctx) -> new Code(
                        rs.getString("app_id"),
                        rs.getString("user_id"),
                        rs.getString("grant_id"),
                        rs.getString("scopes"),
                        rs.getString("redirect_uri"),
                        rs.getString("chain_id"),
                        rs.getLong("expires_at"),
                        rs.getInt("used") != 0))
                .findOne();
    }

    /** Marks an unused code used; false when another exchange used it first. */
    public static boolean use(Handle h, String codeHash) {
        return h.createUpdate("UPDATE auth_codes SET used = 1 WHERE code_hash = :h AND used = 0")
                        .bind("h", codeHash)
                        .execute()
                == 1;
    }

    /** Voids the grant's unused codes (revocation). */
    public static void voidForGrant(Handle h, String grantId) {
        h.createUpdate("UPDATE auth_codes SET used = 1 WHERE grant_id = :g")
                .bind("g", grantId)
                .execute();
    }
}
