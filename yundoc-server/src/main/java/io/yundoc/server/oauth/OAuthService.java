package io.yundoc.server.oauth;

import io.yundoc.protocol.ErrorCode;
import io.yundoc.protocol.Scope;
import io.yundoc.protocol.wire.TokenGrant;
import io.yundoc.server.admin.AdminService;
import io.yundoc.server.auth.AppRecord;
import io.yundoc.server.auth.AppStore;
import io.yundoc.server.auth.AuthCodeStore;
import io.yundoc.server.auth.GrantStore;
import io.yundoc.server.auth.TokenService;
import io.yundoc.server.auth.TokenStore;
import io.yundoc.server.auth.UserRecord;
import io.yundoc.server.auth.UserStore;
import io.yundoc.server.core.ApiException;
import io.yundoc.server.core.IdGenerator;
import io.yundoc.server.core.Json;
import io.yundoc.server.core.ServerClock;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jdbi.v3.core.Jdbi;

/**
 * The OAuth2 authorization-code rules of api.md §3.1: validating an authorize request, issuing codes (5 min, single
 * use, stored hashed), the code exchange with replay revocation, and the refresh (same refresh token by default,
 * rotation with reuse detection on request).
 */
public final class OAuthService {
    public static final long CODE_TTL = 300;
    /** Used codes are kept this long after expiry, so a late replay still revokes what the code produced. */
    private static final long CODE_KEEP = 86_400;

    private static final Pattern LOOPBACK =
            Pattern.compile("http://(127\\.0\\.0\\.1|\\[::1]|localhost)(:\\d{1,5})?([/?].*)?");

    private final Jdbi jdbi;
    private final AppStore apps;
    private final UserStore users;
    private final TokenService tokens;
    private final AdminService admin;
    private final ServerClock clock;
    private final IdGenerator ids;
    private final boolean rotateRefreshTokens;

    /**
     * @param rotateRefreshTokens {@code --refresh-rotation=rotate}: each refresh answers a new refresh token; false (the
     *                            default, KDocs clients rely on it) answers the presented one again
     */
    public OAuthService(
            Jdbi jdbi,
            AppStore apps,
            UserStore users,
            TokenService tokens,
            AdminService admin,
            ServerClock clock,
            IdGenerator ids,
            boolean rotateRefreshTokens) {
        this.rotateRefreshTokens = rotateRefreshTokens;
        this.jdbi = jdbi;
        this.apps = apps;
        this.users = users;
        this.tokens = tokens;
        this.admin = admin;
        this.clock = clock;
        this.ids = ids;
    }

    public Optional<UserRecord> user(String userId) {
        return users.find(userId);
    }

    public Optional<UserRecord> userByName(String name) {
        return users.findByName(name);
    }

    public Optional<String> passwordHash(String userId) {
        return users.passwordHash(userId);
    }

    /** The user's id as the app sees it, drawn once per app and user. */
    public String openId(String appId, String userId) {
        return users.openId(appId, userId, () -> ids.ids().token256());
    }

    /** Filters of the grant listing: a named user must exist (10001), a named app too (10201); null = any. */
    public void requireKnown(String userId, String appId) {
        if (userId != null && users.find(userId).isEmpty()) {
            throw ApiException.invalid("user_id not found");
        }
        if (appId != null && apps.find(appId).isEmpty()) {
            throw new ApiException(ErrorCode.APP_NOT_EXIST, "app_id not found");
        }
    }

    /**
     * Validates an authorize request in the documented order: app_id, app state, redirect_uri, response_type, scope.
     * {@code param} returns a query or form value, null when absent.
     */
    public AuthRequest validate(Function<String, String> param) {
        String appId = param.apply("app_id");
        if (appId == null || appId.isEmpty()) {
            throw new ApiException(ErrorCode.APP_NOT_EXIST, "app_id is required");
        }
        AppRecord app =
                apps.find(appId).orElseThrow(() -> new ApiException(ErrorCode.APP_NOT_EXIST, "app_id not found"));
        if (app.disabled()) {
            throw new ApiException(ErrorCode.AUDIT_NOT_PASS, "app is disabled");
        }
        String redirect = param.apply("redirect_uri");
        if (redirect == null || redirect.isEmpty()) {
            throw new ApiException(ErrorCode.INVALID_REDIRECT_URI, "redirect_uri is required");
        }
        if (app.redirectUris().stream().noneMatch(r -> redirectMatches(r, redirect))) {
            throw new ApiException(ErrorCode.INVALID_REDIRECT_URI, "redirect_uri is not registered for this app");
        }
        String responseType = param.apply("response_type");
        if (responseType != null && !responseType.equals("code")) {
            throw new ApiException(ErrorCode.INVALID_RESPONSE_TYPE, "response_type must be code");
        }
        String rawScope = param.apply("scope");
        Set<Scope> scopes = EnumSet.noneOf(Scope.class);
        if (rawScope != null) {
            for (String s : rawScope.split("[,\\s]+", -1)) {
                if (s.isEmpty()) {
                    continue;
                }
                Scope scope = Scope.parse(s)
                        .orElseThrow(() -> new ApiException(ErrorCode.INVALID_SCOPE, "unknown scope " + s));
                if (!app.scopes().contains(scope.wireName())) {
                    throw new ApiException(ErrorCode.INVALID_SCOPE, "scope " + s + " is not allowed for this app");
                }
                scopes.add(scope);
            }
        }
        if (scopes.isEmpty()) {
            throw new ApiException(ErrorCode.INVALID_SCOPE, "scope is required");
        }
        String state = param.apply("state");
        return new AuthRequest(
                app,
                redirect,
                scopes,
                rawScope,
                state,
                bool(param, "logout_after_auth", false),
                bool(param, "header", true));
    }

