package io.yundoc.server.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.yundoc.server.TestServer;
import io.yundoc.server.TestServerExtension;
import io.yundoc.server.api.Endpoint;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Keeps {@code openapi.json} (served at {@code GET /openapi}) in step with the routing table: every registered route
 * must be documented, and nothing may be documented that is not routed. When this fails after adding a route,
 * document it in {@code yundoc-server/src/main/resources/openapi.json}.
 */
class OpenApiRoutesTest {
    private static final Set<String> HTTP_METHODS =
            Set.of("get", "put", "post", "delete", "options", "head", "patch", "trace");
    private static final String RESOURCE = "yundoc-server/src/main/resources/openapi.json";

    @RegisterExtension
    static final TestServerExtension ts = TestServerExtension.embedded();

    static JsonNode doc;

    @BeforeAll
    static void start() {
        HttpResponse<String> r = ts.send("GET", "/openapi", null);
        assertThat(r.statusCode()).as("GET /openapi status").isEqualTo(200);
        doc = TestServer.json(r);
    }

    /** "GET /api/v1/openapi/personal/files/{file_token}/download" for a route of the table. */
    static String key(Endpoint e) {
        return e.method().toUpperCase(Locale.ROOT) + " " + e.template().replaceAll(":([A-Za-z0-9_]+)", "{$1}");
    }

    /** The routes of the table, keyed as the document keys its operations; the "*" fallback is left out. */
    static Map<String, Endpoint> routes() {
        Map<String, Endpoint> m = new LinkedHashMap<>();
        for (Endpoint e : ts.server().routes()) {
            if (!"*".equals(e.template())) {
                m.put(key(e), e);
            }
        }
        return m;
    }

