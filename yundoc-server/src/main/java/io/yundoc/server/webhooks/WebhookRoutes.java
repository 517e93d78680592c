package io.yundoc.server.webhooks;

import io.helidon.http.Method;
import io.yundoc.protocol.Scope;
import io.yundoc.server.api.ApiRoutes;
import io.yundoc.server.api.Call;
import io.yundoc.server.api.Routes;
import io.yundoc.server.core.ApiException;
import io.yundoc.server.quota.Tier;
import java.util.Map;

/**
 * The webhook routes of docs/api-families.md §F2.6 (access token, {@code edit_personal_files}, tier W) and, in dev
 * mode, the admin test hook and delivery list (design.md "Emulator controls").
 */
public final class WebhookRoutes implements ApiRoutes {
    static final String BASE = "/api/v1/openapi/dbt/:file_token/webhook";
    private final WebhookService webhooks;
    private final boolean dev;

    public WebhookRoutes(WebhookService webhooks, boolean dev) {
        this.webhooks = webhooks;
        this.dev = dev;
    }

    @Override
    public void routes(Routes r) {
        Scope edit = Scope.EDIT_PERSONAL_FILES;
        for (Map.Entry<String, String> e : WebhookService.EVENTS.entrySet()) {
            String event = e.getValue();
            r.token(
                    Method.POST,
                    BASE + "/sheets/:sheet_id/" + e.getKey(),
                    edit,
                    Tier.WRITE,
                    c -> subscribe(c, event, event.equals("view.remove")));
        }
        r.token(
                Method.GET,
                BASE + "/mine",
                edit,
                Tier.WRITE,
                c -> c.ok(webhooks.mine(c.principal(), c.fileId("file_token"))));
        r.token(Method.DELETE, BASE + "/:webhook_id", edit, Tier.WRITE, c -> {
            webhooks.unsubscribe(c.principal(), c.fileId("file_token"), c.param("webhook_id"));
            c.ok(Map.of());
        });
        r.admin(Method.POST, "/admin/v1/webhooks/:webhook_id/test", c -> {
            devOnly();
            c.ok(webhooks.test(c.param("webhook_id")));
        });
        r.admin(Method.GET, "/admin/v1/webhooks/deliveries", c -> {
            devOnly();
            c.ok(webhooks.recent(100));
        });
    }

    private void devOnly() {
        if (!dev) {
            throw ApiException.denied("dev mode only");
        }
    }

    private void subscribe(Call c, String event, boolean inView) {
        var body = c.json(true);
        String view = inView ? c.param("view_id") : "";
        c.ok(webhooks.subscribe(c.principal(), c.fileId("file_token"), event, c.param("sheet_id"), view, body));
    }
}
