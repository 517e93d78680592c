package io.yundoc.server.oauth;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.helidon.http.Method;
import io.yundoc.protocol.ErrorCode;
import io.yundoc.protocol.Scope;
import io.yundoc.server.api.ApiRoutes;
import io.yundoc.server.api.Call;
import io.yundoc.server.api.Routes;
import io.yundoc.server.auth.EditTokenService;
import io.yundoc.server.auth.GrantService;
import io.yundoc.server.auth.Principal;
import io.yundoc.server.auth.UserRecord;
import io.yundoc.server.core.ApiException;
import io.yundoc.server.core.IdGenerator;
import io.yundoc.server.core.Json;
import io.yundoc.server.quota.Tier;
import io.yundoc.server.web.OpsRoutes;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The OAuth token endpoints (api.md §3.1 steps 2 and 3), the user endpoints (§5.2), the default avatar, and the
 * operator's grant routes (design.md: {@code GET /admin/v1/grants}, {@code DELETE /admin/v1/grants/:grant_id}).
 */
public final class OAuthRoutes implements ApiRoutes {
    private static final byte[] AVATAR = OpsRoutes.load("/static/avatar/default.png");

    private final OAuthService oauth;
    private final GrantService grants;
    private final EditTokenService editTokens;

    @SuppressWarnings("UnusedVariable") // kept for the OAuth routes' next id-issuing use; wired by YundocServer
    private final IdGenerator ids;

    public OAuthRoutes(OAuthService oauth, GrantService grants, EditTokenService editTokens, IdGenerator ids) {
        this.oauth = oauth;
        this.grants = grants;
        this.editTokens = editTokens;
        this.ids = ids;
    }

    @Override
    public void routes(Routes r) {
        r.open(Method.GET, "/api/v1/oauth2/access_token", this::accessToken);
        r.open(Method.POST, "/api/v1/oauth2/access_token", this::accessToken);
        r.open(Method.POST, "/api/v1/oauth2/refresh_token", this::refreshToken);
        r.token(Method.GET, "/api/v1/openapi/user/basic", Scope.USER_BASIC, Tier.READ, this::userBasic);
        r.token(Method.POST, "/api/v1/openapi/user/edit_token", Scope.USER_BASIC, Tier.WRITE, this::editToken);
        r.open(Method.GET, "/static/avatar/default.png", c -> {
            c.response().header("Content-Type", "image/png");
            c.response().header("Cache-Control", "public, max-age=86400");
            c.response().header("X-Content-Type-Options", "nosniff");
            c.response().send(AVATAR);
        });
        r.admin(Method.GET, "/admin/v1/grants", this::listGrants);
        r.admin(Method.DELETE, "/admin/v1/grants/:grant_id", c -> {
            if (!grants.revoke(c.param("grant_id"))) {
                throw ApiException.invalid("grant_id not found");
            }
            c.ok(Map.of());
        });
    }

    /** RFC 6749 §5.1: token responses (and their errors) must not be cached. Set first, so errors carry them too. */
    private static void noStore(Call c) {
        c.header("Cache-Control", "no-store");
        c.header("Pragma", "no-cache");
    }

    private static String required(String name, String value) {
        if (value == null || value.isEmpty()) {
            throw ApiException.invalid(name + " is required");
        }
        return value;
    }

    private void accessToken(Call c) {
        noStore(c);
        String code = required("code", c.query("code").orElse(null));
        String appId = required("app_id", c.query("app_id").orElse(null));
        String appKey = required("app_key", c.query("app_key").orElse(null));
        String redirectUri = c.query("redirect_uri").filter(s -> !s.isEmpty()).orElse(null);
        c.okResult(oauth.exchange(code, appId, appKey, redirectUri));
    }

    private void refreshToken(Call c) {
        noStore(c);
        ObjectNode body = c.json(false);
        String appId = required(
                "app_id",
                Json.text(body, "app_id")
                        .filter(s -> !s.isEmpty())
                        .or(() -> c.query("app_id"))
                        .orElse(null));
        String appKey = required(
                "app_key",
                Json.text(body, "app_key")
                        .filter(s -> !s.isEmpty())
                        .or(() -> c.query("app_key"))
                        .orElse(null));
        String refresh = required(
                "refresh_token",
                Json.text(body, "refresh_token")
                        .filter(s -> !s.isEmpty())
                        .or(() -> c.query("refresh_token"))
                        .orElse(null));
        c.okResult(oauth.refresh(appId, appKey, refresh));
    }

    private void userBasic(Call c) {
        Principal p = c.principal();
        UserRecord u = oauth.user(p.userId())
                .orElseThrow(() -> new ApiException(ErrorCode.ACCESS_TOKEN_INVALID, "access_token is invalid"));
        Map<String, Object> id = new LinkedHashMap<>();
        id.put("open_id", oauth.openId(p.appId(), u.userId()));
        id.put("union_id", u.unionId());
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", id);
        m.put("nickname", u.nickname());
        m.put(
                "avatar",
                u.avatar() != null && !u.avatar().isBlank() ? u.avatar() : c.baseUrl() + "/static/avatar/default.png");
        c.ok(m);
    }

    private void editToken(Call c) {
        Principal p = c.principal();
        ObjectNode body = c.json(false);
        Json.text(body, "token").ifPresent(old -> editTokens.expire(old, p.userId()));
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("token", editTokens.issue(p.appId(), p.userId()));
        m.put("timeout", EditTokenService.TIMEOUT_MILLIS);
        c.ok(m);
    }

    private void listGrants(Call c) {
        String userId = c.query("user_id").filter(s -> !s.isEmpty()).orElse(null);
        String appId = c.query("app_id").filter(s -> !s.isEmpty()).orElse(null);
        oauth.requireKnown(userId, appId);
        List<Map<String, Object>> out = grants.list(userId, appId).stream()
                .map(g -> {
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("grant_id", g.grantId());
                    m.put("user_id", g.userId());
                    m.put("app_id", g.appId());
                    m.put("scopes", g.scopes().stream().map(Scope::wireName).toList());
                    m.put("granted_at", g.grantedAt());
                    return m;
                })
                .toList();
        c.ok(Map.of("grants", out));
    }
}
