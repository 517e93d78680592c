package io.yundoc.server.auth;

import io.yundoc.protocol.Scope;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.jdbi.v3.core.Handle;

/** The {@code grants} table: which scopes a user has granted an app (api.md §3.1 "Revocation"). */
public final class GrantStore {
    private static final String SELECT = """
            SELECT g.grant_id, g.user_id, g.app_id, a.name AS app_name, g.scopes, g.granted_at
            FROM grants g LEFT JOIN apps a ON a.app_id = g.app_id""";

    private GrantStore() {}

    /** A user's grant to one app: its id and scopes. */
    public record Granted(String grantId, Set<Scope> scopes) {}

    /** Grants filtered by user and/or app (null = any), oldest first. */
    public static List<Grant> list(Handle h, String userId, String appId) {
        // conditions are added only for given filters: PostgreSQL cannot type an untyped NULL parameter
        String where = (userId != null ? " AND g.user_id = :u" : "") + (appId != null ? " AND g.app_id = :a" : "");
        var q = h.createQuery(SELECT + " WHERE 1 = 1" + where + " ORDER BY g.granted_at, g.grant_id");
        if (userId != null) {
            q.bind("u", userId);
        }
        if (appId != null) {
            q.bind("a", appId);
        }
        return q.map((rs, ctx) -> new Grant(
                        rs.getString("grant_id"),
                        rs.getString("user_id"),
                        rs.getString("app_id"),
                        rs.getString("app_name"),
                        TokenStore.parseScopes(rs.getString("scopes")),
                        rs.getLong("granted_at")))
                .list();
    }

    public static Optional<Grant> find(Handle h, String grantId) {
        return h.createQuery(SELECT + " WHERE g.grant_id = :g")
                .bind("g", grantId)
                .map((rs, ctx) -> new Grant(
                        rs.getString("grant_id"),
                        rs.getString("user_id"),
                        rs.getString("app_id"),
                        rs.getString("app_name"),
                        TokenStore.parseScopes(rs.getString("scopes")),
                        rs.getLong("granted_at")))
                .findOne();
    }

    public static boolean exists(Handle h, String grantId) {
        return h.createQuery("SELECT COUNT(*) FROM grants WHERE grant_id = :g")
                        .bind("g", grantId)
                        .mapTo(Long.class)
                        .one()
                > 0;
    }

    public static Optional<Granted> of(Handle h, String appId, String userId) {
        return h.createQuery("SELECT grant_id, scopes FROM grants WHERE app_id = :a AND user_id = :u")
                .bind("a", appId)
                .bind("u", userId)
                .map((rs, ctx) -> new Granted(rs.getString(1), TokenStore.parseScopes(rs.getString(2))))
                .findOne();
    }

    public static void setScopes(Handle h, String grantId, Set<Scope> scopes) {
        h.createUpdate("UPDATE grants SET scopes = :s WHERE grant_id = :g")
                .bind("s", TokenStore.scopesJson(scopes))
                .bind("g", grantId)
                .execute();
    }

    public static void insert(Handle h, String grantId, String appId, String userId, Set<Scope> scopes, long now) {
        h.createUpdate("INSERT INTO grants (grant_id, app_id, user_id, scopes, granted_at) VALUES (:g, :a, :u, :s, :t)")
                .bind("g", grantId)
                .bind("a", appId)
                .bind("u", userId)
                .bind("s", TokenStore.scopesJson(scopes))
                .bind("t", now)
                .execute();
    }

    public static void delete(Handle h, String grantId) {
        h.createUpdate("DELETE FROM grants WHERE grant_id = :g")
                .bind("g", grantId)
                .execute();
    }
}
