package io.yundoc.server.core;

import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerRequest;
import io.yundoc.protocol.Hex;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The public base URL (api.md §1.4): configured, or derived from the request's scheme and Host header.
 * A Host that is not a plain host[:port] is ignored, so a forged header cannot inject markup or paths into URLs.
 */
public final class PublicUrl {
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
                String first = forwarded.get().split(",", -1)[0];
                for (String pair : first.split(";", -1)) {
                    int eq = pair.indexOf('=');
                    if (eq > 0) {
                        String k = pair.substring(0, eq).strip().toLowerCase(Locale.ROOT);
                        String v = pair.substring(eq + 1).strip().replace("\"", "");
                        if (k.equals("host")) {
                            fwdHost = v;
                        } else if (k.equals("proto")) {
                            fwdProto = v;
                        }
                    }
                }
            } else {
                fwdHost = req.headers()
                        .first(HeaderNames.create("X-Forwarded-Host"))
                        .map(v -> v.split(",", -1)[0].strip())
                        .orElse(null);
                fwdProto = req.headers()
                        .first(HeaderNames.create("X-Forwarded-Proto"))
                        .map(v -> v.split(",", -1)[0].strip())
                        .orElse(null);
            }
            if (fwdHost != null && validHost(fwdHost)) {
                host = fwdHost;
            }
            if ("https".equalsIgnoreCase(fwdProto) || "http".equalsIgnoreCase(fwdProto)) {
                scheme = fwdProto.toLowerCase(Locale.ROOT);
            }
        }
        if (!validHost(host)) {
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
        List<String> chain = new ArrayList<>();
        var forwarded = req.headers().first(HeaderNames.create("Forwarded"));
        if (forwarded.isPresent()) {
            for (String element : forwarded.get().split(",", -1)) {
                for (String pair : element.split(";", -1)) {
                    int eq = pair.indexOf('=');
                    if (eq > 0 && pair.substring(0, eq).strip().equalsIgnoreCase("for")) {
                        chain.add(pair.substring(eq + 1)
                                .strip()
                                .replace("\"", "")
                                .replaceAll("^\\[|\\](:\\d+)?$", "")
                                .replaceAll(":\\d+$", ""));
                    }
                }
            }
        } else {
            req.headers().first(HeaderNames.create("X-Forwarded-For")).ifPresent(v -> {
                for (String a : v.split(",", -1)) {
                    chain.add(a.strip());
                }
            });
        }
        for (int i = chain.size() - 1; i >= 0; i--) {
            String a = chain.get(i);
            if (!ipLiteral(a)) {
                // garbage in the chain: do not guess, and never hand header text to a name lookup ("dead.beef")
                return direct;
            }
            try {
                InetAddress addr = InetAddress.getByName(a);
                if (!proxies.trusts(addr)) {
                    return addr.getHostAddress();
                }
            } catch (UnknownHostException e) {
                return direct;
            }
        }
        return direct;
    }

    /**
     * True when {@code a} is an IP literal that {@link InetAddress#getByName} parses without a DNS lookup: four decimal
     * parts of 0–255, or text with a colon (always parsed as IPv6, never looked up).
     */
    static boolean ipLiteral(String a) {
        if (a.length() < 2 || a.length() > 45) {
            return false;
        }
        if (a.indexOf(':') >= 0) {
            return a.matches("[0-9A-Fa-f:.]+");
        }
        String[] parts = a.split("\\.", -1);
        if (parts.length != 4) {
            return false;
        }
        for (String part : parts) {
            if (!part.matches("[0-9]{1,3}") || Integer.parseInt(part) > 255) {
                return false;
            }
        }
        return true;
    }

    private static InetAddress peer(ServerRequest req) {
        if (req.remotePeer().address() instanceof InetSocketAddress isa) {
            return isa.getAddress();
        }
        return null;
    }

    /**
     * A plain {@code host[:port]}: letters, digits, dots and dashes (1–253), or a bracketed IPv6 literal (2–45 hex
     * digits, colons, dots), then an optional port of 1–5 digits. Runs on every API call, hence no regex.
     */
    static boolean validHost(String h) {
        int n = h.length();
        int i = 0;
        if (n > 0 && h.charAt(0) == '[') {
            int close = h.indexOf(']');
            if (close < 3 || close > 46) {
                return false;
            }
            for (i = 1; i < close; i++) {
                char c = h.charAt(i);
                if (!(Hex.isDigit(c) || c == ':' || c == '.')) {
                    return false;
                }
            }
            i = close + 1;
        } else {
            while (i < n && h.charAt(i) != ':') {
                char c = h.charAt(i);
                if (!((c >= 'A' && c <= 'Z')
                        || (c >= 'a' && c <= 'z')
                        || (c >= '0' && c <= '9')
                        || c == '.'
                        || c == '-')) {
                    return false;
                }
                i++;
            }
            if (i == 0 || i > 253) {
                return false;
            }
        }
        if (i == n) {
            return true;
        }
        if (h.charAt(i) != ':' || n - i - 1 < 1 || n - i - 1 > 5) {
            return false;
        }
        for (int j = i + 1; j < n; j++) {
            if (h.charAt(j) < '0' || h.charAt(j) > '9') {
                return false;
            }
        }
        return true;
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
