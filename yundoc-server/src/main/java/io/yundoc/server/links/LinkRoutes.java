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
    }

    private void post(Call c) {
        var body = c.json(true);
        c.ok(links.createOrUpdate(c.principal(), c.fileId("file_token"), body, c.baseUrl()));
    }
}
