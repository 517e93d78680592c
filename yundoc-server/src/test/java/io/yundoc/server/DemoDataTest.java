package io.yundoc.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.yundoc.server.admin.DemoData;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * {@code serve --demo}: with {@code --dev} the demo app, user and token are the documented well-known values, usable
 * over HTTP and the same after a restart; without {@code --dev} they are random.
 */
class DemoDataTest {

    @Test
    void devDemoHasTheWellKnownCredentialsAndKeepsThemAcrossARestart() {
        TestServer first = new TestServer(b -> b.demo(true));
        boolean stopped = false;
        try {
            assertWellKnown(first);
            String fileToken = first.server.demo().fileTokens().get(0);
            // the refresh token works once, as every refresh token does
            HttpResponse<String> refreshed = first.send(
                    "POST",
                    "/api/v1/oauth2/refresh_token?app_id=" + DemoData.DEV_APP_ID,
                    "{\"app_key\":\"" + DemoData.DEV_APP_KEY + "\",\"refresh_token\":\"" + DemoData.DEV_REFRESH_TOKEN
                            + "\"}");
            assertThat(TestServer.json(refreshed).path("code").asInt())
                    .as(refreshed.body())
                    .isZero();
            first.stopKeepingData();
            stopped = true;

            // a second start renews the same pair (the old row is replaced, not duplicated) and keeps the files
            try (TestServer second = new TestServer(first.dataDir, b -> b.demo(true))) {
                assertWellKnown(second);
                assertThat(second.server.demo().fileTokens())
                        .containsExactlyElementsOf(first.server.demo().fileTokens());
                HttpResponse<String> again = second.send(
                        "POST",
                        "/api/v1/oauth2/refresh_token?app_id=" + DemoData.DEV_APP_ID,
                        "{\"app_key\":\"" + DemoData.DEV_APP_KEY + "\",\"refresh_token\":\""
                                + DemoData.DEV_REFRESH_TOKEN + "\"}");
                assertThat(TestServer.json(again).path("code").asInt())
                        .as(again.body())
                        .isZero();
                HttpResponse<String> dl = second.send(
                        "GET",
                        "/api/v1/openapi/personal/files/" + fileToken + "/download?access_token="
                                + second.server.demo().token().accessToken(),
                        null);
                assertThat(TestServer.json(dl).path("code").asInt())
                        .as(dl.body())
                        .isZero();
            }
        } finally {
            if (!stopped) {
                first.close();
            }
        }
    }

    private static void assertWellKnown(TestServer ts) {
        DemoData.Demo d = ts.server.demo();
        assertThat(d.appId()).isEqualTo("SX20200101YUNDOC").isEqualTo(DemoData.DEV_APP_ID);
        assertThat(d.appKey()).isEqualTo("YundocDemoAppKey0123456789abcdef").isEqualTo(DemoData.DEV_APP_KEY);
        assertThat(d.userId()).isEqualTo("yundoc-demo-user");
        assertThat(d.userName()).isEqualTo("yundoc-demo");
        assertThat(d.userPassword()).isEqualTo("yundoc-demo-password");
        assertThat(d.token().accessToken()).isEqualTo("yundocdemoaccesstokenwellknownaa");
        assertThat(d.token().refreshToken()).isEqualTo("yundocdemorefreshtokenwellknownb");
        assertThat(d.fileTokens()).hasSize(2);

        // the hard-coded token reads the user's files and profile
        JsonNode basic = TestServer.json(
                ts.send("GET", "/api/v1/openapi/user/basic?access_token=" + DemoData.DEV_ACCESS_TOKEN, null));
        assertThat(basic.path("code").asInt()).as(basic.toString()).isZero();
        assertThat(basic.path("data").path("nickname").asText()).isEqualTo("Demo User");
        HttpResponse<String> dl = ts.send(
                "GET",
                "/api/v1/openapi/personal/files/" + d.fileTokens().get(0) + "/download?access_token="
                        + DemoData.DEV_ACCESS_TOKEN,
                null);
        assertThat(TestServer.json(dl).path("code").asInt()).as(dl.body()).isZero();

        // the hard-coded key signs WPS-2 app-space calls
        TestServer.App app = new TestServer.App(DemoData.DEV_APP_ID, DemoData.DEV_APP_KEY);
        HttpResponse<String> created = ts.signed(
                app,
                "POST",
                "/api/v1/openapi/appspace/files",
                ("{\"filename\":\"folder-" + System.nanoTime() + "\"}").getBytes(StandardCharsets.UTF_8),
                "application/json");
        assertThat(TestServer.json(created).path("code").asInt())
                .as(created.body())
                .isZero();
    }

    @Test
    void demoWithoutDevIsRandom() {
        try (TestServer a = new TestServer(b -> b.dev(false).demo(true));
                TestServer b = new TestServer(x -> x.dev(false).demo(true))) {
            for (TestServer ts : new TestServer[] {a, b}) {
                DemoData.Demo d = ts.server.demo();
                assertThat(d.appId()).matches("SX\\d{8}[A-Z]{6}").isNotEqualTo(DemoData.DEV_APP_ID);
                assertThat(d.appKey()).isNotEqualTo(DemoData.DEV_APP_KEY);
                assertThat(d.userId()).isNotEqualTo(DemoData.DEV_USER_ID);
                assertThat(d.userPassword()).isNotEqualTo(DemoData.DEV_USER_PASSWORD);
                assertThat(d.token().accessToken()).matches("[a-z]{32}").isNotEqualTo(DemoData.DEV_ACCESS_TOKEN);
                // the printed token works; the well-known one is unknown here
                HttpResponse<String> ok = ts.send(
                        "GET",
                        "/api/v1/openapi/user/basic?access_token=" + d.token().accessToken(),
                        null);
                assertThat(TestServer.json(ok).path("code").asInt())
                        .as(ok.body())
                        .isZero();
                HttpResponse<String> refused =
                        ts.send("GET", "/api/v1/openapi/user/basic?access_token=" + DemoData.DEV_ACCESS_TOKEN, null);
                assertThat(TestServer.json(refused).path("code").asInt()).isEqualTo(20007);
            }
            assertThat(a.server.demo().appKey()).isNotEqualTo(b.server.demo().appKey());
            assertThat(a.server.demo().token().accessToken())
                    .isNotEqualTo(b.server.demo().token().accessToken());
        }
    }
}
