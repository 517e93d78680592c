package io.yundoc.server.api;

import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.HttpRouting;
import io.yundoc.server.core.ApiException;
import io.yundoc.server.core.Memo;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Every route of the server, by capability: the table {@code /openapi}, the quota admin API and the metrics are
 * checked against, and the Helidon routing built from it. Each capability becomes one {@code HttpService}
 * ({@link CapabilityService}) whose routes run through the {@link Pipeline}; {@link ApiErrors} and {@link UnexpectedErrors} answer every failure; a
 * request no route takes gets {@link Fallback}.
 */
public final class RouteTable {
    private final Pipeline pipeline;
    private final List<CapabilityService> services = new ArrayList<>();
    private final List<Endpoint> endpoints = new ArrayList<>();

    public RouteTable(Pipeline pipeline) {
        this.pipeline = pipeline;
    }

    /** Registers one capability's routes (in the order given: Helidon tries routes in registration order). */
    public RouteTable add(ApiRoutes capability) {
        Routes r = new Routes();
        capability.routes(r);
        List<Routes.Route> routes = r.routes();
        if (!routes.isEmpty()) {
            routes.forEach(route -> endpoints.add(route.endpoint()));
            services.add(new CapabilityService(routes, pipeline));
        }
        return this;
    }

    /** Every registered route. */
    public List<Endpoint> endpoints() {
        return Collections.unmodifiableList(endpoints);
    }

    /** The server's routing: each capability's service at its prefix, the error handlers, the fallback. */
    public HttpRouting.Builder routing() {
        HttpRouting.Builder routing = HttpRouting.builder()
                .error(ApiException.class, new ApiErrors(pipeline.metrics()))
                .error(Exception.class, new UnexpectedErrors(pipeline.metrics(), pipeline.disk()));
        for (CapabilityService s : services) {
            if (s.prefix().isEmpty()) {
                routing.register(s);
            } else {
                routing.register(s.prefix(), s);
            }
        }
        // the fallback as a route of its own per method, so that metrics and faults see the request's method
        Memo<String, Handler> fallbacks = new Memo<>(
                64,
                method -> pipeline.handler(
                        new Endpoint(method, "*", Endpoint.Auth.NONE, null, null, false), Fallback::unmatched));
        routing.any((req, res) -> fallbacks.get(req.prologue().method().text()).handle(req, res));
        return routing;
    }
}
