package io.yundoc.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class SmokeTest {
    @RegisterExtension
    static final TestServerExtension ts = TestServerExtension.embedded();

    @Test
    void uploadThenDownloadTheSameBytes() {
        TestServer.App app = ts.app("test");
        TestServer.User u = ts.user(app);
        byte[] content = "hello 你好".getBytes(StandardCharsets.UTF_8);
        HttpResponse<String> up = new TextResponse(ts.sendBytes(
                "POST",
                "/api/v1/openapi/personal/files/upload?access_token=" + u.token(),
                TestServer.multipart("b0undary", "a.txt", "text/plain", content, "path_from_root", "true"),
                "Content-Type",
                "multipart/form-data; boundary=b0undary"));
        JsonNode item = TestServer.json(up).get("data");
        String ft = item.get("id").get("open_id").asText();
        JsonNode dl = TestServer.json(ts.send(
                        "GET", "/api/v1/openapi/personal/files/" + ft + "/download?access_token=" + u.token(), null))
                .get("data");
        assertThat(dl.get("fsize").asLong()).isEqualTo(content.length);
        assertThat(dl.get("checksums").get("sha1").asText()).isEqualTo(TestServer.hex("SHA-1", content));
        HttpResponse<byte[]> bytes = ts.sendBytes("GET", dl.get("url").asText(), null);
        assertThat(bytes.statusCode()).isEqualTo(200);
        assertThat(bytes.body()).isEqualTo(content);
    }
}
