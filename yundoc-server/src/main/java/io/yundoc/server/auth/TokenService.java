package io.yundoc.server.auth;

import io.yundoc.protocol.ErrorCode;
import io.yundoc.protocol.Scope;
import io.yundoc.protocol.wire.TokenGrant;
import io.yundoc.server.core.ApiException;
import io.yundoc.server.core.IdGenerator;
import io.yundoc.server.core.ReadCache;
import io.yundoc.server.core.ServerClock;
import java.util.Set;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * Access and refresh tokens: issue, validate, revoke. Tokens are stored only as SHA-256 hashes; lifetimes are
 * 24 h (access) and 90 days (refresh), both read from the server clock.
 */
public final class TokenService {
    public static final long ACCESS_TTL = 86_400;
    public static final long REFRESH_TTL = 90L * 86_400;

    private final Jdbi jdbi;
    private final ServerClock clock;
    private final IdGenerator ids;
    /** Token rows by access-token hash; a revocation is a write, which empties the cache before it answers. */
    private final ReadCache.Region<String, TokenStore.AccessRow> rows;

    private final ReadCache cache;

    public TokenService(Jdbi jdbi, ServerClock clock, IdGenerator ids) {
        this(jdbi, clock, ids, ReadCache.disabled());
    }

    public TokenService(Jdbi jdbi, ServerClock clock, IdGenerator ids, ReadCache cache) {
        this.jdbi = jdbi;
        this.clock = clock;
        this.ids = ids;
        this.cache = cache;
        this.rows = cache.region(100_000);
    }

    public static String hash(String token) {
        return TokenStore.hash(token);
    }

    /**
     * Issues a new token pair.
     *
     * @param chainId tokens obtained from one code, and every refresh of them, share a chain (revoked together)
     * @param accessToken a fixed value (fixtures) or null for a fresh one
     * @param accessExpiresAt fixed expiry (fixtures) or null for now + 24 h
     */
    public TokenGrant issue(
            String appId,
            String userId,
            Set<Scope> scopes,
            String grantId,
            String chainId,
            String accessToken,
            String refreshToken,
            Long accessExpiresAt) {
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
    public TokenGrant replaceFixed(
            String appId, String userId, Set<Scope> scopes, String grantId, String accessToken, String refreshToken) {
        long now = clock.epochSeconds();
        long expires = now + ACCESS_TTL;
        jdbi.useTransaction(h -> {
            TokenStore.deleteHolding(h, accessToken, refreshToken);
            insert(h, accessToken, refreshToken, appId, userId, scopes, grantId, ids.internal(), expires, now);
        });
        return new TokenGrant(accessToken, ACCESS_TTL, refreshToken, appId);
    }

    /**
     * Stores a token pair inside the caller's transaction (fixtures, code exchange, refresh). A null {@code refresh}
     * stores an access token alone: a refresh without rotation hands back the refresh token the client already holds,
     * which stays in its own row with its own expiry.
     */
    public void insert(
            Handle h,
            String access,
            String refresh,
            String appId,
            String userId,
            Set<Scope> scopes,
            String grantId,
            String chain,
            long accessExpires,
            long now) {
        TokenStore.insert(
                h,
                ids.internal(),
                access,
                refresh,
                appId,
                userId,
                scopes,
                grantId,
                chain,
                accessExpires,
                now + REFRESH_TTL,
                now);
    }

    /**
     * Resolves an access token, or fails with 20007 and the documented hint. Disabled app and user are reported
     * by the caller (they come after authentication in the processing order).
     */
    public Principal authenticate(String token) {
        return authenticate(cache.direct(), token);
    }

    /** {@link #authenticate(String)} with the token row possibly from the row cache under {@code reads}. */
    public Principal authenticate(ReadCache.Reads reads, String token) {
        if (token == null || token.isEmpty()) {
            throw new ApiException(ErrorCode.ACCESS_TOKEN_INVALID, "access_token is required");
        }
        if (token.length() > 256) {
            throw new ApiException(ErrorCode.ACCESS_TOKEN_INVALID, "access_token is invalid");
        }
        TokenStore.AccessRow r = rows.get(reads, hash(token), this::load);
        if (r == null) {
            throw new ApiException(ErrorCode.ACCESS_TOKEN_INVALID, "access_token is invalid");
        }
        if (r.revoked()) {
            throw new ApiException(ErrorCode.ACCESS_TOKEN_INVALID, "access_token revoked");
        }
        if (clock.epochSeconds() >= r.expiresAt()) {
            throw new ApiException(ErrorCode.ACCESS_TOKEN_INVALID, "access_token expired");
        }
        return r.principal();
    }

    private TokenStore.AccessRow load(String accessHash) {
        return jdbi.withHandle(h -> TokenStore.byAccessHash(h, accessHash));
    }

    public static Set<Scope> parseScopes(String json) {
        return TokenStore.parseScopes(json);
    }
}
