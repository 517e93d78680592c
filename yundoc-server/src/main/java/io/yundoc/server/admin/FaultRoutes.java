package io.yundoc.server.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.helidon.http.Method;
import io.yundoc.server.api.ApiRoutes;
import io.yundoc.server.api.Call;
import io.yundoc.server.api.Faults;
import io.yundoc.server.api.Routes;
import io.yundoc.server.core.ApiException;
import io.yundoc.server.core.Json;
import java.util.Map;

/** {@code /admin/v1/faults}: dev-only fault injection (design.md "Emulator controls"). */
public final class FaultRoutes implements ApiRoutes {
    private static final String BASE = "/admin/v1/faults";
    private final Faults faults;
    private final boolean dev;

    public FaultRoutes(Faults faults, boolean dev) {
        this.faults = faults;
        this.dev = dev;
    }

    @Override
    public void routes(Routes r) {
        r.admin(Method.POST, BASE, this::add);
        r.admin(Method.GET, BASE, c -> {
            devOnly();
            c.ok(Map.of("faults", faults.list().stream().map(Faults.Fault::view).toList()));
        });
        r.admin(Method.DELETE, BASE, c -> {
            devOnly();
            faults.clear();
            c.ok(Map.of());
        });
        r.admin(Method.DELETE, BASE + "/:fault_id", c -> {
            devOnly();
            if (!faults.remove(c.param("fault_id"))) {
                throw ApiException.invalid("no such fault");
            }
            c.ok(Map.of());
        });
    }

    private void devOnly() {
        if (!dev) {
            throw ApiException.denied("dev mode only");
        }
    }

    private void add(Call c) {
        devOnly();
        ObjectNode b = c.json(true);
        Faults.Fault f = faults.add(
                Json.text(b, "route").orElse(null),
                Json.integer(b, "code").map(Long::intValue).orElse(null),
                Json.integer(b, "retry_after_seconds").orElse(null),
                Json.integer(b, "latency_ms").orElse(null),
                Json.bool(b, "drop").orElse(null),
                Json.integer(b, "drop_after_bytes").orElse(null),
                Json.bool(b, "corrupt").orElse(null),
                Json.integer(b, "count").orElse(null),
                probability(b.get("probability")));
        c.ok(Map.of("fault_id", f.id()));
    }

    private static Double probability(JsonNode n) {
        if (n == null || n.isNull()) {
            return null;
        }
        if (n.isNumber()) {
            return n.asDouble();
        }
        if (n.isTextual()) {
            try {
                return Double.parseDouble(n.asText());
            } catch (NumberFormatException e) {
                throw ApiException.invalid("probability must be a number between 0 and 1");
            }
        }
        throw ApiException.invalid("probability must be a number between 0 and 1");
    }
}
