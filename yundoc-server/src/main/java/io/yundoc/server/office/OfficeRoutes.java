package io.yundoc.server.office;

import io.helidon.http.Method;
import io.yundoc.server.api.ApiRoutes;
import io.yundoc.server.api.Call;
import io.yundoc.server.api.Routes;
import io.yundoc.server.quota.Tier;
import java.util.Map;

/**
 * The conversion and extraction routes of docs/api-families.md §F3 (WPS-2, no scope), metered in tier C. Without an
 * engine the convert POSTs answer 30005 (§F3.3 "Converter"); their tier stays C so the route table, and the
 * /openapi document generated from the same facts, do not depend on what is installed (§F3.5). Task queries count
 * against R (§F3.3); {@code GET /tasks/:task_id} is the solution.wps.cn-style alias.
 */
public final class OfficeRoutes implements ApiRoutes {
    static final String BASE = "/api/v1/openapi/office";
    private final OfficeService office;

    public OfficeRoutes(OfficeService office) {
        this.office = office;
    }

    @Override
    public void routes(Routes r) {
        for (String kind : new String[] {"pdf", "jpg", "txt"}) {
            r.signed(Method.POST, BASE + "/convert/files/to/" + kind, Tier.CONVERT, false, c -> submit(c, kind));
        }
        r.signed(Method.GET, BASE + "/convert/tasks/:task_id", Tier.READ, false, this::task);
        r.signed(Method.GET, "/api/v1/openapi/tasks/:task_id", Tier.READ, false, this::task);
        r.signed(
                Method.POST,
                BASE + "/extract/plaintext",
                Tier.CONVERT,
                false,
                c -> c.ok(Map.of("text", office.extract(c.app().appId(), c.json(true), c.baseUrl()))));
    }

    private void submit(Call c, String kind) {
        if (!office.engineAvailable()) {
            throw OfficeService.noEngine();
        }
        c.ok(Map.of("task_id", office.submit(c.app().appId(), kind, c.json(true), c.baseUrl())));
    }

    private void task(Call c) {
        c.ok(office.task(c.app().appId(), c.param("task_id"), c.baseUrl()));
    }
}
