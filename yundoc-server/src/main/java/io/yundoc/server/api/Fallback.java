package io.yundoc.server.api;

import io.helidon.http.HeaderNames;
import io.yundoc.protocol.ErrorCode;
import io.yundoc.server.core.ApiException;
import java.nio.charset.StandardCharsets;

/**
 * The last route. Unmatched under {@code /api/} is 30005 NoImpl (api.md §1.7); a download URL asked with a method
 * other than GET, HEAD or OPTIONS is 405 (api.md §6); anything else is a small plain 404 page, as nginx answers.
 */
final class Fallback {
    private static final byte[] NOT_FOUND_PAGE = ("<!DOCTYPE html>\n<html><head><title>404 Not Found</title></head>"
                    + "<body><h1>404 Not Found</h1></body></html>\n")
            .getBytes(StandardCharsets.UTF_8);

    private Fallback() {}

    static void unmatched(Call c) {
        String method = c.request().prologue().method().text();
        String path = c.request().prologue().uriPath().path();
        if (path.equals("/api") || path.startsWith("/api/")) {
            throw new ApiException(ErrorCode.NO_IMPL, "no such API: " + method + " " + path);
        }
        if (path.startsWith("/dl/") && !method.equals("GET") && !method.equals("HEAD") && !method.equals("OPTIONS")) {
            c.methodNotAllowed("GET, HEAD");
            return;
        }
        c.response().status(404);
        c.response().header(HeaderNames.CONTENT_TYPE, "text/html; charset=utf-8");
        c.response().header(HeaderNames.CACHE_CONTROL, "no-store");
        c.response().send(method.equals("HEAD") ? new byte[0] : NOT_FOUND_PAGE);
    }
}
