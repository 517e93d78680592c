package io.yundoc.client;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * The HTTP listener on 127.0.0.1 that the browser is redirected to at the end of {@link OAuth#loginWithBrowser}
 * (RFC 8252 §7.3). Only a request to {@code /callback} that carries {@code code} or {@code error} ends the wait; any
 * other request (a favicon, a probe) gets a 404 and changes nothing. Internal.
 */
final class LoopbackReceiver implements AutoCloseable {
    static final String PATH = "/callback";
    private final HttpServer server;
    private final CompletableFuture<String> redirect = new CompletableFuture<>();

    private LoopbackReceiver(HttpServer server) {
        this.server = server;
    }

    /** Listens on 127.0.0.1:{@code port} (0: any free port). */
    static LoopbackReceiver start(int port) throws IOException {
        InetAddress loopback = InetAddress.getByAddress(new byte[] {127, 0, 0, 1});
        HttpServer server = HttpServer.create(new InetSocketAddress(loopback, port), 0);
        LoopbackReceiver r = new LoopbackReceiver(server);
        server.createContext(PATH, r::handle);
        server.start();
        return r;
    }

    URI redirectUri() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + PATH);
    }

    /** Completes with the raw query string of the redirect. */
    CompletableFuture<String> redirect() {
        return redirect;
    }

    private void handle(HttpExchange ex) throws IOException {
        String q = ex.getRequestURI().getRawQuery();
        Map<String, String> p = query(q == null ? "" : q);
        boolean redirectHit =
                ex.getRequestURI().getPath().equals(PATH) && (p.containsKey("code") || p.containsKey("error"));
        byte[] page = ("<!doctype html><meta charset=utf-8><title>yundoc</title><p>yundoc: "
                        + (!redirectHit
                                ? "waiting for the authorization redirect."
                                : p.containsKey("code")
                                        ? "authorization received; return to the terminal."
                                        : "authorization did not complete.")
                        + "</p>")
                .getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().add("Content-Type", "text/html; charset=utf-8");
        ex.getResponseHeaders().add("Cache-Control", "no-store");
        ex.getResponseHeaders().add("Referrer-Policy", "no-referrer");
        ex.sendResponseHeaders(redirectHit ? 200 : 404, page.length);
        try (OutputStream body = ex.getResponseBody()) {
            body.write(page);
        }
        ex.close();
        if (redirectHit) {
            redirect.complete(q);
        }
    }

    /**
     * What a user pasted as a query string: the query of a whole redirect URL, a query as it is, or a bare code
     * (which is this login's, so it gets {@code state}).
     */
    static String pastedQuery(String pasted, String state) {
        String l = pasted.trim();
        int qi = l.indexOf('?');
        if (qi >= 0) {
            return l.substring(qi + 1);
        }
        return l.contains("=") ? l : "code=" + ApiRequest.enc(l) + "&state=" + state;
    }

    /** The parameters of a query string; the first of a repeated name counts, and a malformed query has none. */
    static Map<String, String> query(String q) {
        Map<String, String> m = new LinkedHashMap<>();
        try {
            for (String kv : q.split("&", -1)) {
                if (kv.isEmpty()) {
                    continue;
                }
                int i = kv.indexOf('=');
                String k = URLDecoder.decode(i < 0 ? kv : kv.substring(0, i), StandardCharsets.UTF_8);
                String v = i < 0 ? "" : URLDecoder.decode(kv.substring(i + 1), StandardCharsets.UTF_8);
                m.putIfAbsent(k, v);
            }
        } catch (IllegalArgumentException e) {
            return Map.of(); // a bad % escape: not a redirect of ours
        }
        return m;
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