    static boolean bool(Function<String, String> param, String name, boolean dflt) {
        String v = param.apply(name);
        return (v == null || v.isEmpty()) ? dflt : Json.parseBool(name, v);
    }

    /**
     * Exact byte-for-byte match, except that a registered http loopback URI matches any port (RFC 8252 §7.3): both
     * sides are compared with their port removed, everything else still exact.
     */
    static boolean redirectMatches(String registered, String requested) {
        if (registered.equals(requested)) {
            return true;
        }
        Matcher r = LOOPBACK.matcher(registered);
        Matcher q = LOOPBACK.matcher(requested);
        if (!r.matches() || !q.matches()) {
            return false;
        }
        String rr = "http://" + r.group(1) + (r.group(3) == null ? "" : r.group(3));
        String qq = "http://" + q.group(1) + (q.group(3) == null ? "" : q.group(3));
        return rr.equals(qq);
    }

    /** {@code uri?name=value&...}, joined with {@code &} when the URI already has a query; values percent-encoded. */
    public static String redirect(String uri, Map<String, String> params) {
        StringBuilder b = new StringBuilder(uri);
        char sep = uri.contains("?") ? '&' : '?';
        for (Map.Entry<String, String> e : params.entrySet()) {
            if (e.getValue() == null) {
                continue;
            }
            b.append(sep).append(e.getKey()).append('=').append(encode(e.getValue()));
            sep = '&';
        }
        return b.toString();
    }

