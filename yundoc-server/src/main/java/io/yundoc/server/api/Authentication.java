package io.yundoc.server.api;

import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerRequest;
import io.yundoc.protocol.ErrorCode;
import io.yundoc.protocol.Hex;
import io.yundoc.server.auth.Principal;
import io.yundoc.server.auth.TokenService;
import io.yundoc.server.auth.Wps2Authenticator;
import io.yundoc.server.core.ApiException;
import io.yundoc.server.core.ReadCache;
import io.yundoc.server.quota.QuotaService;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.function.Supplier;

/**
 * Steps 3–6 of api.md §1.5 by the route's kind: the admin token; an access token with disabled app or user and scope
 * (api.md §3.2, §3.3); a WPS-2 signature with its replay cache and body (api.md §3.4). A metered call is counted here
 * as well, through {@link ReadCache.Reads#settle}: the count is what tells whether the rows the call was decided on
 * were current (scale-out), and settle is the one place that re-reads them when they were not.
 */
public final class Authentication {
    /** One route's authentication, chosen when the route is registered. */
    @FunctionalInterface
    interface Step {
        void authenticate(Call call);
    }

    private static final Step NONE = call -> {};

    private final TokenService tokens;
    private final Wps2Authenticator wps2;
    private final Metering metering;
    private final Supplier<String> adminToken;
    private final ReadCache cache;

    public Authentication(
            TokenService tokens,
            Wps2Authenticator wps2,
            QuotaService quota,
            Supplier<String> adminToken,
            ReadCache cache) {
        this.tokens = tokens;
        this.wps2 = wps2;
        this.metering = new Metering(quota);
        this.adminToken = adminToken;
        this.cache = cache;
    }

    Step step(Endpoint e) {
        return switch (e.auth()) {
            case NONE, APP_KEY -> NONE;
            case ADMIN -> this::admin;
            case TOKEN -> this::token;
            case WPS2 -> this::signed;
        };
    }

    private void admin(Call call) {
        String sent = call.request().headers().first(HeaderNames.AUTHORIZATION).orElse("");
        String expected = "Bearer " + adminToken.get();
        if (!MessageDigest.isEqual(sent.getBytes(StandardCharsets.UTF_8), expected.getBytes(StandardCharsets.UTF_8))) {
            throw new ApiException(ErrorCode.ACCESS_TOKEN_INVALID, "admin token required");
        }
    }

    private void token(Call call) {
        Endpoint e = call.endpoint();
        String token = accessToken(call.request());
        ReadCache.Reads reads = cache.begin(e.tier() != null);
        call.reads = reads;
        call.principal = reads.settle(
                () -> principal(reads, e, token),
                p -> {},
                p -> metering.count(call, reads, p.appId(), "formal".equals(p.appTier()), p.quotaOverrides()));
    }

    /** Authentication, disabled app and user, and scope, for an access-token route (api.md §1.5 steps 3–5). */
    private ReadCache.Verdict<Principal> principal(ReadCache.Reads reads, Endpoint e, String token) {
        try {
            Principal p = tokens.authenticate(reads, token);
            if (p.appDisabled()) {
                throw new ApiException(ErrorCode.AUDIT_NOT_PASS, "app is disabled");
            }
            if (p.userDisabled()) {
                throw new ApiException(ErrorCode.USER_ACCOUNT_RESTRICTED, "user account is disabled");
            }
            if (e.scope() != null && !p.scopes().contains(e.scope())) {
                throw new ApiException(
                        ErrorCode.PERMISSION_DENIED, "scope " + e.scope().wireName() + " not granted");
            }
            return ReadCache.Verdict.accept(p);
        } catch (ApiException refused) {
            return ReadCache.Verdict.refuse(refused, null);
        }
    }

    private void signed(Call call) {
        Endpoint e = call.endpoint();
        ServerRequest req = call.request();
        boolean bodyEmpty = e.streamingBody() ? !req.content().hasEntity() : call.body().length == 0;
        ReadCache.Reads reads = cache.begin(e.tier() != null);
        call.reads = reads;
        Wps2Authenticator.Signed signed = wps2.signed(req, bodyEmpty);
        call.app = reads.settle(
                () -> wps2.check(reads, signed),
                app -> {
                    call.signature = wps2.admit(signed, app);
                    if (!e.streamingBody() && !bodyEmpty) {
                        wps2.verifyBody(call.signature, Hex.md5(call.body()), call.body().length);
                    }
                },
                app -> metering.count(call, reads, app.appId(), app.formal(), app.quotaOverrides()));
    }

    /** {@code ?access_token=} wins over {@code Authorization: Bearer} (api.md §3.2). */
    private static String accessToken(ServerRequest req) {
        String q = req.query().first("access_token").orElse(null);
        if (q != null && !q.isEmpty()) {
            return q;
        }
        String h = req.headers().first(HeaderNames.AUTHORIZATION).orElse("");
        if (h.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return h.substring(7).trim();
        }
        return null;
    }
}
