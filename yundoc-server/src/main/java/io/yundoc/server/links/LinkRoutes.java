package io.yundoc.server.links;

import io.helidon.http.Method;
import io.yundoc.protocol.Scope;
import io.yundoc.server.api.ApiRouter;
import io.yundoc.server.api.Call;
import io.yundoc.server.quota.Tier;

/** {@code GET} and {@code POST /personal/files/:file_token/links}. */
public final class LinkRoutes {
    private static final String PATH = "/api/v1/openapi/personal/files/:file_token/links";
    private final LinkService links;

    public LinkRoutes(LinkService links) {
        this.links = links;
    }

    public void routes(ApiRouter r) {
        r.token(Method.GET, PATH, Scope.ACCESS_PERSONAL_FILES, Tier.READ,
                c -> c.ok(links.get(c.principal(), c.fileId("file_token"), c.baseUrl())));
        r.token(Method.POST, PATH, Scope.EDIT_PERSONAL_FILES, Tier.WRITE, this::post);
        r.token(Method.DELETE, PATH, Scope.EDIT_PERSONAL_FILES, Tier.WRITE, c -> {
            links.delete(c.principal(), c.fileId("file_token"));
            c.ok(java.util.Map.of());
        });
        // the docs' example path misspells "member" (api.md §1.6): both are routed
        for (String seg : new String[]{"/members/:user_id", "/memeber/:user_id"}) {
            r.token(Method.PUT, PATH + seg, Scope.EDIT_PERSONAL_FILES, Tier.WRITE, c -> {
                var body = c.json(true);
                links.setMember(c.principal(), c.fileId("file_token"), c.param("user_id"), body);
                c.ok(java.util.Map.of());
            });
        }
    }

    private void post(Call c) {
        var body = c.json(true);
        c.ok(links.createOrUpdate(c.principal(), c.fileId("file_token"), body, c.baseUrl()));
    }
}
