package io.yundoc.server.api;

import io.helidon.webserver.http.HttpRouting;
import io.yundoc.server.core.ApiException;
import io.yundoc.server.core.Memo;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Every route of the server, by capability: the table {@code /openapi}, the quota admin API and the metrics are
 * checked against, and the Helidon routing built from it. A request is matched against every route in the order
 * registered ({@link RouteIndex}: the first that matches takes it) and runs through the {@link Pipeline};
 * {@link ApiErrors} and {@link UnexpectedErrors} answer every failure; a request no route takes gets {@link Fallback}.
 */
public final class RouteTable {
    private final Pipeline pipeline;
    /** Each capability's routes, in the order added. */
    private final List<List<Routes.Route>> capabilities = new ArrayList<>();

    private final List<Endpoint> endpoints = new ArrayList<>();

    public RouteTable(Pipeline pipeline) {
        this.pipeline = pipeline;
    }

    /** Registers one capability's routes (in the order given: routes are tried in registration order). */
    public RouteTable add(ApiRoutes capability) {
        Routes r = new Routes();
        capability.routes(r);
        List<Routes.Route> routes = r.routes();
        if (!routes.isEmpty()) {
            routes.forEach(route -> endpoints.add(route.endpoint()));
            capabilities.add(routes);
        }
        return this;
    }

    /** Every registered route. */
    public List<Endpoint> endpoints() {
        return Collections.unmodifiableList(endpoints);
    }

    /**
     * The server's routing: one Helidon route that looks the request up in a {@link RouteIndex} of every capability's
     * routes (in registration order), the error handlers, the fallback.
     */
    public HttpRouting.Builder routing() {
        RouteIndex<Pipeline.Route> index = new RouteIndex<>();
        for (List<Routes.Route> capability : capabilities) {
            for (Routes.Route r : capability) {
                Endpoint e = r.endpoint();
                index.add(e.method(), e.template(), pipeline.handler(e, r.handler()));
            }
        }
        // the fallback as a route of its own per method, so that metrics and faults see the request's method
        Memo<String, Pipeline.Route> fallbacks = new Memo<>(
                64,
                method -> pipeline.handler(
                        new Endpoint(method, "*", Endpoint.Auth.NONE, null, null, false), Fallback::unmatched));
        return HttpRouting.builder()
                .error(ApiException.class, new ApiErrors(pipeline.metrics()))
                .error(Exception.class, new UnexpectedErrors(pipeline.metrics(), pipeline.disk()))
                .any((req, res) -> {
                    String method = req.prologue().method().text();
                    RouteIndex.Match<Pipeline.Route> m =
                            index.match(method, req.prologue().uriPath().path());
                    if (m != null) {
                        m.route().handle(req, res, m.values());
                    } else {
                        fallbacks.get(method).handle(req, res, RouteIndex.NO_VALUES);
                    }
                });
    }
}
