package io.yundoc.server.core;

import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerRequest;
import java.net.URI;
import java.util.regex.Pattern;

/**
 * The public base URL (api.md §1.4): configured, or derived from the request's scheme and Host header.
 * A Host that is not a plain host[:port] is ignored, so a forged header cannot inject markup or paths into URLs.
 */
public final class PublicUrl {
    private static final Pattern HOST = Pattern.compile("[A-Za-z0-9.\\-]{1,253}(:\\d{1,5})?|\\[[0-9A-Fa-f:.]{2,45}](:\\d{1,5})?");
    private final String configured;
    private final String fallbackHost;

    public PublicUrl(String configured, String fallbackHost) {
        this.configured = configured == null || configured.isBlank() ? null : stripSlash(configured);
        this.fallbackHost = fallbackHost;
    }

    public String base(ServerRequest req) {
        if (configured != null) {
            return configured;
        }
        String host = req.headers().first(HeaderNames.HOST).orElse("");
        if (!HOST.matcher(host).matches()) {
            host = fallbackHost;
        }
        return (req.isSecure() ? "https://" : "http://") + host;
    }

    /** The configured path prefix ("" when none), for WPS-2 behind a path-stripping proxy. */
    public String pathPrefix() {
        if (configured == null) {
            return "";
        }
        String p = URI.create(configured).getRawPath();
        return p == null ? "" : p;
    }

    public boolean https() {
        return configured != null && configured.startsWith("https:");
    }

    private static String stripSlash(String s) {
        return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
    }
}
