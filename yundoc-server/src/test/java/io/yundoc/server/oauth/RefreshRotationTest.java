package io.yundoc.server.oauth;

import static io.yundoc.server.oauth.BrowserlessFlow.authParams;
import static io.yundoc.server.oauth.BrowserlessFlow.params;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.yundoc.server.ServerConfig;
import io.yundoc.server.TestServer;
import io.yundoc.server.TestServerExtension;
import java.net.http.HttpResponse;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The refresh of api.md §3.1 in both modes (issue 13 item 13). {@code keep} (the default): the presented refresh token
 * comes back, valid until 90 days after the code exchange, with a new access token each time. {@code rotate}: a new
 * refresh token each time, and a rotated one presented again revokes every token of its chain.
 */
class RefreshRotationTest {
    static final String CB = "https://app.example.com/cb";
    static final String PW = "correct horse battery";

    @RegisterExtension
    static final TestServerExtension keep = TestServerExtension.embedded();

    @RegisterExtension
    static final TestServerExtension rotate =
            TestServerExtension.embedded(b -> b.refreshRotation(ServerConfig.RefreshRotation.ROTATE));

    static int counter;

    record App(String appId, String appKey) {}

    static App app(TestServerExtension ts) {
        JsonNode d =
                ts.adminOk("POST", "/apps", "{\"name\":\"demo\",\"tier\":\"test\",\"redirect_uris\":[\"" + CB + "\"]}");
        return new App(d.get("app_id").asText(), d.get("app_key").asText());
    }

    static String user(TestServerExtension ts) {
        counter++;
        String name = "user" + counter;
        ts.adminOk("POST", "/users", "{\"name\":\"" + name + "\",\"password\":\"" + PW + "\"}");
        return name;
    }

    /** A fresh authorization: login, consent, code, exchange. */
    static JsonNode grant(TestServerExtension ts, App app, String user) {
        String code = params(new BrowserlessFlow(ts.get())
                        .authorize(authParams(app.appId(), "user_basic", CB, "s"), user, PW))
                .get("code");
        HttpResponse<String> r = ts.send(
                "GET",
                "/api/v1/oauth2/access_token?code=" + code + "&app_id=" + app.appId() + "&app_key=" + app.appKey(),
                null);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return TestServer.json(r).get("data");
    }

    static HttpResponse<String> refresh(TestServerExtension ts, App app, String refreshToken) {
        return ts.send(
                "POST",
                "/api/v1/oauth2/refresh_token?app_id=" + app.appId(),
                "{\"app_key\":\"" + app.appKey() + "\",\"refresh_token\":\"" + refreshToken + "\"}");
    }

    static JsonNode refreshOk(TestServerExtension ts, App app, String refreshToken) {
        HttpResponse<String> r = refresh(ts, app, refreshToken);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode d = TestServer.json(r).get("data");
        assertThat(d.get("expires_in").asLong()).isEqualTo(86400);
        assertThat(d.get("app_id").asText()).isEqualTo(app.appId());
        return d;
    }

    static void assertRefreshFails(TestServerExtension ts, App app, String refreshToken, String hint) {
        HttpResponse<String> r = refresh(ts, app, refreshToken);
        JsonNode n = TestServer.json(r);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
        assertThat(n.get("code").asInt()).as(r.body()).isEqualTo(20001);
        assertThat(n.get("hint").asText()).isEqualTo(hint);
    }

    static int userBasic(TestServerExtension ts, String access) {
        return ts.send("GET", "/api/v1/openapi/user/basic?access_token=" + access, null)
                .statusCode();
    }

    @Test
    void keepAnswersTheSameRefreshTokenAgainAndAgainWithANewAccessTokenEachTime() {
        App app = app(keep);
        JsonNode g = grant(keep, app, user(keep));
        String rt = g.get("refresh_token").asText();
        Set<String> accessTokens = new HashSet<>();
        accessTokens.add(g.get("access_token").asText());
        for (int i = 0; i < 3; i++) {
            JsonNode d = refreshOk(keep, app, rt);
            assertThat(d.get("refresh_token").asText()).isEqualTo(rt);
            assertThat(accessTokens.add(d.get("access_token").asText()))
                    .as("a new access token each time")
                    .isTrue();
        }
        // every access token handed out is valid until its own expiry
        assertThat(accessTokens)
                .hasSize(4)
                .allSatisfy(a -> assertThat(userBasic(keep, a)).isEqualTo(200));
    }

