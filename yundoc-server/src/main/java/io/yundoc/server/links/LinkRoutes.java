package io.yundoc.server.links;

import io.helidon.http.Method;
import io.yundoc.protocol.Scope;
import io.yundoc.server.api.ApiRoutes;
import io.yundoc.server.api.Call;
import io.yundoc.server.api.Routes;
import io.yundoc.server.auth.EditTokenService;
import io.yundoc.server.quota.Tier;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/** {@code GET} and {@code POST /personal/files/:file_token/links}. */
public final class LinkRoutes implements ApiRoutes {
    private static final String PATH = "/api/v1/openapi/personal/files/:file_token/links";
    private final LinkService links;

    private EditTokenService editTokens;

    public LinkRoutes(LinkService links) {
        this.links = links;
    }

    /** Enables the two edit-token URL endpoints (api.md §5.8). */
    public LinkRoutes withEditTokens(EditTokenService editTokens) {
        this.editTokens = editTokens;
        return this;
    }

    @Override
    public void routes(Routes r) {
        if (editTokens != null) {
            r.token(Method.GET, PATH + "/with_edit_token", Scope.ACCESS_PERSONAL_FILES, Tier.WRITE, c -> {
                var l = links.openLink(c.reads(), c.principal(), c.fileId("file_token"));
                c.ok(tokenUrl(c, c.baseUrl() + "/l/" + l.sid()));
            });
            r.token(
                    Method.GET,
                    "/api/v1/openapi/personal/files/:file_token/url/with_edit_token",
                    Scope.ACCESS_PERSONAL_FILES,
                    Tier.WRITE,
                    c -> {
                        var f = links.viewable(c.principal(), c.fileId("file_token"));
                        c.ok(tokenUrl(c, c.baseUrl() + "/v/" + f.fileId()));
                    });
        }
        r.token(
                Method.GET,
                PATH,
                Scope.ACCESS_PERSONAL_FILES,
                Tier.READ,
                c -> c.ok(links.get(c.reads(), c.principal(), c.fileId("file_token"), c.baseUrl())));
        r.token(Method.POST, PATH, Scope.EDIT_PERSONAL_FILES, Tier.WRITE, this::post);
        r.token(Method.DELETE, PATH, Scope.EDIT_PERSONAL_FILES, Tier.WRITE, c -> {
            links.delete(c.principal(), c.fileId("file_token"));
            c.ok(Map.of());
        });
        // the docs' example path misspells "member" (api.md §1.6): both are routed
        for (String seg : new String[] {"/members/:user_id", "/memeber/:user_id"}) {
            r.token(Method.PUT, PATH + seg, Scope.EDIT_PERSONAL_FILES, Tier.WRITE, c -> {
                var body = c.json(true);
                links.setMember(c.principal(), c.fileId("file_token"), c.param("user_id"), body);
                c.ok(Map.of());
            });
        }
    }

    private Map<String, Object> tokenUrl(Call c, String pageUrl) {
        String token = editTokens.issue(c.principal().appId(), c.principal().userId());
        var m = new LinkedHashMap<String, Object>();
        m.put("url", pageUrl + "?token=" + URLEncoder.encode(token, StandardCharsets.UTF_8));
        m.put("token", token);
        m.put("timeout", EditTokenService.TIMEOUT_MILLIS);
        return m;
    }

    private void post(Call c) {
        var body = c.json(true);
        c.ok(links.createOrUpdate(c.principal(), c.fileId("file_token"), body, c.baseUrl()));
    }
}
