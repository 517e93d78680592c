package io.yundoc.server.api;

import io.helidon.http.Method;
import io.yundoc.protocol.Scope;
import io.yundoc.server.quota.Tier;
import java.util.ArrayList;
import java.util.List;

/**
 * What a capability registers its routes with: method, path template (api.md form, {@code :name} parameters), how the
 * route authenticates, its scope and quota tier, and the handler. The pipeline a route runs through follows from
 * these (see {@link Pipeline}); a handler is a plain method taking {@link Call}.
 */
public final class Routes {
    private final List<Route> routes = new ArrayList<>();

    /** One registered route and its handler. */
    record Route(Endpoint endpoint, CallHandler handler) {}

    Routes() {}

    /** An access-token route needing {@code scope}, metered in {@code tier}. */
    public void token(Method method, String template, Scope scope, Tier tier, CallHandler h) {
        add(new Endpoint(method.text(), template, Endpoint.Auth.TOKEN, scope, tier, false), h);
    }

    /**
     * A WPS-2 route. A streaming route checks its body md5 itself with
     * {@link io.yundoc.server.auth.Wps2Authenticator#verifyBody}.
     */
    public void signed(Method method, String template, Tier tier, boolean streamingBody, CallHandler h) {
        add(new Endpoint(method.text(), template, Endpoint.Auth.WPS2, null, tier, streamingBody), h);
    }

    /** An admin API route (admin token required). */
    public void admin(Method method, String template, CallHandler h) {
        add(new Endpoint(method.text(), template, Endpoint.Auth.ADMIN, null, null, false), h);
    }

    /** A route without the API authentication: OAuth endpoints, pages, download URLs, health. */
    public void open(Method method, String template, CallHandler h) {
        add(new Endpoint(method.text(), template, Endpoint.Auth.NONE, null, null, false), h);
    }

    private void add(Endpoint e, CallHandler h) {
        routes.add(new Route(e, h));
    }

    List<Route> routes() {
        return List.copyOf(routes);
    }
}
