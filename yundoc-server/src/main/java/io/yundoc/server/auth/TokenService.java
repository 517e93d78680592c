package io.yundoc.server.auth;

import com.fasterxml.jackson.core.type.TypeReference;
import io.yundoc.protocol.ErrorCode;
import io.yundoc.protocol.Hex;
import io.yundoc.protocol.Scope;
import io.yundoc.protocol.wire.TokenGrant;
import io.yundoc.server.core.ApiException;
import io.yundoc.server.core.IdGenerator;
import io.yundoc.server.core.Json;
import io.yundoc.server.core.ServerClock;
import java.nio.charset.StandardCharsets;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.jdbi.v3.core.Jdbi;

/**
 * Access and refresh tokens: issue, validate, revoke. Tokens are stored only as SHA-256 hashes; lifetimes are
 * 24 h (access) and 90 days (refresh), both read from the server clock.
 */
public final class TokenService {
    public static final long ACCESS_TTL = 86_400;
    public static final long REFRESH_TTL = 90L * 86_400;
    private static final TypeReference<List<String>> STRINGS = new TypeReference<>() { };

    private final Jdbi jdbi;
    private final ServerClock clock;
    private final IdGenerator ids;
    /** Token rows by access-token hash; a revocation is a write, which empties the cache before it answers. */
    private final io.yundoc.server.core.ReadCache.Region<String, Row> rows;
    private final io.yundoc.server.core.ReadCache cache;

    public TokenService(Jdbi jdbi, ServerClock clock, IdGenerator ids) {
        this(jdbi, clock, ids, io.yundoc.server.core.ReadCache.disabled());
    }

    public TokenService(Jdbi jdbi, ServerClock clock, IdGenerator ids, io.yundoc.server.core.ReadCache cache) {
        this.jdbi = jdbi;
        this.clock = clock;
        this.ids = ids;
        this.cache = cache;
        this.rows = cache.region(100_000);
    }

