package io.yundoc.server.auth;

import io.yundoc.protocol.Scope;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.jdbi.v3.core.Jdbi;

/**
 * What users have granted to apps (api.md §3.1 "Revocation"): listing for the authorized-apps page and the admin
 * API, and revocation, which kills the grant's tokens, pending codes and edit tokens at once.
 */
public final class GrantService {
    private final Jdbi jdbi;
    private final EditTokenService editTokens;

    public GrantService(Jdbi jdbi, EditTokenService editTokens) {
        this.jdbi = jdbi;
        this.editTokens = editTokens;
    }

    /** A grant with the app's display name (null when the app is gone). */
    public record Grant(String grantId, String userId, String appId, String appName, Set<Scope> scopes, long grantedAt) {
    }

    /** Grants filtered by user and/or app (null = any), oldest first. */
    public List<Grant> list(String userId, String appId) {
        // conditions are added only for given filters: PostgreSQL cannot type an untyped NULL parameter
        String where = (userId != null ? " AND g.user_id = :u" : "") + (appId != null ? " AND g.app_id = :a" : "");
        return jdbi.withHandle(h -> {
            var q = h.createQuery("""
                            SELECT g.grant_id, g.user_id, g.app_id, a.name AS app_name, g.scopes, g.granted_at
                            FROM grants g LEFT JOIN apps a ON a.app_id = g.app_id WHERE 1 = 1""" + where
                    + " ORDER BY g.granted_at, g.grant_id");
            if (userId != null) {
                q.bind("u", userId);
            }
            if (appId != null) {
                q.bind("a", appId);
            }
            return q.map((rs, ctx) -> new Grant(rs.getString("grant_id"), rs.getString("user_id"), rs.getString("app_id"),
                    rs.getString("app_name"), TokenService.parseScopes(rs.getString("scopes")), rs.getLong("granted_at")))
                    .list();
        });
    }

    public Optional<Grant> find(String grantId) {
        return jdbi.withHandle(h -> h.createQuery("""
                        SELECT g.grant_id, g.user_id, g.app_id, a.name AS app_name, g.scopes, g.granted_at
                        FROM grants g LEFT JOIN apps a ON a.app_id = g.app_id WHERE g.grant_id = :g""")
                .bind("g", grantId)
                .map((rs, ctx) -> new Grant(rs.getString("grant_id"), rs.getString("user_id"), rs.getString("app_id"),
                        rs.getString("app_name"), TokenService.parseScopes(rs.getString("scopes")), rs.getLong("granted_at")))
                .findOne());
    }

    /** The scopes the user has granted the app so far (empty when none). */
    public Set<Scope> granted(String appId, String userId) {
        return jdbi.withHandle(h -> h.createQuery("SELECT scopes FROM grants WHERE app_id = :a AND user_id = :u")
                .bind("a", appId).bind("u", userId).mapTo(String.class).findOne()
                .map(TokenService::parseScopes).orElse(Set.of()));
    }

    /**
     * Removes the grant and, in the same transaction, revokes every token issued under it and voids its unused codes:
     * access tokens then answer 20007 {@code access_token revoked}, refresh tokens 20001. False when there was no such grant.
     */
    public boolean revoke(String grantId) {
        Optional<Grant> g = find(grantId);
        if (g.isEmpty()) {
            return false;
        }
        jdbi.useTransaction(h -> {
            h.createUpdate("UPDATE tokens SET revoked = 1 WHERE grant_id = :g").bind("g", grantId).execute();
            h.createUpdate("UPDATE auth_codes SET used = 1 WHERE grant_id = :g").bind("g", grantId).execute();
            h.createUpdate("DELETE FROM grants WHERE grant_id = :g").bind("g", grantId).execute();
        });
        editTokens.revokeAll(g.get().appId(), g.get().userId());
        return true;
    }
}
