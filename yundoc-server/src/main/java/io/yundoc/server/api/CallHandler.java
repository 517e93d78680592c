package io.yundoc.server.api;

/** A route's handler: reads the call, asks a service, answers. */
@FunctionalInterface
public interface CallHandler {
    void handle(Call call) throws Exception;
}
