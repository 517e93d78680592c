package io.yundoc.server.appspace;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.helidon.http.Method;
import io.yundoc.server.api.ApiRoutes;
import io.yundoc.server.api.Call;
import io.yundoc.server.api.Routes;
import io.yundoc.server.core.ApiException;
import io.yundoc.server.core.Json;
import io.yundoc.server.quota.Tier;
import java.util.Map;

/**
 * App-space async upload over WPS-2 (api-families.md §F5): the task's POST (tier W) and its progress query (tier R),
 * which the docs' example sends as PUT: GET and PUT alike.
 */
public final class AsyncUploadRoutes implements ApiRoutes {
    private static final String PATH = "/api/v1/openapi/appspace/file/async/upload";
    private final AsyncUploadService service;

    public AsyncUploadRoutes(AsyncUploadService service) {
        this.service = service;
    }

    @Override
    public void routes(Routes r) {
        r.signed(Method.POST, PATH, Tier.WRITE, false, this::start);
        r.signed(
                Method.GET,
                PATH + "/:task_id",
                Tier.READ,
                false,
                c -> c.ok(service.progress(c.app(), c.param("task_id"))));
        r.signed(
                Method.PUT,
                PATH + "/:task_id",
                Tier.READ,
                false,
                c -> c.ok(service.progress(c.app(), c.param("task_id"))));
    }

    private void start(Call c) {
        ObjectNode body = c.json(true);
        String url = Json.text(body, "url")
                .filter(s -> !s.isBlank())
                .orElseThrow(() -> ApiException.invalid("url is required"));
        String filename = Json.text(body, "filename").orElseThrow(() -> ApiException.invalid("filename is required"));
        String parent = Json.text(body, "parent_token").orElse(null);
        c.ok(Map.of("task_id", service.start(c.app(), url, filename, creator(body.get("creator")), parent)));
    }

    /** The creator as the client sent it, kept as raw JSON (a string stays a string); only scalars. */
    private static String creator(JsonNode n) {
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.isValueNode()) {
            throw ApiException.invalid("creator must be a string or number");
        }
        return n.toString();
    }
}
