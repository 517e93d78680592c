package io.yundoc.server.appspace;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.yundoc.server.TestServer;
import io.yundoc.server.TestServerExtension;
import io.yundoc.server.api.Endpoint;
import java.net.http.HttpResponse;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The "appspace" OpenAPI part documents every app-space and key-rotation route this capability added. */
class AppSpaceOpenApiTest {
    @RegisterExtension
    static final TestServerExtension server = TestServerExtension.embedded();
    /** Documented in the base document by the foundation. */
    static final Set<String> BASE = Set.of(
            "POST /api/v1/openapi/appspace/files",
            "POST /api/v1/openapi/appspace/files/upload",
            "GET /api/v1/openapi/appspace/files/:file_token");

    @Test
    void everyNewRouteIsInTheServedDocument() {
        TestServer ts = server.get();
        HttpResponse<String> r = ts.send("GET", "/openapi", null);
        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode paths = TestServer.json(r).get("paths");
        Set<String> missing = new TreeSet<>();
        int mine = 0;
        for (Endpoint e : ts.server.routes()) {
            boolean appspace = e.template().startsWith("/api/v1/openapi/appspace/");
            boolean rotation = e.template().contains("/rotate-key");
            if ((!appspace && !rotation) || BASE.contains(e.key())) {
                continue;
            }
            mine++;
            String path = e.template().replaceAll(":([A-Za-z_]+)", "{$1}");
            JsonNode op = paths.path(path).path(e.method().toLowerCase(Locale.ROOT));
            if (op.isMissingNode() || !op.has("responses")) {
                missing.add(e.key());
            }
        }
        assertThat(mine)
                .isEqualTo(
                        13); // rows 28–35, the two key-rotation routes and async upload (§F5: POST, GET/PUT progress)
        assertThat(missing).isEmpty();
    }
}
