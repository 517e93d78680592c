package io.yundoc.server.api;

/**
 * One capability's routes (a {@code …Routes} class): registered once, in one method, through {@link Routes}. The
 * {@link RouteTable} turns each capability into one Helidon {@code HttpService}.
 */
@FunctionalInterface
public interface ApiRoutes {
    void routes(Routes r);
}