    /** Every operation of the document, keyed "METHOD /path". */
    static Map<String, JsonNode> operations() {
        Map<String, JsonNode> m = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> paths = doc.path("paths").fields(); paths.hasNext(); ) {
            Map.Entry<String, JsonNode> path = paths.next();
            for (Iterator<Map.Entry<String, JsonNode>> ops = path.getValue().fields(); ops.hasNext(); ) {
                Map.Entry<String, JsonNode> op = ops.next();
                if (HTTP_METHODS.contains(op.getKey())) {
                    m.put(op.getKey().toUpperCase(Locale.ROOT) + " " + path.getKey(), op.getValue());
                }
            }
        }
        return m;
    }

    @Test
    void isOpenApi31() {
        assertThat(doc.path("openapi").asText()).startsWith("3.1");
        assertThat(doc.path("info").path("title").asText()).isEqualTo("yundoc");
        assertThat(doc.path("paths").isObject()).isTrue();
    }

    @Test
    void documentsExactlyTheRoutingTable() {
        Set<String> routed = new TreeSet<>(routes().keySet());
        Set<String> documented = new TreeSet<>(operations().keySet());
        assertThat(routed).as("route table").isNotEmpty();

        Set<String> undocumented = new TreeSet<>(routed);
        undocumented.removeAll(documented);
        Set<String> unrouted = new TreeSet<>(documented);
        unrouted.removeAll(routed);

        StringBuilder msg = new StringBuilder("openapi.json and the route table (YundocServer.routes()) differ.");
        if (!undocumented.isEmpty()) {
            msg.append("\n  Routed but NOT documented in ")
                    .append(RESOURCE)
                    .append(" (add an operation for each; HEAD and")
                    .append(" OPTIONS routes are listed explicitly too):");
            undocumented.forEach(k -> msg.append("\n    ").append(k));
        }
        if (!unrouted.isEmpty()) {
            msg.append("\n  Documented but NOT routed (remove the operation, or fix its method/path):");
            unrouted.forEach(k -> msg.append("\n    ").append(k));
        }
        assertThat(documented).as(msg.toString()).isEqualTo(routed);
    }

    @Test
    void everyOperationHasResponsesAndASummary() {
        List<String> problems = new ArrayList<>();
        operations().forEach((k, op) -> {
            if (!op.path("responses").isObject() || op.path("responses").isEmpty()) {
                problems.add(k + ": no responses object");
            }
            if (op.path("summary").asText("").isBlank()) {
                problems.add(k + ": no summary");
            }
        });
        assertThat(problems).as("operations in " + RESOURCE + " with problems").isEmpty();
    }

    /** Generators name methods after operationId and need each operation's success and error answers. */
    @Test
    void everyOperationHasAUniqueOperationIdASuccessAndItsErrors() {
        List<String> problems = new ArrayList<>();
        Map<String, String> ids = new LinkedHashMap<>();
        operations().forEach((k, op) -> {
            String id = op.path("operationId").asText("");
            if (!id.matches("[a-z][A-Za-z0-9]*")) {
                problems.add(k + ": operationId '" + id + "' is missing or not lowerCamelCase");
            } else if (ids.put(id, k) != null) {
                problems.add(k + ": operationId '" + id + "' also names " + ids.get(id));
            }
            List<String> codes = new ArrayList<>();
            op.path("responses").fieldNames().forEachRemaining(codes::add);
            if (codes.stream().noneMatch(c -> c.startsWith("2") || c.startsWith("3"))
                    && !codes.equals(List.of("405"))) { // the /dl/ write methods exist only to answer 405
                problems.add(k + ": no 2xx or 3xx answer " + codes);
            }
            boolean api = k.contains(" /api/") || k.contains(" /admin/");
            if (api && codes.stream().noneMatch(c -> c.startsWith("4"))) {
                problems.add(k + ": an API operation without its 4xx answers " + codes);
            }
        });
        assertThat(problems)
                .as("operations of " + RESOURCE + " a client generator cannot use")
                .isEmpty();
    }

    /** {@code servers} names the public base URL, so a generated client's default base URL is this server. */
    @Test
    void serversNameThePublicBaseUrl() {
        assertThat(doc.path("servers")).hasSize(1);
        assertThat(doc.path("servers").get(0).path("url").asText()).isEqualTo(ts.base());
    }

    @Test
    void everyRefResolves() {
        List<String> refs = new ArrayList<>();
        collectRefs(doc, refs);
        assertThat(refs).as("$refs in the document").isNotEmpty();
        List<String> broken = new ArrayList<>();
        for (String ref : new TreeSet<>(refs)) {
            if (!ref.startsWith("#/") || doc.at(ref.substring(1)).isMissingNode()) {
                broken.add(ref);
            }
        }
        assertThat(broken)
                .as("$refs in " + RESOURCE + " that resolve to nothing")
                .isEmpty();
    }

    /**
     * The route table also knows each route's authentication, scope and quota tier; the document must say the same
     * through its security requirement, {@code x-yundoc-scope} and {@code x-yundoc-tier} (R, W, R10M or C: the whole label, so an R10M route
     * documented as R fails).
     */
    @Test
    void operationsDeclareTheRoutesAuthScopeAndTier() {
        Map<String, JsonNode> ops = operations();
        List<String> problems = new ArrayList<>();
        routes().forEach((k, e) -> {
            JsonNode op = ops.get(k);
            if (op == null) {
                return; // reported by documentsExactlyTheRoutingTable
            }
            String wantScope = e.scope() == null ? null : e.scope().wireName();
            String gotScope =
                    op.has("x-yundoc-scope") ? op.get("x-yundoc-scope").asText() : null;
            if (!Objects.equals(wantScope, gotScope)) {
                problems.add(k + ": x-yundoc-scope is " + gotScope + ", the route needs " + wantScope);
            }
            String wantTier = e.tier() == null ? null : e.tier().label();
            String gotTier = op.has("x-yundoc-tier") ? op.get("x-yundoc-tier").asText() : null;
            if (!Objects.equals(wantTier, gotTier)) {
                problems.add(k + ": x-yundoc-tier is " + gotTier + ", the route is metered as " + wantTier);
            }
            Set<String> schemes = new TreeSet<>();
            op.path("security").forEach(req -> req.fieldNames().forEachRemaining(schemes::add));
            switch (e.auth()) {
                case NONE -> {
                    if (!op.path("security").isArray() || !op.path("security").isEmpty()) {
                        problems.add(
                                k + ": an open route must declare \"security\": [] (has " + op.get("security") + ")");
                    }
                }
                case TOKEN -> {
                    if (!schemes.contains("accessToken")) {
                        problems.add(k + ": access-token route without the accessToken security scheme (has " + schemes
                                + ")");
                    }
                }
                case WPS2 -> {
                    if (!schemes.equals(Set.of("wps2"))) {
                        problems.add(k + ": WPS-2 route must declare the wps2 security scheme (has " + schemes + ")");
                    }
                }
                case ADMIN -> {
                    if (!schemes.equals(Set.of("adminToken"))) {
                        problems.add(
                                k + ": admin route must declare the adminToken security scheme (has " + schemes + ")");
                    }
                }
                default -> {
                    // APP_KEY (OAuth token endpoints): app_id + app_key travel as parameters; nothing to check here
                }
            }
        });
        assertThat(problems)
                .as("operations of " + RESOURCE + " that disagree with the route table")
                .isEmpty();
    }

    @Test
    void securityRequirementsNameDeclaredSchemes() {
        JsonNode schemes = doc.path("components").path("securitySchemes");
        assertThat(schemes.has("accessToken") && schemes.has("wps2") && schemes.has("adminToken"))
                .isTrue();
        List<String> unknown = new ArrayList<>();
        operations()
                .forEach((k, op) -> op.path("security")
                        .forEach(req -> req.fieldNames().forEachRemaining(n -> {
                            if (!schemes.has(n)) {
                                unknown.add(k + ": " + n);
                            }
                        })));
        assertThat(unknown)
                .as("security requirements naming no components.securitySchemes entry")
                .isEmpty();
    }

    private static void collectRefs(JsonNode n, List<String> out) {
        if (n.isObject()) {
            JsonNode ref = n.get("$ref");
            if (ref != null && ref.isTextual()) {
                out.add(ref.asText());
            }
            n.forEach(child -> collectRefs(child, out));
        } else if (n.isArray()) {
            n.forEach(child -> collectRefs(child, out));
        }
    }
}