    public static String hash(String token) {
        return Hex.sha256(token.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Issues a new token pair.
     *
     * @param chainId tokens obtained from one code, and every refresh of them, share a chain (revoked together)
     * @param accessToken a fixed value (fixtures) or null for a fresh one
     * @param accessExpiresAt fixed expiry (fixtures) or null for now + 24 h
     */
    public TokenGrant issue(String appId, String userId, Set<Scope> scopes, String grantId, String chainId,
                            String accessToken, String refreshToken, Long accessExpiresAt) {
        long now = clock.epochSeconds();
        String access = accessToken != null ? accessToken : ids.accessToken();
        String refresh = refreshToken != null ? refreshToken : ids.refreshToken();
        long expires = accessExpiresAt != null ? accessExpiresAt : now + ACCESS_TTL;
        String chain = chainId != null ? chainId : ids.internal();
        jdbi.useHandle(h -> insert(h, access, refresh, appId, userId, scopes, grantId, chain, expires, now));
        return new TokenGrant(access, Math.max(0, expires - now), refresh, appId);
    }

    /**
     * Issues a token pair with values fixed in advance ({@code serve --dev --demo}): a row already holding either
     * value is replaced in the same transaction, so each start renews the pair instead of failing on the unique hash.
     */
    public TokenGrant replaceFixed(String appId, String userId, Set<Scope> scopes, String grantId, String accessToken,
                                   String refreshToken) {
        long now = clock.epochSeconds();
        long expires = now + ACCESS_TTL;
        jdbi.useTransaction(h -> {
            h.createUpdate("DELETE FROM tokens WHERE access_hash = :ah OR refresh_hash = :rh")
                    .bind("ah", hash(accessToken)).bind("rh", hash(refreshToken)).execute();
            insert(h, accessToken, refreshToken, appId, userId, scopes, grantId, ids.internal(), expires, now);
        });
        return new TokenGrant(accessToken, ACCESS_TTL, refreshToken, appId);
    }

    /**
     * Stores a token pair inside the caller's transaction (fixtures, code exchange, refresh). A null {@code refresh}
     * stores an access token alone: a refresh without rotation hands back the refresh token the client already holds,
     * which stays in its own row with its own expiry.
     */
    public void insert(org.jdbi.v3.core.Handle h, String access, String refresh, String appId, String userId, Set<Scope> scopes,
                       String grantId, String chain, long accessExpires, long now) {
        h.createUpdate("""
                        INSERT INTO tokens (token_id, access_hash, refresh_hash, app_id, user_id, grant_id, chain_id, scopes,
                                            access_expires_at, refresh_expires_at, refresh_used, revoked, created_at)
                        VALUES (:id, :ah, :rh, :app, :user, :grant, :chain, :scopes, :aexp, :rexp, 0, 0, :now)""")
                .bind("id", ids.internal()).bind("ah", hash(access)).bind("rh", refresh == null ? null : hash(refresh)).bind("app", appId)
                .bind("user", userId).bind("grant", grantId).bind("chain", chain)
                .bind("scopes", Json.writeString(scopes.stream().map(Scope::wireName).sorted().toList()))
                .bind("aexp", accessExpires).bind("rexp", refresh == null ? 0 : now + REFRESH_TTL).bind("now", now).execute();
    }

    /**
     * Resolves an access token, or fails with 20007 and the documented hint. Disabled app and user are reported
     * by the caller (they come after authentication in the processing order).
     */
    private static final String AUTHENTICATE = """
            SELECT t.token_id, t.app_id, t.user_id, t.scopes, t.access_expires_at, t.revoked,
                   a.name, a.tier, a.disabled, a.quota_overrides, u.disabled, u.root_id, u.nickname
            FROM tokens t JOIN apps a ON a.app_id = t.app_id JOIN users u ON u.user_id = t.user_id
            WHERE t.access_hash = ?""";

    public Principal authenticate(String token) {
        return authenticate(cache.direct(), token);
    }

    /** {@link #authenticate(String)} with the token row possibly from the row cache under {@code reads}. */
    public Principal authenticate(io.yundoc.server.core.ReadCache.Reads reads, String token) {
        if (token == null || token.isEmpty()) {
            throw new ApiException(ErrorCode.ACCESS_TOKEN_INVALID, "access_token is required");
        }
        if (token.length() > 256) {
            throw new ApiException(ErrorCode.ACCESS_TOKEN_INVALID, "access_token is invalid");
        }
        Row r = rows.get(reads, hash(token), this::load);
        if (r == null) {
            throw new ApiException(ErrorCode.ACCESS_TOKEN_INVALID, "access_token is invalid");
        }
        if (r.revoked) {
            throw new ApiException(ErrorCode.ACCESS_TOKEN_INVALID, "access_token revoked");
        }
        if (clock.epochSeconds() >= r.expiresAt) {
            throw new ApiException(ErrorCode.ACCESS_TOKEN_INVALID, "access_token expired");
        }
        return r.principal;
    }

    /** Plain JDBC, positional reads: this runs on every access-token request the cache cannot answer. */
    private Row load(String accessHash) {
        return jdbi.withHandle(h -> {
            try (java.sql.PreparedStatement ps = h.getConnection().prepareStatement(AUTHENTICATE)) {
                ps.setString(1, accessHash);
                try (java.sql.ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        return null;
                    }
                    return new Row(rs.getLong(5), rs.getInt(6) != 0, new Principal(rs.getString(1),
                            rs.getString(2), rs.getString(7), rs.getString(8), rs.getInt(9) != 0, rs.getString(10),
                            rs.getString(3), rs.getString(12), rs.getInt(11) != 0, rs.getString(13), parseScopes(rs.getString(4))));
                }
            } catch (java.sql.SQLException e) {
                throw new org.jdbi.v3.core.ConnectionException(e);
            }
        });
    }

    /** Scope sets by their stored JSON text: few distinct values, read on every token request. */
    private static final io.yundoc.server.core.Memo<String, Set<Scope>> SCOPES = new io.yundoc.server.core.Memo<>(4096,
            json -> java.util.Collections.unmodifiableSet(parseScopesUncached(json)));

    public static Set<Scope> parseScopes(String json) {
        return SCOPES.get(json);
    }

    private static Set<Scope> parseScopesUncached(String json) {
        Set<Scope> out = EnumSet.noneOf(Scope.class);
        try {
            for (String s : Json.MAPPER.readValue(json, STRINGS)) {
                Scope.parse(s).ifPresent(out::add);
            }
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("corrupt scopes column", e);
        }
        return out;
    }

    /** A token row: its expiry and revocation are checked on every use, against the clock of that moment. */
    private record Row(long expiresAt, boolean revoked, Principal principal) {
    }
}
