package io.yundoc.server.files;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.yundoc.server.TestServer;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Small helpers over {@link TestServer} for the personal-drive tests. */
final class DriveFixture {
    static final String API = "/api/v1/openapi/personal";
    final TestServer ts;

    DriveFixture(TestServer ts) {
        this.ts = ts;
    }

    /** {@code {code, data}} of a call; asserts nothing. */
    JsonNode call(TestServer.User u, String method, String path, String body) {
        HttpResponse<String> r = ts.openapi(u, method, "/personal" + path, body);
        JsonNode n = TestServer.json(r);
        assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("application/json");
        return n;
    }

    JsonNode ok(TestServer.User u, String method, String path, String body) {
        JsonNode n = call(u, method, path, body);
        assertThat(n.get("code").asInt()).as(method + " " + path + " → " + n).isEqualTo(0);
        return n.get("data");
    }

    int code(TestServer.User u, String method, String path, String body) {
        return call(u, method, path, body).get("code").asInt();
    }

    JsonNode upload(TestServer.User u, String name, String content, String... fields) {
        return upload(u, name, content.getBytes(StandardCharsets.UTF_8), fields);
    }

    JsonNode upload(TestServer.User u, String name, byte[] content, String... fields) {
        HttpResponse<byte[]> r = ts.sendBytes(
                "POST",
                API + "/files/upload?access_token=" + u.token(),
                TestServer.multipart("bNd", name, "application/octet-stream", content, fields),
                "Content-Type",
                "multipart/form-data; boundary=bNd");
        JsonNode n = parse(r.body());
        assertThat(n.get("code").asInt()).as("upload " + name + " → " + n).isEqualTo(0);
        return n.get("data");
    }

    int uploadCode(TestServer.User u, String name, String... fields) {
        HttpResponse<byte[]> r = ts.sendBytes(
                "POST",
                API + "/files/upload?access_token=" + u.token(),
                TestServer.multipart("bNd", name, "text/plain", "x".getBytes(StandardCharsets.UTF_8), fields),
                "Content-Type",
                "multipart/form-data; boundary=bNd");
        return parse(r.body()).get("code").asInt();
    }

    /** A folder made by placing a file under {@code path} from the root; returns the folder's id. */
    String folder(TestServer.User u, String... path) {
        JsonNode f = upload(
                u,
                "seed-" + System.nanoTime() + ".txt",
                "seed",
                "path_from_root",
                "true",
                "parent_path",
                String.join(",", path));
        String parent = f.get("parent_id").asText();
        ok(u, "DELETE", "/files/" + id(f), null);
        return parent;
    }

    static String id(JsonNode item) {
        return item.get("id").get("open_id").asText();
    }

    static List<String> ids(JsonNode files) {
        List<String> out = new ArrayList<>();
        files.forEach(f -> out.add(id(f)));
        return out;
    }

    static List<String> names(JsonNode files) {
        List<String> out = new ArrayList<>();
        files.forEach(f -> out.add(f.get("fname").asText()));
        return out;
    }

    static JsonNode parse(byte[] body) {
        try {
            return TestServer.JSON.readTree(body);
        } catch (IOException e) {
            throw new AssertionError(new String(body, StandardCharsets.UTF_8), e);
        }
    }

    void flushIndex() {
        assertThat(ts.adminOk("POST", "/indexer/flush", "{}").get("pending").asLong())
                .isZero();
    }
}
