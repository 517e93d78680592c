package io.yundoc.client;

import io.yundoc.protocol.Hex;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/** One API call before it is sent: method, path, query, body and how it authenticates. Internal. */
final class ApiRequest {
    enum Auth {
        NONE,
        TOKEN,
        WPS2,
        WPS2_AND_TOKEN
    }

    final String method;
    final String path;
    final Auth auth;
    final List<String[]> query = new ArrayList<>();
    Supplier<HttpRequest.BodyPublisher> body;
    String bodyMd5;
    String contentType = "application/json";
    boolean idempotent;

    ApiRequest(String method, String path, Auth auth) {
        this.method = method;
        this.path = path;
        this.auth = auth;
        this.idempotent =
                method.equals("GET") || method.equals("HEAD") || method.equals("PUT") || method.equals("DELETE");
    }

    ApiRequest query(String name, Object value) {
        if (value != null) {
            query.add(new String[] {name, String.valueOf(value)});
        }
        return this;
    }

    ApiRequest queryAll(String name, List<String> values) {
        for (String v : values) {
            query(name, v);
        }
        return this;
    }

    ApiRequest json(byte[] bytes) {
        this.body = () -> HttpRequest.BodyPublishers.ofByteArray(bytes);
        this.bodyMd5 = Hex.md5(bytes);
        this.contentType = "application/json";
        return this;
    }

    /** The encoded query string without {@code ?}, in insertion order; {@code extra} (e.g. the token) goes last. */
    String queryString(String[] extra) {
        StringBuilder sb = new StringBuilder();
        List<String[]> all = new ArrayList<>(query);
        if (extra != null) {
            all.add(extra);
        }
        for (String[] kv : all) {
            if (!sb.isEmpty()) {
                sb.append('&');
            }
            sb.append(enc(kv[0])).append('=').append(enc(kv[1]));
        }
        return sb.toString();
    }

    static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
