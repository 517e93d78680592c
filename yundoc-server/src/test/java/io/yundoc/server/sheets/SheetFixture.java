package io.yundoc.server.sheets;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.yundoc.server.TestServer;
import java.net.http.HttpResponse;

/** Calls of the §F1 routes over {@link TestServer}, as a client sends them ({@code ?access_token=}). */
final class SheetFixture {
    static final String API = "/api/v1/openapi";
    final TestServer ts;

    SheetFixture(TestServer ts) {
        this.ts = ts;
    }

    HttpResponse<String> send(TestServer.User u, String method, String path, String body) {
        return ts.openapi(u, method, path, body);
    }

    JsonNode call(TestServer.User u, String method, String path, String body) {
        HttpResponse<String> r = send(u, method, path, body);
        JsonNode n = TestServer.json(r);
        int code = n.get("code").asInt();
        // the envelope of api.md §1.2: errors carry no data, no stack trace
        if (code != 0) {
            assertThat(n.has("data")).as(r.body()).isFalse();
            assertThat(r.statusCode()).as(r.body()).isNotEqualTo(200);
            assertThat(r.body()).doesNotContain("Exception").doesNotContain("at io.");
        } else {
            assertThat(r.statusCode()).isEqualTo(200);
        }
        return n;
    }

    JsonNode ok(TestServer.User u, String method, String path, String body) {
        JsonNode n = call(u, method, path, body);
        assertThat(n.get("code").asInt()).as(method + " " + path + " → " + n).isZero();
        return n.get("data");
    }

    int code(TestServer.User u, String method, String path, String body) {
        return call(u, method, path, body).get("code").asInt();
    }

    /** Asserts an error code and HTTP status; returns the envelope (its {@code msg} carries the hint). */
    JsonNode err(TestServer.User u, String method, String path, String body, int code, int status) {
        HttpResponse<String> r = send(u, method, path, body);
        JsonNode n = TestServer.json(r);
        assertThat(n.get("code").asInt())
                .as(method + " " + path + " " + body + " → " + r.body())
                .isEqualTo(code);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        assertThat(n.has("data")).isFalse();
        return n;
    }

    String upload(TestServer.User u, String name, byte[] content) {
        return ts.upload(u, name, content);
    }

    String create(TestServer.User u, String name) {
        JsonNode d = ok(u, "POST", "/personal/files", "{\"filename\":\"" + name + "\",\"path_from_root\":true}");
        return fileId(d);
    }

    static String fileId(JsonNode item) {
        return item.get("id").get("open_id").asText();
    }
}
