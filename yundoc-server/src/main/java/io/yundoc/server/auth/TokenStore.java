package io.yundoc.server.auth;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import io.yundoc.protocol.Hex;
import io.yundoc.protocol.Scope;
import io.yundoc.server.core.Json;
import io.yundoc.server.core.Memo;
import java.nio.charset.StandardCharsets;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.jdbi.v3.core.ConnectionException;
import org.jdbi.v3.core.Handle;

/**
 * The {@code tokens} table (api.md §3.2): token pairs stored only as SHA-256 hashes of their values. Every method
 * runs inside the caller's handle, so a service decides what one transaction holds.
 */
public final class TokenStore {
    private static final TypeReference<List<String>> STRINGS = new TypeReference<>() {};
    /** Scope sets by their stored JSON text: few distinct values, read on every token request. */
    private static final Memo<String, Set<Scope>> SCOPES =
            new Memo<>(4096, json -> Collections.unmodifiableSet(parseScopesUncached(json)));

    private static final String AUTHENTICATE = """
            SELECT t.token_id, t.app_id, t.user_id, t.scopes, t.access_expires_at, t.revoked,
                   a.name, a.tier, a.disabled, a.quota_overrides, u.disabled, u.root_id, u.nickname
            FROM tokens t JOIN apps a ON a.app_id = t.app_id JOIN users u ON u.user_id = t.user_id
            WHERE t.access_hash = ?""";

    private TokenStore() {}

    /** A token row as access-token authentication reads it: expiry and revocation are checked by the caller. */
    public record AccessRow(long expiresAt, boolean revoked, Principal principal) {}

    /** A token row as a refresh reads it. */
    public record RefreshRow(
            String tokenId,
            String appId,
            String userId,
            String grantId,
            String chainId,
            String scopes,
            long expiresAt,
            boolean used,
            boolean revoked) {}

    /** What is stored of a token value: its SHA-256, hex. */
    public static String hash(String token) {
        return Hex.sha256(token.getBytes(StandardCharsets.UTF_8));
    }

    public static Set<Scope> parseScopes(String json) {
        return SCOPES.get(json);
    }

    public static String scopesJson(Set<Scope> scopes) {
        return Json.writeString(scopes.stream().map(Scope::wireName).sorted().toList());
    }

    private static Set<Scope> parseScopesUncached(String json) {
        Set<Scope> out = EnumSet.noneOf(Scope.class);
        try {
            for (String s : Json.MAPPER.readValue(json, STRINGS)) {
                Scope.parse(s).ifPresent(out::add);
            }
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("corrupt scopes column", e);
        }
        return out;
    }

    /** A null {@code refresh} stores an access token alone (refresh expiry 0). */
    public static void insert(
            Handle h,
            String tokenId,
            String access,
            String refresh,
            String appId,
            String userId,
            Set<Scope> scopes,
            String grantId,
            String chain,
            long accessExpires,
            long refreshExpires,
            long now) {
        h.createUpdate("""
                        INSERT INTO tokens (token_id, access_hash, refresh_hash, app_id, user_id, grant_id, chain_id, scopes,
                                            access_expires_at, refresh_expires_at, refresh_used, revoked, created_at)
                        VALUES (:id, :ah, :rh, :app, :user, :grant, :chain, :scopes, :aexp, :rexp, 0, 0, :now)""")
                .bind("id", tokenId)
                .bind("ah", hash(access))
                .bind("rh", refresh == null ? null : hash(refresh))
                .bind("app", appId)
                .bind("user", userId)
                .bind("grant", grantId)
                .bind("chain", chain)
                .bind("scopes", scopesJson(scopes))
                .bind("aexp", accessExpires)
                .bind("rexp", refresh == null ? 0 : refreshExpires)
                .bind("now", now)
                .execute();
    }

    /** Removes any row holding either value (fixed demo tokens are renewed, not duplicated). */
    public static void deleteHolding(Handle h, String access, String refresh) {
        h.createUpdate("DELETE FROM tokens WHERE access_hash = :ah OR refresh_hash = :rh")
                .bind("ah", hash(access))
                .bind("rh", hash(refresh))
                .execute();
    }

    /** Plain JDBC, positional reads: this runs on every access-token request the row cache cannot answer. */
    public static AccessRow byAccessHash(Handle h, String accessHash) {
        try (PreparedStatement ps = h.getConnection().prepareStatement(AUTHENTICATE)) {
            ps.setString(1, accessHash);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return null;
                }
                return new AccessRow(
                        rs.getLong(5),
                        rs.getInt(6) != 0,
                        new Principal(
                                rs.getString(1),
                                rs.getString(2),
                                rs.getString(7),
                                rs.getString(8),
                                rs.getInt(9) != 0,
                                rs.getString(10),
                                rs.getString(3),
                                rs.getString(12),
                                rs.getInt(11) != 0,
                                rs.getString(13),
                                parseScopes(rs.getString(4))));
            }
        } catch (SQLException e) {
            throw new ConnectionException(e);
        }
    }

    public static Optional<RefreshRow> byRefreshToken(Handle h, String refreshToken) {
        return h.createQuery("""
                        SELECT token_id, app_id, user_id, grant_id, chain_id, scopes, refresh_expires_at, refresh_used, revoked
                        FROM tokens WHERE refresh_hash = :h""")
                .bind("h", hash(refreshToken))
                .map((rs, ctx) -> new RefreshRow(
                        rs.getString("token_id"),
                        rs.getString("app_id"),
                        rs.getString("user_id"),
                        rs.getString("grant_id"),
                        rs.getString("chain_id"),
                        rs.getString("scopes"),
                        rs.getLong("refresh_expires_at"),
                        rs.getInt("refresh_used") != 0,
                        rs.getInt("revoked") != 0))
                .findOne();
    }

    /**
     * Sets the refresh-used flag of a live, not yet used row (rotation uses it up; without rotation the same
     * conditional write only confirms it is still live). False when another call got there first or it is revoked.
     */
    public static boolean claimRefresh(Handle h, String tokenId, boolean useUp) {
        return h.createUpdate(
                                "UPDATE tokens SET refresh_used = :used WHERE token_id = :t AND refresh_used = 0 AND revoked = 0")
                        .bind("used", useUp ? 1 : 0)
                        .bind("t", tokenId)
                        .execute()
                == 1;
    }

    /** Revokes every token of one chain (issued from one code, with all their refreshes). */
    public static void revokeChain(Handle h, String chainId) {
        h.createUpdate("UPDATE tokens SET revoked = 1 WHERE chain_id = :c")
                .bind("c", chainId)
                .execute();
    }

    public static void revokeGrant(Handle h, String grantId) {
        h.createUpdate("UPDATE tokens SET revoked = 1 WHERE grant_id = :g")
                .bind("g", grantId)
                .execute();
    }
}
