package io.yundoc.server.appspace;

import static io.yundoc.server.appspace.AppSpaceApiTest.err;
import static io.yundoc.server.appspace.AppSpaceApiTest.ok;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.yundoc.server.TestServer;
import io.yundoc.server.TestServerExtension;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Per-app key rotation with an overlap (design.md admin API, api.md §3.4): both keys sign valid requests until the
 * operator ends the overlap or it runs out on the server clock; the admin API shows the state.
 */
class KeyRotationTest {
    static final String API = "/api/v1/openapi/appspace";

    @RegisterExtension
    final TestServerExtension ts = TestServerExtension.embedded();

    TestServer.App app;
    String ft;

    @BeforeEach
    void start() {
        app = ts.app("test");
        ft = ok(ts.signed(
                        app,
                        "POST",
                        API + "/files",
                        "{\"filename\":\"k.docx\"}".getBytes(StandardCharsets.UTF_8),
                        "application/json"))
                .get("file_token")
                .asText();
    }

    HttpResponse<String> info(TestServer.App signer) {
        return ts.signed(signer, "GET", API + "/files/" + ft, null, "application/json");
    }

    JsonNode appState() {
        return ts.adminOk("GET", "/apps/" + app.appId(), null);
    }

    @Test
    void withoutOverlapBothKeysWorkUntilTheOperatorEndsIt() {
        assertThat(appState().get("key_rotation").isNull()).isTrue();
        JsonNode r = ts.adminOk("POST", "/apps/" + app.appId() + "/rotate-key", null);
        assertThat(r.get("app_id").asText()).isEqualTo(app.appId());
        assertThat(r.get("old_key_valid_until").isNull()).isTrue();
        String newKey = r.get("app_key").asText();
        assertThat(newKey).matches("[A-Za-z0-9]{32}").isNotEqualTo(app.appKey());
        TestServer.App rotated = new TestServer.App(app.appId(), newKey);

        ok(info(app));
        ok(info(rotated));
        JsonNode state = appState().get("key_rotation");
        assertThat(state.has("old_key_valid_until")).isTrue();
        assertThat(state.get("old_key_valid_until").isNull()).isTrue();
        assertThat(appState().has("app_key")).isFalse(); // the key is never shown again
        ts.adminOk("POST", "/clock", "{\"advance_seconds\":864000}"); // ten days: still both
        ok(info(app));
        ok(info(rotated));

        JsonNode end = ts.adminOk("POST", "/apps/" + app.appId() + "/rotate-key/end", null);
        assertThat(end.toString()).isEqualTo("{\"app_id\":\"" + app.appId() + "\"}");
        assertThat(err(info(app), 30003, 401).get("hint").asText()).isEqualTo("signature not match");
        ok(info(rotated));
        assertThat(appState().get("key_rotation").isNull()).isTrue();
    }

    @Test
    void anOverlapRunsOutOnTheServerClock() {
        JsonNode r = ts.adminOk("POST", "/apps/" + app.appId() + "/rotate-key", "{\"overlap_seconds\":\"600\"}");
        long until = r.get("old_key_valid_until").asLong();
        assertThat(until).isCloseTo(ts.server().clock().epochSeconds() + 600, Offset.offset(2L));
        TestServer.App rotated =
                new TestServer.App(app.appId(), r.get("app_key").asText());
        assertThat(appState().get("key_rotation").get("old_key_valid_until").asLong())
                .isEqualTo(until);
        ts.adminOk("POST", "/clock", "{\"advance_seconds\":590}");
        ok(info(app));
        ts.adminOk("POST", "/clock", "{\"advance_seconds\":20}");
        err(info(app), 30003, 401);
        ok(info(rotated));
        assertThat(appState().get("key_rotation").isNull()).isTrue();
    }

    @Test
    void rotatingAgainRetiresTheOldestKeyAtOnce() {
        String k2 = ts.adminOk("POST", "/apps/" + app.appId() + "/rotate-key", "{}")
                .get("app_key")
                .asText();
        String k3 = ts.adminOk("POST", "/apps/" + app.appId() + "/rotate-key", "{}")
                .get("app_key")
                .asText();
        err(info(app), 30003, 401);
        ok(info(new TestServer.App(app.appId(), k2)));
        ok(info(new TestServer.App(app.appId(), k3)));
    }

    @Test
    void badRotationRequests() {
        String base = "/admin/v1/apps/" + app.appId() + "/rotate-key";
        assertThat(TestServer.json(ts.send(
                                "POST", base, "{\"overlap_seconds\":-1}", "Authorization", "Bearer test-admin-token"))
                        .get("code")
                        .asInt())
                .isEqualTo(10001);
        assertThat(TestServer.json(ts.send(
                                "POST",
                                base,
                                "{\"overlap_seconds\":\"soon\"}",
                                "Authorization",
                                "Bearer test-admin-token"))
                        .get("code")
                        .asInt())
                .isEqualTo(10001);
        assertThat(TestServer.json(ts.send(
                                "POST",
                                "/admin/v1/apps/SXNOSUCHAPP/rotate-key",
                                null,
                                "Authorization",
                                "Bearer test-admin-token"))
                        .get("code")
                        .asInt())
                .isEqualTo(20002);
        assertThat(TestServer.json(ts.send(
                                "POST",
                                "/admin/v1/apps/SXNOSUCHAPP/rotate-key/end",
                                null,
                                "Authorization",
                                "Bearer test-admin-token"))
                        .get("code")
                        .asInt())
                .isEqualTo(20002);
        HttpResponse<String> noToken = ts.send("POST", base, null);
        assertThat(noToken.statusCode()).isEqualTo(401);
        assertThat(TestServer.json(noToken).get("code").asInt()).isEqualTo(20007);
        ok(info(app)); // nothing rotated
    }
}
