package io.yundoc.server.api;

import io.helidon.http.Method;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import java.util.List;

/**
 * One capability's routes as a Helidon service, mounted at the literal path all its routes share: a request is
 * matched against that prefix once, and only then against the capability's own routes.
 */
final class CapabilityService implements HttpService {
    private final String prefix;
    private final List<Routes.Route> routes;
    private final Pipeline pipeline;

    CapabilityService(List<Routes.Route> routes, Pipeline pipeline) {
        this.routes = routes;
        this.pipeline = pipeline;
        this.prefix =
                commonPrefix(routes.stream().map(r -> r.endpoint().template()).toList());
    }

    /** Where the service is mounted ("" for the root). */
    String prefix() {
        return prefix;
    }

    @Override
    public void routing(HttpRules rules) {
        for (Routes.Route r : routes) {
            Endpoint e = r.endpoint();
            rules.route(
                    Method.create(e.method()),
                    e.helidonPath().substring(prefix.length()),
                    pipeline.handler(e, r.handler()));
        }
    }

    /**
     * The literal segments every template starts with, leaving at least one segment of each to the service's own
     * routes (so every route path inside starts with "/" and is never empty) and stopping at the first parameter.
     */
    static String commonPrefix(List<String> templates) {
        String[] common = null;
        int length = 0;
        for (String t : templates) {
            String[] segments = t.substring(1).split("/", -1);
            int usable = segments.length - 1;
            if (common == null) {
                common = segments;
                length = usable;
            }
            int i = 0;
            while (i < length && i < usable && common[i].equals(segments[i]) && !segments[i].startsWith(":")) {
                i++;
            }
            length = i;
        }
        return common == null || length == 0
                ? ""
                : "/" + String.join("/", List.of(common).subList(0, length));
    }
}