    static String encode(String v) {
        return URLEncoder.encode(v, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /**
     * Records the user's consent (widening an earlier grant) and issues a code bound to the app, the user, the
     * approved scopes and the redirect URI.
     */
    public String issueCode(AuthRequest r, String userId) {
        String grantId = admin.grant(r.app().appId(), userId, r.scopes());
        String code = ids.code();
        String chain = ids.internal();
        long now = clock.epochSeconds();
        jdbi.useHandle(h -> AuthCodeStore.insert(
                h,
                code,
                r.app().appId(),
                userId,
                grantId,
                r.scopes(),
                r.redirectUri(),
                chain,
                now + CODE_TTL,
                now,
                now - CODE_KEEP));
        return code;
    }

    /**
     * The app behind an app_id/app_key pair. Unknown app and wrong key give one answer (20002) so ids cannot be
     * probed; keys are compared in constant time; the old key counts during a rotation overlap.
     */
    public AppRecord authenticateApp(String appId, String appKey) {
        Optional<AppRecord> app = appId.length() > 128 ? Optional.empty() : apps.find(appId);
        long now = clock.epochSeconds();
        byte[] sent = appKey.getBytes(StandardCharsets.UTF_8);
        boolean ok = false;
        for (String k : app.map(a -> a.validKeys(now)).orElse(List.of("-no-such-app-key-placeholder-"))) {
            ok |= MessageDigest.isEqual(sent, k.getBytes(StandardCharsets.UTF_8));
        }
        if (app.isEmpty() || !ok) {
            throw new ApiException(ErrorCode.APP_NOT_EXIST, "app_id not found or app_key does not match");
        }
        if (app.get().disabled()) {
            throw new ApiException(ErrorCode.AUDIT_NOT_PASS, "app is disabled");
        }
        return app.get();
    }

    /** Step 2 of api.md §3.1. Only a successful exchange uses the code; a replay revokes the chain it started. */
    public TokenGrant exchange(String code, String appId, String appKey, String redirectUri) {
        AppRecord app = authenticateApp(appId, appKey);
        if (code.length() > 128) {
            throw new ApiException(ErrorCode.INVALID_CODE, "code is invalid");
        }
        String hash = TokenService.hash(code);
        AuthCodeStore.Code row = jdbi.withHandle(h -> AuthCodeStore.find(h, hash))
                .orElseThrow(() -> new ApiException(ErrorCode.INVALID_CODE, "code is invalid"));
        if (!row.appId().equals(app.appId())) {
            throw new ApiException(ErrorCode.INVALID_CODE, "code is invalid");
        }
        if (row.used()) {
            // any second presentation by the app counts as a replay, whatever else it gets wrong
            revokeChain(row.chainId());
            throw new ApiException(ErrorCode.INVALID_CODE, "code already used");
        }
        if (redirectUri != null && !redirectUri.equals(row.redirectUri())) {
            throw new ApiException(ErrorCode.INVALID_CODE, "redirect_uri does not match the authorization request");
        }
        long now = clock.epochSeconds();
        if (now >= row.expiresAt()) {
            throw new ApiException(ErrorCode.INVALID_CODE, "code expired");
        }
        // fresh values are drawn before the transaction: the pinned-id queue takes its own connection
        String access = ids.accessToken();
        String refresh = ids.refreshToken();
        boolean won = jdbi.inTransaction(h -> {
            if (!AuthCodeStore.use(h, hash)) {
                return false;
            }
            if (!GrantStore.exists(h, row.grantId())) {
                throw new ApiException(ErrorCode.INVALID_CODE, "authorization was revoked");
            }
            tokens.insert(
                    h,
                    access,
                    refresh,
                    app.appId(),
                    row.userId(),
                    TokenService.parseScopes(row.scopes()),
                    row.grantId(),
                    row.chainId(),
                    now + TokenService.ACCESS_TTL,
                    now);
            return true;
        });
        if (!won) {
            // a concurrent exchange of the same code got there first: this is a replay
            revokeChain(row.chainId());
            throw new ApiException(ErrorCode.INVALID_CODE, "code already used");
        }
        return new TokenGrant(access, TokenService.ACCESS_TTL, refresh, app.appId());
    }

    /** Revokes every token issued from one code, including those refreshed from them. */
    void revokeChain(String chainId) {
        jdbi.useHandle(h -> TokenStore.revokeChain(h, chainId));
    }

    /**
     * Step 3 of api.md §3.1. Unknown, expired, revoked or another app's refresh token → 20001, the token untouched.
     * Without rotation (the default) the answer carries a new access token and the presented refresh token itself,
     * which stays valid until its own expiry, 90 days after it was issued: KDocs clients keep the first refresh token
     * and present it again. With rotation the answer carries a fresh 90-day refresh token and the presented one is
     * used up. In both modes a used-up (rotated) refresh token presented again is a reuse (RFC 9700 §4.14.2): either
     * the client or an attacker holds a stolen copy, so every token of its chain, access and refresh, is revoked.
     * Earlier access tokens live on until their own expiry.
     */
    public TokenGrant refresh(String appId, String appKey, String refreshToken) {
        AppRecord app = authenticateApp(appId, appKey);
        if (refreshToken.length() > 128) {
            throw new ApiException(ErrorCode.INVALID_CODE, "refresh_token is invalid");
        }
        TokenStore.RefreshRow row = jdbi.withHandle(h -> TokenStore.byRefreshToken(h, refreshToken))
                .orElseThrow(() -> new ApiException(ErrorCode.INVALID_CODE, "refresh_token is invalid"));
        if (!row.appId().equals(app.appId())) {
            throw new ApiException(ErrorCode.INVALID_CODE, "refresh_token is invalid");
        }
        if (row.revoked()) {
            throw new ApiException(ErrorCode.INVALID_CODE, "refresh_token revoked");
        }
        if (row.used()) {
            revokeChain(row.chainId());
            throw new ApiException(ErrorCode.INVALID_CODE, "refresh_token already used");
        }
        long now = clock.epochSeconds();
        if (now >= row.expiresAt()) {
            throw new ApiException(ErrorCode.INVALID_CODE, "refresh_token expired");
        }
        String access = ids.accessToken();
        String refresh = rotateRefreshTokens ? ids.refreshToken() : null;
        boolean won = jdbi.inTransaction(h -> {
            // rotation uses the token up; without it the same conditional write only confirms it is still live
            if (!TokenStore.claimRefresh(h, row.tokenId(), rotateRefreshTokens)) {
                return false;
            }
            tokens.insert(
                    h,
                    access,
                    refresh,
                    app.appId(),
                    row.userId(),
                    TokenService.parseScopes(row.scopes()),
                    row.grantId(),
                    row.chainId(),
                    now + TokenService.ACCESS_TTL,
                    now);
            return true;
        });
        if (!won) {
            if (!rotateRefreshTokens) {
                throw new ApiException(ErrorCode.INVALID_CODE, "refresh_token revoked");
            }
            // a concurrent presentation of the same token rotated it first: that is a reuse too
            revokeChain(row.chainId());
            throw new ApiException(ErrorCode.INVALID_CODE, "refresh_token already used");
        }
        return new TokenGrant(
                access, TokenService.ACCESS_TTL, rotateRefreshTokens ? refresh : refreshToken, app.appId());
    }
}
