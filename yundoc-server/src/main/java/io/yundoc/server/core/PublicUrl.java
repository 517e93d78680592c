package io.yundoc.server.core;

import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerRequest;
import java.net.InetAddress;
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
    private final TrustedProxies proxies;

    public PublicUrl(String configured, String fallbackHost) {
        this(configured, fallbackHost, TrustedProxies.NONE);
    }

    public PublicUrl(String configured, String fallbackHost, TrustedProxies proxies) {
        this.configured = configured == null || configured.isBlank() ? null : stripSlash(configured);
        this.fallbackHost = fallbackHost;
        this.proxies = proxies;
    }

    public String base(ServerRequest req) {
        if (configured != null) {
            return configured;
        }
        String host = req.headers().first(HeaderNames.HOST).orElse("");
        String scheme = req.isSecure() ? "https" : "http";
        if (!proxies.isEmpty() && proxies.trusts(peer(req))) {
            // a trusted proxy tells us what the client asked for: RFC 7239 Forwarded first, else X-Forwarded-*
            String fwdHost = null;
            String fwdProto = null;
            var forwarded = req.headers().first(HeaderNames.create("Forwarded"));
            if (forwarded.isPresent()) {
                String first = forwarded.get().split(",")[0];
                for (String pair : first.split(";")) {
                    int eq = pair.indexOf('=');
                    if (eq > 0) {
                        String k = pair.substring(0, eq).strip().toLowerCase(java.util.Locale.ROOT);
                        String v = pair.substring(eq + 1).strip().replace("\"", "");
                        if (k.equals("host")) {
                            fwdHost = v;
                        } else if (k.equals("proto")) {
                            fwdProto = v;
                        }
                    }
                }
            } else {
                fwdHost = req.headers().first(HeaderNames.create("X-Forwarded-Host")).map(v -> v.split(",")[0].strip()).orElse(null);
                fwdProto = req.headers().first(HeaderNames.create("X-Forwarded-Proto")).map(v -> v.split(",")[0].strip()).orElse(null);
            }
            if (fwdHost != null && HOST.matcher(fwdHost).matches()) {
                host = fwdHost;
            }
            if ("https".equalsIgnoreCase(fwdProto) || "http".equalsIgnoreCase(fwdProto)) {
                scheme = fwdProto.toLowerCase(java.util.Locale.ROOT);
            }
        }
        if (!HOST.matcher(host).matches()) {
            host = fallbackHost;
        }
        return scheme + "://" + host;
    }

    /**
     * The client's address: the peer, or, when the peer is a trusted proxy, the right-most address in
     * X-Forwarded-For / Forwarded {@code for=} that is not itself a trusted proxy.
     */
    public String clientAddress(ServerRequest req) {
        InetAddress peer = peer(req);
        String direct = peer == null ? "" : peer.getHostAddress();
        if (proxies.isEmpty() || !proxies.trusts(peer)) {
            return direct;
        }
        java.util.List<String> chain = new java.util.ArrayList<>();
        var forwarded = req.headers().first(HeaderNames.create("Forwarded"));
        if (forwarded.isPresent()) {
            for (String element : forwarded.get().split(",")) {
                for (String pair : element.split(";")) {
                    int eq = pair.indexOf('=');
                    if (eq > 0 && pair.substring(0, eq).strip().equalsIgnoreCase("for")) {
                        chain.add(pair.substring(eq + 1).strip().replace("\"", "").replaceAll("^\\[|\\](:\\d+)?$", "").replaceAll(":\\d+$", ""));
                    }
                }
            }
        } else {
            req.headers().first(HeaderNames.create("X-Forwarded-For")).ifPresent(v -> {
                for (String a : v.split(",")) {
                    chain.add(a.strip());
                }
            });
        }
        for (int i = chain.size() - 1; i >= 0; i--) {
            String a = chain.get(i);
            if (!a.matches("[0-9A-Fa-f:.]{2,45}")) {
                return direct; // garbage in the chain: do not guess
            }
            try {
                InetAddress addr = InetAddress.getByName(a);
                if (!proxies.trusts(addr)) {
                    return addr.getHostAddress();
                }
            } catch (java.net.UnknownHostException e) {
                return direct;
            }
        }
        return direct;
    }

    private static InetAddress peer(ServerRequest req) {
        if (req.remotePeer().address() instanceof java.net.InetSocketAddress isa) {
            return isa.getAddress();
        }
        return null;
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
