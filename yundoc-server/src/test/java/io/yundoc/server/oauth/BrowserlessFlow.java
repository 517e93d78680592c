package io.yundoc.server.oauth;

import static org.assertj.core.api.Assertions.assertThat;

import io.yundoc.server.TestServer;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Drives {@code /h5/auth} over plain HTTP the way a browser would: keeps cookies, reads hidden form fields, posts
 * forms. Written independently of the server's page code; used by the HTTP-level OAuth tests.
 */
final class BrowserlessFlow {
    private static final Pattern HIDDEN =
            Pattern.compile("<input type=\"hidden\" name=\"([^\"]*)\" value=\"([^\"]*)\">");
    final TestServer ts;
    final Map<String, String> cookies = new LinkedHashMap<>();
    final List<String> setCookies = new ArrayList<>();

    /** Sent as X-Forwarded-For when set: the client address a server trusting loopback proxies sees. */
    String forwardedFor;

    BrowserlessFlow(TestServer ts) {
        this.ts = ts;
    }

    /** This flow's requests come from {@code address} (the server must trust 127.0.0.1 and ::1 as proxies). */
    BrowserlessFlow from(String address) {
        this.forwardedFor = address;
        return this;
    }

    static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    static String query(Map<String, String> params) {
        StringBuilder b = new StringBuilder();
        params.forEach((k, v) ->
                b.append(b.length() == 0 ? "" : "&").append(enc(k)).append('=').append(enc(v)));
        return b.toString();
    }

    static Map<String, String> authParams(String appId, String scope, String redirectUri, String state) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("app_id", appId);
        m.put("scope", scope);
        m.put("redirect_uri", redirectUri);
        if (state != null) {
            m.put("state", state);
        }
        return m;
    }

    HttpResponse<String> get(String path) {
        HttpResponse<String> r = ts.send("GET", path, null, headers(null));
        remember(r);
        return r;
    }

    HttpResponse<String> post(String path, Map<String, String> form) {
        HttpResponse<String> r = ts.send("POST", path, query(form), headers("application/x-www-form-urlencoded"));
        remember(r);
        return r;
    }

    private String[] headers(String contentType) {
        List<String> h = new ArrayList<>();
        h.add("Accept-Language");
        h.add("en");
        if (!cookies.isEmpty()) {
            StringBuilder c = new StringBuilder();
            cookies.forEach((k, v) ->
                    c.append(c.length() == 0 ? "" : "; ").append(k).append('=').append(v));
            h.add("Cookie");
            h.add(c.toString());
        }
        if (forwardedFor != null) {
            h.add("X-Forwarded-For");
            h.add(forwardedFor);
        }
        if (contentType != null) {
            h.add("Content-Type");
            h.add(contentType);
        }
        return h.toArray(String[]::new);
    }

    private void remember(HttpResponse<String> r) {
        for (String sc : r.headers().allValues("set-cookie")) {
            setCookies.add(sc);
            String pair = sc.split(";", 2)[0];
            int eq = pair.indexOf('=');
            String name = pair.substring(0, eq).trim();
            String value = pair.substring(eq + 1).trim();
            boolean expired = sc.toLowerCase(Locale.ROOT).contains("max-age=0") || value.isEmpty();
            if (expired) {
                cookies.remove(name);
            } else {
                cookies.put(name, value);
            }
        }
    }

    static Map<String, String> hidden(String html) {
        Map<String, String> m = new LinkedHashMap<>();
        Matcher mm = HIDDEN.matcher(html);
        while (mm.find()) {
            m.put(unescape(mm.group(1)), unescape(mm.group(2)));
        }
        return m;
    }

    static String unescape(String s) {
        return s.replace("&quot;", "\"")
                .replace("&#39;", "'")
                .replace("&lt;", "<")
                .replace("&gt;", ">")
                .replace("&amp;", "&");
    }

    /** GET /h5/auth; expects the login page and signs in. Returns the response to the login post. */
    HttpResponse<String> login(Map<String, String> params, String user, String password) {
        HttpResponse<String> page = get("/h5/auth?" + query(params));
        assertThat(page.statusCode()).as(page.body()).isEqualTo(200);
        assertThat(page.body()).contains("name=\"password\"");
        Map<String, String> form = hidden(page.body());
        form.put("username", user);
        form.put("password", password);
        return post("/h5/auth/login", form);
    }

    /** Full browser-like run: login (if needed), consent (if asked), and the final redirect's Location. */
    String authorize(Map<String, String> params, String user, String password) {
        HttpResponse<String> r = get("/h5/auth?" + query(params));
        if (r.statusCode() == 200 && r.body().contains("name=\"password\"")) {
            HttpResponse<String> l = login(params, user, password);
            assertThat(l.statusCode()).as(l.body()).isEqualTo(303);
            r = get("/h5/auth?" + query(params));
        }
        if (r.statusCode() == 200 && r.body().contains("name=\"decision\"")) {
            Map<String, String> form = hidden(r.body());
            form.put("decision", "allow");
            r = post("/h5/auth/consent", form);
        }
        assertThat(r.statusCode()).as(r.body()).isEqualTo(302);
        return r.headers().firstValue("location").orElseThrow();
    }

    /** The query parameters of a redirect Location. */
    static Map<String, String> params(String location) {
        Map<String, String> m = new LinkedHashMap<>();
        String q = URI.create(location).getRawQuery();
        if (q == null) {
            return m;
        }
        for (String p : q.split("&", -1)) {
            int eq = p.indexOf('=');
            m.put(
                    URLDecoder.decode(p.substring(0, eq), StandardCharsets.UTF_8),
                    URLDecoder.decode(p.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return m;
    }
}