    @Test
    void keepLeavesTheRefreshTokenValidUntilNinetyDaysAfterTheExchangeAndNoLonger() {
        App app = app(keep);
        JsonNode g = grant(keep, app, user(keep));
        String rt = g.get("refresh_token").asText();
        // a margin of a minute: the wall clock runs on under the offset while the test runs
        keep.advanceClock(90L * 86400 - 60);
        JsonNode late = refreshOk(keep, app, rt);
        assertThat(late.get("refresh_token").asText()).isEqualTo(rt);
        // refreshing does not extend it: 90 days after the exchange it is over
        keep.advanceClock(60);
        assertRefreshFails(keep, app, rt, "refresh_token expired");
        // the access token of that last refresh still lives its 24 h
        assertThat(userBasic(keep, late.get("access_token").asText())).isEqualTo(200);
    }

    @Test
    void keepStillRefusesARevokedChain() {
        App app = app(keep);
        String name = user(keep);
        JsonNode g = grant(keep, app, name);
        String rt = g.get("refresh_token").asText();
        JsonNode d = refreshOk(keep, app, rt);
        String grantId = keep.adminOk("GET", "/grants?app_id=" + app.appId(), null)
                .get("grants")
                .get(0)
                .get("grant_id")
                .asText();
        keep.adminOk("DELETE", "/grants/" + grantId, null);
        assertRefreshFails(keep, app, rt, "refresh_token revoked");
        assertThat(userBasic(keep, d.get("access_token").asText())).isEqualTo(401);
    }

    @Test
    void rotateAnswersANewRefreshTokenAndUsesTheOldOneUp() {
        App app = app(rotate);
        JsonNode g = grant(rotate, app, user(rotate));
        JsonNode g2 = refreshOk(rotate, app, g.get("refresh_token").asText());
        assertThat(g2.get("refresh_token").asText())
                .isNotEqualTo(g.get("refresh_token").asText());
        assertThat(g2.get("access_token").asText())
                .isNotEqualTo(g.get("access_token").asText());
        // each rotation starts a fresh 90 days: 80 + 20 days after the exchange the rotated token still works
        rotate.advanceClock(80L * 86400);
        JsonNode g3 = refreshOk(rotate, app, g2.get("refresh_token").asText());
        rotate.advanceClock(20L * 86400);
        refreshOk(rotate, app, g3.get("refresh_token").asText());
    }

    @Test
    void rotateReuseOfARotatedTokenRevokesTheWholeChainAndNothingElse() {
        App app = app(rotate);
        String name = user(rotate);
        JsonNode g = grant(rotate, app, name);
        JsonNode g2 = refreshOk(rotate, app, g.get("refresh_token").asText());
        JsonNode g3 = refreshOk(rotate, app, g2.get("refresh_token").asText());
        // a second authorization of the same user and app is another chain
        JsonNode other = grant(rotate, app, name);
        for (JsonNode t : new JsonNode[] {g, g2, g3, other}) {
            assertThat(userBasic(rotate, t.get("access_token").asText())).isEqualTo(200);
        }

        // the first refresh token, rotated away, comes back: a reuse
        assertRefreshFails(rotate, app, g.get("refresh_token").asText(), "refresh_token already used");
        for (JsonNode t : new JsonNode[] {g, g2, g3}) {
            HttpResponse<String> r = rotate.send(
                    "GET",
                    "/api/v1/openapi/user/basic?access_token="
                            + t.get("access_token").asText(),
                    null);
            assertThat(r.statusCode()).isEqualTo(401);
            assertThat(TestServer.json(r).get("hint").asText()).isEqualTo("access_token revoked");
        }
        // the newest refresh token of the chain, never used, is revoked too
        assertRefreshFails(rotate, app, g3.get("refresh_token").asText(), "refresh_token revoked");
        // the other chain is untouched
        assertThat(userBasic(rotate, other.get("access_token").asText())).isEqualTo(200);
        refreshOk(rotate, app, other.get("refresh_token").asText());
    }
}
