package io.yundoc.server.http;

import io.helidon.common.uri.UriPath;
import io.helidon.http.DirectHandler;
import io.helidon.http.HttpPrologue;
import io.helidon.http.RequestException;
import io.helidon.webserver.http.DirectTransportRequest;

/**
 * Helidon's request-path check ({@code Http1Config.validatePath}), made where Helidon makes it and with the same
 * outcome, but without parsing a {@link java.net.URI} for a path that cannot fail it. Helidon's check decodes and
 * normalises every path through {@code URI.create}; a path of letters, digits, {@code -}, {@code _}, {@code ~} and
 * single slashes has nothing to decode or normalise and every character of it is legal, so it skips the check (the
 * API's routes and ids make such paths). Any other path goes through Helidon's own check, and a path that fails it is
 * refused with the exception Helidon's prologue reader throws (a 400 through the direct handlers).
 */
final class PathCheck {
    /** ASCII characters a plain path may hold, apart from the slash. */
    private static final boolean[] PLAIN = new boolean[128];

    static {
        for (char c = 'a'; c <= 'z'; c++) {
            PLAIN[c] = true;
            PLAIN[c - 'a' + 'A'] = true;
        }
        for (char c = '0'; c <= '9'; c++) {
            PLAIN[c] = true;
        }
        PLAIN['-'] = true;
        PLAIN['_'] = true;
        PLAIN['~'] = true;
    }

    private PathCheck() {}

    /** Refuses a request whose path Helidon's {@code validatePath} would refuse, as Helidon would. */
    static void validate(HttpPrologue prologue) {
        UriPath path = prologue.uriPath();
        if (plain(path.rawPath())) {
            return;
        }
        try {
            path.validate();
        } catch (IllegalArgumentException e) {
            // as Http1Prologue refuses it with validatePath on: not a safe message, the direct handler words the answer
            throw RequestException.builder()
                    .type(DirectHandler.EventType.BAD_REQUEST)
                    .request(DirectTransportRequest.create(
                            "HTTP/1.1", prologue.method().text(), path.rawPath()))
                    .message("Invalid path: " + e.getMessage())
                    .safeMessage(false)
                    .build();
        }
    }

    /** A path that starts with a slash and holds only plain characters and no two slashes in a row. */
    static boolean plain(String raw) {
        int n = raw.length();
        if (n == 0 || raw.charAt(0) != '/') {
            return false;
        }
        char prev = '/';
        for (int i = 1; i < n; i++) {
            char c = raw.charAt(i);
            if (c == '/' ? prev == '/' : c >= 128 || !PLAIN[c]) {
                return false;
            }
            prev = c;
        }
        return true;
    }
}
