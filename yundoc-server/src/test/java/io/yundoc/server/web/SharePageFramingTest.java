package io.yundoc.server.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.yundoc.server.TestServer;
import io.yundoc.server.TestServerExtension;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 13 item 10: the share page refuses to be framed by another site, as the auth pages do (clickjacking of its
 * download button); the /v/ view page and the preview frame's own 404 stay frameable.
 */
class SharePageFramingTest {
    static final String API = "/api/v1/openapi/personal";

    @RegisterExtension
    static final TestServerExtension ts = TestServerExtension.embedded();

    static TestServer.User user;
    static String sid;
    static JsonNode file;

    @BeforeAll
    static void start() {
        user = ts.user(ts.app("test"));
        file = upload("framed.txt", "frame me".getBytes(StandardCharsets.UTF_8));
        sid = ok(
                        "POST",
                        "/files/" + file.get("id").get("open_id").asText() + "/links",
                        "{\"range\":\"anyone\",\"permission\":\"read\"}")
                .get("sid")
                .asText();
    }

    static JsonNode upload(String name, byte[] content) {
        HttpResponse<byte[]> r = ts.sendBytes(
                "POST",
                API + "/files/upload?access_token=" + user.token(),
                TestServer.multipart("bNd", name, "application/octet-stream", content, "path_from_root", "true"),
                "Content-Type",
                "multipart/form-data; boundary=bNd");
        try {
            return TestServer.JSON.readTree(r.body()).get("data");
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    static JsonNode ok(String method, String path, String body) {
        JsonNode n = TestServer.json(ts.send(method, API + path + "?access_token=" + user.token(), body));
        assertThat(n.get("code").asInt()).as(n.toString()).isZero();
        return n.get("data");
    }

    static void assertDenied(HttpResponse<String> r) {
        assertThat(r.headers().firstValue("X-Frame-Options")).contains("DENY");
        assertThat(r.headers().firstValue("Content-Security-Policy").orElse("")).contains("frame-ancestors 'none'");
    }

    @Test
    void theSharePageAndItsHeadAndItsNotFoundPageRefuseFraming() {
        HttpResponse<String> page = ts.send("GET", "/l/" + sid, null);
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("framed.txt");
        assertDenied(page);
        // the page still frames its own preview
        assertThat(page.headers().firstValue("Content-Security-Policy").orElse(""))
                .contains("frame-src 'self'");
        assertDenied(ts.send("HEAD", "/l/" + sid, null));
        HttpResponse<String> missing = ts.send("GET", "/l/NoSuchLink123", null);
        assertThat(missing.statusCode()).isEqualTo(404);
        assertDenied(missing);
        assertDenied(ts.send("GET", "/l/NoSuchLink123/download", null));
    }

    @Test
    void theViewPageAndThePreviewFramesNotFoundStayFrameable() {
        JsonNode vt = ok("GET", "/files/" + file.get("id").get("open_id").asText() + "/url/with_edit_token", null);
        HttpResponse<String> view = ts.send("GET", vt.get("url").asText(), null);
        assertThat(view.statusCode()).isEqualTo(200);
        assertThat(view.headers().firstValue("X-Frame-Options")).isEmpty();
        assertThat(view.headers().firstValue("Content-Security-Policy").orElse(""))
                .doesNotContain("frame-ancestors");
        HttpResponse<String> previewMissing = ts.send("GET", "/l/NoSuchLink123/preview", null);
        assertThat(previewMissing.statusCode()).isEqualTo(404);
        assertThat(previewMissing.headers().firstValue("X-Frame-Options")).isEmpty();
    }
}
