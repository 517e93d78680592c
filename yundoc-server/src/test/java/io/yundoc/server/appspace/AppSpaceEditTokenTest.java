package io.yundoc.server.appspace;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.yundoc.server.TestServer;
import io.yundoc.server.TestServerExtension;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Row 35: GET /appspace/files/:ft/url/with_edit_token, WPS-2 plus a user_basic token of the signing app. */
class AppSpaceEditTokenTest {
    static final String API = "/api/v1/openapi/appspace/files";

    @RegisterExtension
    static final TestServerExtension ts = TestServerExtension.embedded();

    static TestServer.App app;
    static TestServer.App other;
    static String fileToken;

    @BeforeAll
    static void start() {
        app = ts.app("test");
        other = ts.app("test");
        String boundary = "b" + System.nanoTime();
        byte[] body =
                TestServer.multipart(boundary, "plan.txt", "text/plain", "app bytes".getBytes(StandardCharsets.UTF_8));
        fileToken = TestServer.json(
                        ts.signed(app, "POST", API + "/upload", body, "multipart/form-data; boundary=" + boundary))
                .get("data")
                .get("file_token")
                .asText();
    }

    static JsonNode call(TestServer.App signer, String ft, String accessToken) {
        String q = accessToken == null ? "" : "?access_token=" + accessToken;
        return TestServer.json(
                ts.signed(signer, "GET", API + "/" + ft + "/url/with_edit_token" + q, null, "application/json"));
    }

    @Test
    void aUserTokenOfTheSigningAppGetsAViewPageUrl() {
        TestServer.User u = ts.user(app, "user_basic");
        JsonNode d = call(app, fileToken, u.token()).get("data");
        assertThat(d.get("token").asText()).matches("ExchangeToken-[a-z]{48}");
        assertThat(d.get("timeout").asLong()).isEqualTo(600_000);
        assertThat(d.get("url").asText())
                .isEqualTo(ts.base() + "/v/" + fileToken + "?token="
                        + d.get("token").asText());
        HttpResponse<String> page = ts.send("GET", d.get("url").asText(), null);
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("plan.txt");
        // the same token does not open another app's file page
        HttpResponse<String> foreign = ts.send(
                "GET", "/v/" + otherAppFile() + "?token=" + d.get("token").asText(), null);
        assertThat(foreign.statusCode()).isEqualTo(404);
    }

    private static String otherAppFile() {
        String boundary = "o" + System.nanoTime();
        byte[] body =
                TestServer.multipart(boundary, "theirs.txt", "text/plain", "other".getBytes(StandardCharsets.UTF_8));
        return TestServer.json(
                        ts.signed(other, "POST", API + "/upload", body, "multipart/form-data; boundary=" + boundary))
                .get("data")
                .get("file_token")
                .asText();
    }

    @Test
    void refusals() {
        TestServer.User foreignUser = ts.user(other, "user_basic");
        assertThat(call(app, fileToken, foreignUser.token()).get("code").asInt())
                .isEqualTo(20007);
        assertThat(call(app, fileToken, null).get("code").asInt()).isEqualTo(20007);
        TestServer.User noScope = ts.user(app, "access_personal_files");
        assertThat(call(app, fileToken, noScope.token()).get("code").asInt()).isEqualTo(10003);
        TestServer.User u = ts.user(other, "user_basic");
        assertThat(call(other, fileToken, u.token()).get("code").asInt()).isEqualTo(30012); // another app's file
    }
}
