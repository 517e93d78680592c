package io.yundoc.server.oauth;

import static io.yundoc.server.oauth.BrowserlessFlow.authParams;
import static io.yundoc.server.oauth.BrowserlessFlow.params;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.yundoc.server.TestServer;
import io.yundoc.server.TestServerExtension;
import java.net.URI;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The authorization-code flow over plain HTTP (api.md §3.1): pages, exchange, refresh, revocation, expiry, bad input. */
class OAuthFlowTest {
    @RegisterExtension
    static final TestServerExtension ts = TestServerExtension.embedded();

    static final String CB = "https://app.example.com/cb";
    static final String PW = "correct horse battery";
    static int counter;

    record App(String appId, String appKey) {}

    static App app(String... redirectUris) {
        JsonNode d = ts.adminOk(
                "POST",
                "/apps",
                "{\"name\":\"Demo <App>\",\"tier\":\"test\",\"redirect_uris\":"
                        + TestServer.JSON.valueToTree(redirectUris.length == 0 ? new String[] {CB} : redirectUris)
                        + "}");
        return new App(d.get("app_id").asText(), d.get("app_key").asText());
    }

    /** A user with a fresh name; returns the name (the password is {@link #PW}). */
    static String user() {
        counter++;
        String name = "alice" + counter;
        ts.adminOk(
                "POST",
                "/users",
                "{\"name\":\"" + name + "\",\"password\":\"" + PW + "\",\"nickname\":\"Alice " + counter + "\"}");
        return name;
    }

    static String userId(String name) {
        for (JsonNode u : ts.adminOk("GET", "/users", null).get("users")) {
            if (u.get("name").asText().equals(name)) {
                return u.get("user_id").asText();
            }
        }
        throw new AssertionError("no user " + name);
    }

    static HttpResponse<String> exchange(App app, String code) {
        return ts.send(
                "GET",
                "/api/v1/oauth2/access_token?code=" + code + "&app_id=" + app.appId() + "&app_key=" + app.appKey(),
                null);
    }

    static HttpResponse<String> refresh(App app, String refreshToken) {
        return ts.send(
                "POST",
                "/api/v1/oauth2/refresh_token?app_id=" + app.appId(),
                "{\"app_key\":\"" + app.appKey() + "\",\"refresh_token\":\"" + refreshToken + "\"}");
    }

    static HttpResponse<String> userBasic(String token) {
        return ts.send("GET", "/api/v1/openapi/user/basic?access_token=" + token, null);
    }

    static void assertError(HttpResponse<String> r, int status, int code, String hint) {
        JsonNode n = TestServer.json(r);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        assertThat(n.get("code").asInt()).as(r.body()).isEqualTo(code);
        assertThat(n.has("data")).isFalse();
        if (hint != null) {
            assertThat(n.get("hint").asText()).isEqualTo(hint);
        }
    }

    static String code(App app, String user, String scope) {
        BrowserlessFlow f = new BrowserlessFlow(ts.get());
        return params(f.authorize(authParams(app.appId(), scope, CB, "s"), user, PW))
                .get("code");
    }

    @Test
    void fullFlowLoginConsentExchangeUseRefresh() {
        App app = app();
        String name = user();
        BrowserlessFlow f = new BrowserlessFlow(ts.get());
        Map<String, String> p = authParams(app.appId(), "user_basic, create_personal_files", CB, "xyz/= &ü");

        HttpResponse<String> page = f.get("/h5/auth?" + BrowserlessFlow.query(p));
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("x-frame-options")).hasValue("DENY");
        assertThat(page.headers().firstValue("content-security-policy").orElseThrow())
                .contains("frame-ancestors 'none'");
        assertThat(page.headers().firstValue("cache-control")).hasValue("no-store");
        assertThat(page.body()).contains("Demo &lt;App&gt;").doesNotContain("Demo <App>");

        HttpResponse<String> login = f.login(p, name, PW);
        assertThat(login.statusCode()).as(login.body()).isEqualTo(303);
        String sessionCookie = login.headers().allValues("set-cookie").stream()
                .filter(c -> c.startsWith("yd_session="))
                .findFirst()
                .orElseThrow();
        assertThat(sessionCookie)
                .containsIgnoringCase("HttpOnly")
                .containsIgnoringCase("SameSite=Lax")
                .doesNotContainIgnoringCase("Secure")
                .contains("Path=/");
        URI back = URI.create(ts.base() + "/h5/auth/login")
                .resolve(login.headers().firstValue("location").orElseThrow());
        assertThat(back.getPath()).isEqualTo("/h5/auth");

        HttpResponse<String> consent = f.get(back.toString().substring(ts.base().length()));
        assertThat(consent.statusCode()).isEqualTo(200);
        assertThat(consent.body())
                .contains("id=\"allow\"")
                .contains("id=\"deny\"")
                .contains("Your basic profile")
                .contains("Create and upload documents")
                .doesNotContain("Download your documents");
        Map<String, String> form = BrowserlessFlow.hidden(consent.body());
        form.put("decision", "allow");
        HttpResponse<String> done = f.post("/h5/auth/consent", form);
        assertThat(done.statusCode()).isEqualTo(302);
        String location = done.headers().firstValue("location").orElseThrow();
        assertThat(location).startsWith(CB + "?code=");
        Map<String, String> q = params(location);
        assertThat(q.get("state")).isEqualTo("xyz/= &ü");
        assertThat(q.get("code")).matches("[a-z]{32}");

        HttpResponse<String> ex = exchange(app, q.get("code"));
        assertThat(ex.statusCode()).as(ex.body()).isEqualTo(200);
        assertThat(ex.headers().firstValue("cache-control")).hasValue("no-store");
        assertThat(ex.headers().firstValue("pragma")).hasValue("no-cache");
        assertThat(ex.body())
                .matches(
                        "\\{\"code\":0,\"result\":\"ok\",\"data\":\\{\"access_token\":\"[a-z]{32}\",\"expires_in\":86400,"
                                + "\"refresh_token\":\"[a-z]{32}\",\"app_id\":\"" + app.appId() + "\"}}");
        JsonNode grant = TestServer.json(ex).get("data");
        String access = grant.get("access_token").asText();

        HttpResponse<String> ub = userBasic(access);
        assertThat(ub.statusCode()).as(ub.body()).isEqualTo(200);
        JsonNode u = TestServer.json(ub).get("data");
        assertThat(u.get("nickname").asText()).startsWith("Alice");
        assertThat(u.get("avatar").asText()).isEqualTo(ts.base() + "/static/avatar/default.png");
        assertThat(u.get("id").get("open_id").asText()).hasSize(43);
        assertThat(ub.body())
                .matches(
                        "\\{\"code\":0,\"data\":\\{\"id\":\\{\"open_id\":\"[^\"]+\",\"union_id\":\"[^\"]+\"},\"nickname\":.*");
        assertThat(ts.send("GET", "/static/avatar/default.png", null).statusCode())
                .isEqualTo(200);

        HttpResponse<String> created =
                ts.send("POST", "/api/v1/openapi/personal/files?access_token=" + access, "{\"filename\":\"a.docx\"}");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(200);
        // a scope the user did not grant (Bearer form of the token)
        JsonNode ft = TestServer.json(created).get("data").get("id").get("open_id");
        assertError(
                ts.send(
                        "GET",
                        "/api/v1/openapi/personal/files/" + ft.asText() + "/download",
                        null,
                        "Authorization",
                        "Bearer " + access),
                403,
                10003,
                "scope download_personal_files not granted");

        HttpResponse<String> rf = refresh(app, grant.get("refresh_token").asText());
        assertThat(rf.statusCode()).as(rf.body()).isEqualTo(200);
        assertThat(TestServer.json(rf).get("result").asText()).isEqualTo("ok");
        JsonNode g2 = TestServer.json(rf).get("data");
        assertThat(g2.get("access_token").asText()).isNotEqualTo(access);
        // no rotation by default: the same refresh token comes back and works again; the old access token lives on
        assertThat(g2.get("refresh_token").asText())
                .isEqualTo(grant.get("refresh_token").asText());
        assertThat(refresh(app, grant.get("refresh_token").asText()).statusCode())
                .isEqualTo(200);
        assertThat(userBasic(access).statusCode()).isEqualTo(200);
        assertThat(userBasic(g2.get("access_token").asText()).statusCode()).isEqualTo(200);

        // signed in and consented: the next request goes straight back with a code
        HttpResponse<String> again =
                f.get("/h5/auth?" + BrowserlessFlow.query(authParams(app.appId(), "user_basic", CB, null)));
        assertThat(again.statusCode()).isEqualTo(302);
        assertThat(again.headers().firstValue("location").orElseThrow())
                .matches("https://app\\.example\\.com/cb\\?code=[a-z]{32}");
        // more scopes than granted: consent again, no login
        HttpResponse<String> more = f.get("/h5/auth?"
                + BrowserlessFlow.query(authParams(app.appId(), "user_basic,clone_personal_files", CB, null)));
        assertThat(more.statusCode()).isEqualTo(200);
        assertThat(more.body()).contains("name=\"decision\"").doesNotContain("name=\"password\"");
        // force_login ignores the session
        Map<String, String> forced = authParams(app.appId(), "user_basic", CB, null);
        forced.put("force_login", "true");
        HttpResponse<String> fl = f.get("/h5/auth?" + BrowserlessFlow.query(forced));
        assertThat(fl.statusCode()).isEqualTo(200);
        assertThat(fl.body()).contains("name=\"password\"");
    }

    @Test
    void redirectJoinsAnExistingQueryAndOmitsMissingState() {
        App app = app("https://app.example.com/cb?tenant=7");
        String name = user();
        String loc = new BrowserlessFlow(ts.get())
                .authorize(
                        authParams(app.appId(), "user_basic", "https://app.example.com/cb?tenant=7", null), name, PW);
        assertThat(loc).matches("https://app\\.example\\.com/cb\\?tenant=7&code=[a-z]{32}");
    }

    @Test
    void denyRedirectsWithAccessDenied() {
        App app = app();
        String name = user();
        BrowserlessFlow f = new BrowserlessFlow(ts.get());
        Map<String, String> p = authParams(app.appId(), "user_basic", CB, "st");
        f.login(p, name, PW);
        HttpResponse<String> consent = f.get("/h5/auth?" + BrowserlessFlow.query(p));
        Map<String, String> form = BrowserlessFlow.hidden(consent.body());
        form.put("decision", "deny");
        HttpResponse<String> r = f.post("/h5/auth/consent", form);
        assertThat(r.statusCode()).isEqualTo(302);
        assertThat(r.headers().firstValue("location")).hasValue(CB + "?error=access_denied&state=st");
        assertThat(ts.adminOk("GET", "/grants?user_id=" + userId(name), null).get("grants"))
                .isEmpty();
    }

    @Test
    void authorizeErrorsAreHtmlPagesNeverRedirects() {
        App app = app();
        checkErrorPage("/h5/auth?app_id=NOPE&scope=user_basic&redirect_uri=" + BrowserlessFlow.enc(CB), 400, 20002);
        checkErrorPage("/h5/auth?scope=user_basic&redirect_uri=" + BrowserlessFlow.enc(CB), 400, 20002);
        checkErrorPage(
                "/h5/auth?app_id=" + app.appId() + "&scope=user_basic&redirect_uri="
                        + BrowserlessFlow.enc("https://evil.example.com/cb"),
                400,
                20004);
        checkErrorPage("/h5/auth?app_id=" + app.appId() + "&scope=user_basic", 400, 20004);
        checkErrorPage(
                "/h5/auth?app_id=" + app.appId() + "&scope=user_basic&redirect_uri=" + BrowserlessFlow.enc(CB + "/"),
                400,
                20004);
        checkErrorPage(
                "/h5/auth?app_id=" + app.appId() + "&scope=user_basic&response_type=token&redirect_uri="
                        + BrowserlessFlow.enc(CB),
                400,
                20005);
        checkErrorPage(
                "/h5/auth?app_id=" + app.appId() + "&scope=root&redirect_uri=" + BrowserlessFlow.enc(CB), 400, 20003);
        checkErrorPage(
                "/h5/auth?app_id=" + app.appId() + "&scope=&redirect_uri=" + BrowserlessFlow.enc(CB), 400, 20003);
        checkErrorPage(
                "/h5/auth?app_id=" + app.appId() + "&scope=user_basic&force_login=maybe&redirect_uri="
                        + BrowserlessFlow.enc(CB),
                400,
                10001);
        // a scope the operator did not allow for this app
        JsonNode d = ts.adminOk(
                "POST",
                "/apps",
                "{\"name\":\"narrow\",\"tier\":\"test\",\"scopes\":[\"user_basic\"],\"redirect_uris\":[\"" + CB
                        + "\"]}");
        checkErrorPage(
                "/h5/auth?app_id=" + d.get("app_id").asText() + "&scope=user_basic,access_personal_files&redirect_uri="
                        + BrowserlessFlow.enc(CB),
                400,
                20003);
        ts.adminOk("POST", "/apps/" + d.get("app_id").asText() + "/disable", null);
        checkErrorPage(
                "/h5/auth?app_id=" + d.get("app_id").asText() + "&scope=user_basic&redirect_uri="
                        + BrowserlessFlow.enc(CB),
                403,
                20006);
    }

    static void checkErrorPage(String path, int status, int code) {
        HttpResponse<String> r = ts.send("GET", path, null, "Accept-Language", "en");
        assertThat(r.statusCode()).as(path + " " + r.body()).isEqualTo(status);
        assertThat(r.headers().firstValue("location")).isEmpty();
        assertThat(r.headers().firstValue("content-type").orElseThrow()).startsWith("text/html");
        assertThat(r.body()).contains("id=\"error-code\">" + code + "<");
    }

    @Test
    void loopbackRedirectMatchesAnyPortButNothingElse() {
        App app = app("http://127.0.0.1/cb", "http://localhost:9/cb", "https://app.example.com:8443/cb");
        assertThat(ts.send(
                                "GET",
                                "/h5/auth?app_id=" + app.appId() + "&scope=user_basic&redirect_uri="
                                        + BrowserlessFlow.enc("http://127.0.0.1:51234/cb"),
                                null)
                        .statusCode())
                .isEqualTo(200);
        assertThat(ts.send(
                                "GET",
                                "/h5/auth?app_id=" + app.appId() + "&scope=user_basic&redirect_uri="
                                        + BrowserlessFlow.enc("http://localhost/cb"),
                                null)
                        .statusCode())
                .isEqualTo(200);
        for (String bad : new String[] {
            "http://127.0.0.1:1@evil.com/cb",
            "http://127.0.0.1.evil.com/cb",
            "https://127.0.0.1:5/cb",
            "http://127.0.0.1:5/cb/x",
            "http://127.0.0.1:5/cb?x=1",
            "https://app.example.com/cb",
            "https://app.example.com:9443/cb",
            "http://localhost:5/cb#frag"
        }) {
            checkErrorPage(
                    "/h5/auth?app_id=" + app.appId() + "&scope=user_basic&redirect_uri=" + BrowserlessFlow.enc(bad),
                    400,
                    20004);
        }
    }

    @Test
    void replayedCodeIsRefusedAndRevokesEverythingItProduced() {
        App app = app();
        String name = user();
        String code = code(app, name, "user_basic");
        JsonNode g = TestServer.json(exchange(app, code)).get("data");
        JsonNode g2 =
                TestServer.json(refresh(app, g.get("refresh_token").asText())).get("data");
        assertThat(userBasic(g2.get("access_token").asText()).statusCode()).isEqualTo(200);

        assertError(exchange(app, code), 400, 20001, "code already used");
        assertError(userBasic(g.get("access_token").asText()), 401, 20007, "access_token revoked");
        assertError(userBasic(g2.get("access_token").asText()), 401, 20007, "access_token revoked");
        assertError(refresh(app, g2.get("refresh_token").asText()), 400, 20001, null);
    }

    @Test
    void failedExchangesLeaveTheCodeValid() {
        App app = app();
        App other = app();
        String name = user();
        String code = code(app, name, "user_basic");
        assertError(exchange(other, code), 400, 20001, null);
        assertError(
                ts.send(
                        "GET",
                        "/api/v1/oauth2/access_token?code=" + code + "&app_id=" + app.appId()
                                + "&app_key=wrong-key-wrong-key",
                        null),
                400,
                20002,
                null);
        assertError(
                ts.send(
                        "GET",
                        "/api/v1/oauth2/access_token?code=" + code + "&app_id=NOAPP&app_key=" + app.appKey(),
                        null),
                400,
                20002,
                null);
        assertError(
                ts.send(
                        "GET",
                        "/api/v1/oauth2/access_token?code=" + code + "&app_id=" + app.appId() + "&app_key="
                                + app.appKey() + "&redirect_uri="
                                + BrowserlessFlow.enc("https://app.example.com/other"),
                        null),
                400,
                20001,
                null);
        assertError(
                ts.send("GET", "/api/v1/oauth2/access_token?app_id=" + app.appId() + "&app_key=" + app.appKey(), null),
                400,
                10001,
                null);
        assertError(exchange(app, "zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz"), 400, 20001, null);
        // the matching redirect_uri, via POST: still valid, and now used up
        HttpResponse<String> ok = ts.send(
                "POST",
                "/api/v1/oauth2/access_token?code=" + code + "&app_id=" + app.appId() + "&app_key=" + app.appKey()
                        + "&redirect_uri=" + BrowserlessFlow.enc(CB),
                null);
        assertThat(ok.statusCode()).as(ok.body()).isEqualTo(200);
        assertThat(TestServer.json(ok).get("data").get("app_id").asText()).isEqualTo(app.appId());
    }

    @Test
    void refreshRejectsWrongKeyForeignTokenAndMissingParameters() {
        App app = app();
        App other = app();
        String name = user();
        JsonNode g =
                TestServer.json(exchange(app, code(app, name, "user_basic"))).get("data");
        String rt = g.get("refresh_token").asText();
        assertError(
                ts.send(
                        "POST",
                        "/api/v1/oauth2/refresh_token?app_id=" + app.appId(),
                        "{\"app_key\":\"wrong-key-wrong-key\",\"refresh_token\":\"" + rt + "\"}"),
                400,
                20002,
                null);
        assertError(refresh(other, rt), 400, 20001, null);
        assertError(
                ts.send(
                        "POST",
                        "/api/v1/oauth2/refresh_token?app_id=" + app.appId(),
                        "{\"app_key\":\"" + app.appKey() + "\"}"),
                400,
                10001,
                null);
        assertError(
                ts.send("POST", "/api/v1/oauth2/refresh_token?app_id=" + app.appId(), "not json"), 400, 10001, null);
        // refused requests left it valid; query-string form works too
        HttpResponse<String> r = ts.send(
                "POST",
                "/api/v1/oauth2/refresh_token?app_id=" + app.appId() + "&app_key=" + app.appKey() + "&refresh_token="
                        + rt,
                null);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.headers().firstValue("cache-control")).hasValue("no-store");
        ts.adminOk("POST", "/apps/" + app.appId() + "/disable", null);
        assertError(
                refresh(app, TestServer.json(r).get("data").get("refresh_token").asText()), 403, 20006, null);
    }

    @Test
    void expiryFollowsTheServerClock() {
        App app = app();
        String name = user();
        String late = code(app, name, "user_basic");
        ts.adminOk("POST", "/clock", "{\"advance_seconds\":301}");
        assertError(exchange(app, late), 400, 20001, "code expired");

        JsonNode g =
                TestServer.json(exchange(app, code(app, name, "user_basic"))).get("data");
        // a few seconds short of the 24 h: the wall clock keeps running under the offset while the test runs
        ts.adminOk("POST", "/clock", "{\"advance_seconds\":86395}");
        assertThat(userBasic(g.get("access_token").asText()).statusCode()).isEqualTo(200);
        ts.adminOk("POST", "/clock", "{\"advance_seconds\":5}");
        assertError(userBasic(g.get("access_token").asText()), 401, 20007, "access_token expired");
        // the refresh token outlives it, 90 days from the exchange (refreshing does not extend it)
        HttpResponse<String> r = refresh(app, g.get("refresh_token").asText());
        assertThat(r.statusCode()).isEqualTo(200);
        String rt = TestServer.json(r).get("data").get("refresh_token").asText();
        ts.adminOk("POST", "/clock", "{\"advance_seconds\":" + (89L * 86400 - 60) + "}");
        HttpResponse<String> r2 = refresh(app, rt);
        assertThat(r2.statusCode()).isEqualTo(200);
        String rt2 = TestServer.json(r2).get("data").get("refresh_token").asText();
        ts.adminOk("POST", "/clock", "{\"advance_seconds\":60}");
        assertError(refresh(app, rt2), 400, 20001, "refresh_token expired");
    }

    @Test
    void sessionLastsTwelveHoursAndTamperedCookiesAreNoSession() {
        App app = app();
        String name = user();
        BrowserlessFlow f = new BrowserlessFlow(ts.get());
        Map<String, String> p = authParams(app.appId(), "user_basic", CB, null);
        f.authorize(p, name, PW);
        assertThat(f.get("/h5/auth?" + BrowserlessFlow.query(p)).statusCode()).isEqualTo(302);

        BrowserlessFlow tampered = new BrowserlessFlow(ts.get());
        String real = f.cookies.get("yd_session");
        tampered.cookies.put("yd_session", real.substring(0, 42) + (real.charAt(42) == 'A' ? 'B' : 'A'));
        HttpResponse<String> t = tampered.get("/h5/auth?" + BrowserlessFlow.query(p));
        assertThat(t.statusCode()).isEqualTo(200);
        assertThat(t.body()).contains("name=\"password\"");
        tampered.cookies.put("yd_session", "<script>");
        assertThat(tampered.get("/h5/auth?" + BrowserlessFlow.query(p)).body()).contains("name=\"password\"");

        ts.adminOk("POST", "/clock", "{\"advance_seconds\":" + (12 * 3600 - 5) + "}");
        assertThat(f.get("/h5/auth?" + BrowserlessFlow.query(p)).statusCode()).isEqualTo(302);
        ts.adminOk("POST", "/clock", "{\"advance_seconds\":5}");
        assertThat(f.get("/h5/auth?" + BrowserlessFlow.query(p)).body()).contains("name=\"password\"");
    }

    @Test
    void loginRotatesTheSessionAndLogoutAfterAuthEndsIt() {
        App app = app();
        String name = user();
        BrowserlessFlow f = new BrowserlessFlow(ts.get());
        Map<String, String> p = authParams(app.appId(), "user_basic", CB, null);
        f.authorize(p, name, PW);
        String first = f.cookies.get("yd_session");
        Map<String, String> forced = authParams(app.appId(), "user_basic", CB, null);
        forced.put("force_login", "1");
        assertThat(f.login(forced, name, PW).statusCode()).isEqualTo(303);
        assertThat(f.cookies.get("yd_session")).isNotEqualTo(first);
        // the old id is gone server-side, not just replaced in this browser
        BrowserlessFlow old = new BrowserlessFlow(ts.get());
        old.cookies.put("yd_session", first);
        assertThat(old.get("/h5/auth?" + BrowserlessFlow.query(p)).body()).contains("name=\"password\"");

        Map<String, String> lo = authParams(app.appId(), "user_basic", CB, null);
        lo.put("logout_after_auth", "true");
        HttpResponse<String> r = f.get("/h5/auth?" + BrowserlessFlow.query(lo));
        assertThat(r.statusCode()).isEqualTo(302);
        assertThat(r.headers().allValues("set-cookie"))
                .anyMatch(c -> c.startsWith("yd_session=;") || c.startsWith("yd_session=\"\""));
        BrowserlessFlow sameCookie = new BrowserlessFlow(ts.get());
        sameCookie.cookies.put(
                "yd_session",
                f.setCookies.stream()
                        .filter(c -> c.startsWith("yd_session=") && !c.startsWith("yd_session=;"))
                        .reduce((a, b) -> b)
                        .orElseThrow()
                        .split(";", -1)[0]
                        .substring("yd_session=".length()));
        assertThat(sameCookie.get("/h5/auth?" + BrowserlessFlow.query(p)).body())
                .contains("name=\"password\"");
    }

    @Test
    void formsWithoutAValidCsrfTokenAreRefusedAndIssueNothing() {
        App app = app();
        String name = user();
        Map<String, String> p = authParams(app.appId(), "user_basic", CB, null);
        BrowserlessFlow f = new BrowserlessFlow(ts.get());
        HttpResponse<String> page = f.get("/h5/auth?" + BrowserlessFlow.query(p));
        Map<String, String> form = BrowserlessFlow.hidden(page.body());
        form.remove("csrf");
        form.put("username", name);
        form.put("password", PW);
        HttpResponse<String> r = f.post("/h5/auth/login", form);
        assertThat(r.statusCode()).isEqualTo(403);
        assertThat(r.body()).contains("id=\"error-code\">10003<");
        assertThat(r.headers().allValues("set-cookie")).noneMatch(c -> c.startsWith("yd_session="));
        // a token minted for another browser's login cookie does not verify
        BrowserlessFlow other = new BrowserlessFlow(ts.get());
        Map<String, String> foreign = BrowserlessFlow.hidden(
                other.get("/h5/auth?" + BrowserlessFlow.query(p)).body());
        form.put("csrf", foreign.get("csrf"));
        assertThat(f.post("/h5/auth/login", form).statusCode()).isEqualTo(403);

        f.authorize(authParams(app.appId(), "user_basic", CB, null), name, PW);
        Map<String, String> more = authParams(app.appId(), "user_basic,access_personal_files", CB, null);
        Map<String, String> consent = BrowserlessFlow.hidden(
                f.get("/h5/auth?" + BrowserlessFlow.query(more)).body());
        consent.put("decision", "allow");
        Map<String, String> noCsrf = new LinkedHashMap<>(consent);
        noCsrf.remove("csrf");
        HttpResponse<String> c1 = f.post("/h5/auth/consent", noCsrf);
        assertThat(c1.statusCode()).isEqualTo(403);
        assertThat(c1.headers().firstValue("location")).isEmpty();
        noCsrf.put("csrf", "x" + consent.get("csrf"));
        assertThat(f.post("/h5/auth/consent", noCsrf).statusCode()).isEqualTo(403);
        // the consent post re-validates what the hidden fields say
        Map<String, String> evil = new LinkedHashMap<>(consent);
        evil.put("redirect_uri", "https://evil.example.com/cb");
        HttpResponse<String> c2 = f.post("/h5/auth/consent", evil);
        assertThat(c2.statusCode()).isEqualTo(400);
        assertThat(c2.body()).contains("id=\"error-code\">20004<");
        assertThat(c2.headers().firstValue("location")).isEmpty();
        Map<String, String> wider = new LinkedHashMap<>(consent);
        wider.put("scope", "root");
        assertThat(f.post("/h5/auth/consent", wider).body()).contains("id=\"error-code\">20003<");
        // without a session: 30001
        BrowserlessFlow stranger = new BrowserlessFlow(ts.get());
        HttpResponse<String> c3 = stranger.post("/h5/auth/consent", consent);
        assertThat(c3.statusCode()).isEqualTo(401);
        assertThat(c3.body()).contains("id=\"error-code\">30001<");
        // the genuine post still works
        assertThat(f.post("/h5/auth/consent", consent).statusCode()).isEqualTo(302);
    }

    static String errorText(String html) {
        int i = html.indexOf("id=\"error\"");
        return i < 0 ? null : html.substring(html.indexOf('>', i) + 1, html.indexOf("</p>", i));
    }

    @Test
    void revokingOnTheAuthorizedAppsPageKillsTokensAtOnce() {
        App app = app();
        String name = user();
        BrowserlessFlow f = new BrowserlessFlow(ts.get());
        String code = params(f.authorize(authParams(app.appId(), "user_basic", CB, null), name, PW))
                .get("code");
        JsonNode g = TestServer.json(exchange(app, code)).get("data");
        String edit = TestServer.json(ts.send(
                        "POST",
                        "/api/v1/openapi/user/edit_token?access_token="
                                + g.get("access_token").asText(),
                        null))
                .get("data")
                .get("token")
                .asText();
        assertThat(ts.server().editTokens().validate(edit)).hasValue(userId(name));

        HttpResponse<String> page = f.get("/account/apps");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body())
                .contains("Demo &lt;App&gt;")
                .contains("Your basic profile")
                .contains("Revoke access");
        Map<String, String> form = BrowserlessFlow.hidden(page.body());
        Map<String, String> noCsrf = new LinkedHashMap<>(form);
        noCsrf.remove("csrf");
        assertThat(f.post("/account/apps/revoke", noCsrf).statusCode()).isEqualTo(403);
        assertThat(userBasic(g.get("access_token").asText()).statusCode()).isEqualTo(200);

        HttpResponse<String> r = f.post("/account/apps/revoke", form);
        assertThat(r.statusCode()).isEqualTo(303);
        assertError(userBasic(g.get("access_token").asText()), 401, 20007, "access_token revoked");
        assertError(refresh(app, g.get("refresh_token").asText()), 400, 20001, null);
        assertThat(ts.server().editTokens().validate(edit)).isEmpty();
        assertThat(f.get("/account/apps").body()).contains("You have not authorized any apps.");
        // revoked: the next authorize asks for consent again
        assertThat(f.get("/h5/auth?" + BrowserlessFlow.query(authParams(app.appId(), "user_basic", CB, null)))
                        .body())
                .contains("name=\"decision\"");
        // another user's grant cannot be revoked from this session
        String other = user();
        params(new BrowserlessFlow(ts.get()).authorize(authParams(app.appId(), "user_basic", CB, null), other, PW));
        String otherGrant = ts.adminOk("GET", "/grants?user_id=" + userId(other), null)
                .get("grants")
                .get(0)
                .get("grant_id")
                .asText();
        Map<String, String> steal = new LinkedHashMap<>(form);
        steal.put("grant_id", otherGrant);
        assertThat(f.post("/account/apps/revoke", steal).statusCode()).isEqualTo(400);
        assertThat(ts.adminOk("GET", "/grants?user_id=" + userId(other), null).get("grants"))
                .hasSize(1);
        // without a session the page is the login form
        assertThat(new BrowserlessFlow(ts.get()).get("/account/apps").body()).contains("name=\"password\"");
    }

    @Test
    void accountPageSignsInBackToItselfAndSignsOut() {
        String name = user();
        BrowserlessFlow f = new BrowserlessFlow(ts.get());
        HttpResponse<String> page = f.get("/account/apps");
        assertThat(page.body()).contains("name=\"password\"").contains("action=\"../h5/auth/login\"");
        assertThat(page.headers().firstValue("x-frame-options")).hasValue("DENY");
        Map<String, String> form = BrowserlessFlow.hidden(page.body());
        assertThat(form).doesNotContainKey("app_id");
        form.put("username", name);
        form.put("password", PW);
        HttpResponse<String> login = f.post("/h5/auth/login", form);
        assertThat(login.statusCode()).isEqualTo(303);
        assertThat(URI.create(ts.base() + "/h5/auth/login")
                        .resolve(login.headers().firstValue("location").orElseThrow())
                        .getPath())
                .isEqualTo("/account/apps");
        HttpResponse<String> apps = f.get("/account/apps");
        assertThat(apps.body()).contains("Authorized apps").contains("You have not authorized any apps.");
        Map<String, String> logout = BrowserlessFlow.hidden(apps.body());
        HttpResponse<String> noCsrf = f.post("/account/logout", Map.of());
        assertThat(noCsrf.statusCode()).isEqualTo(403);
        HttpResponse<String> out = f.post("/account/logout", logout);
        assertThat(out.statusCode()).isEqualTo(303);
        assertThat(f.cookies).doesNotContainKey("yd_session");
        assertThat(f.get("/account/apps").body()).contains("name=\"password\"");
    }

    @Test
    void adminGrantsApiListsAndRevokes() {
        App app = app();
        String name = user();
        JsonNode g = TestServer.json(exchange(app, code(app, name, "user_basic,access_personal_files")))
                .get("data");
        JsonNode grants =
                ts.adminOk("GET", "/grants?app_id=" + app.appId(), null).get("grants");
        assertThat(grants).hasSize(1);
        assertThat(grants.get(0).get("user_id").asText()).isEqualTo(userId(name));
        assertThat(grants.get(0).get("scopes").toString()).isEqualTo("[\"user_basic\",\"access_personal_files\"]");
        assertError(
                ts.send("GET", "/admin/v1/grants?user_id=nobody", null, "Authorization", "Bearer test-admin-token"),
                400,
                10001,
                null);
        assertError(ts.send("GET", "/admin/v1/grants", null), 401, 20007, null);
        assertError(
                ts.send("DELETE", "/admin/v1/grants/nope", null, "Authorization", "Bearer test-admin-token"),
                400,
                10001,
                null);
        ts.adminOk("DELETE", "/grants/" + grants.get(0).get("grant_id").asText(), null);
        assertError(userBasic(g.get("access_token").asText()), 401, 20007, "access_token revoked");
        assertThat(ts.adminOk("GET", "/grants?app_id=" + app.appId(), null).get("grants"))
                .isEmpty();
    }

    @Test
    void editTokensAreShortLivedHashedAndScoped() {
        App app = app();
        String name = user();
        JsonNode g = TestServer.json(exchange(app, code(app, name, "user_basic,access_personal_files")))
                .get("data");
        String at = g.get("access_token").asText();
        HttpResponse<String> r = ts.send("POST", "/api/v1/openapi/user/edit_token?access_token=" + at, null);
        assertThat(r.body())
                .matches("\\{\"code\":0,\"data\":\\{\"token\":\"ExchangeToken-[a-z]{48}\",\"timeout\":600000}}");
        String t1 = TestServer.json(r).get("data").get("token").asText();
        assertThat(ts.server().editTokens().validate(t1)).hasValue(userId(name));
        // the table holds hashes only
        long plain = ts.server()
                .database()
                .jdbi()
                .withHandle(h -> h.createQuery("SELECT COUNT(*) FROM edit_tokens WHERE token_hash = :t")
                        .bind("t", t1)
                        .mapTo(Long.class)
                        .one());
        assertThat(plain).isZero();
        String t2 = TestServer.json(ts.send(
                        "POST", "/api/v1/openapi/user/edit_token?access_token=" + at, "{\"token\":\"" + t1 + "\"}"))
                .get("data")
                .get("token")
                .asText();
        assertThat(ts.server().editTokens().validate(t1)).isEmpty();
        assertThat(ts.server().editTokens().validate(t2)).isPresent();
        assertThat(ts.send(
                                "POST",
                                "/api/v1/openapi/user/edit_token?access_token=" + at,
                                "{\"token\":\"ExchangeToken-unknown\"}")
                        .statusCode())
                .isEqualTo(200);
        ts.adminOk("POST", "/clock", "{\"advance_seconds\":600}");
        assertThat(ts.server().editTokens().validate(t2)).isEmpty();
        assertThat(ts.server().editTokens().validate(null)).isEmpty();

        // user_basic is required on both user endpoints
        String narrow = TestServer.json(exchange(app, code(app, user(), "access_personal_files")))
                .get("data")
                .get("access_token")
                .asText();
        assertError(userBasic(narrow), 403, 10003, "scope user_basic not granted");
        assertError(
                ts.send("POST", "/api/v1/openapi/user/edit_token?access_token=" + narrow, null),
                403,
                10003,
                "scope user_basic not granted");
        assertError(userBasic(""), 401, 20007, "access_token is required");
    }

    @Test
    void codesAndSessionsAreStoredHashed() {
        App app = app();
        String name = user();
        BrowserlessFlow f = new BrowserlessFlow(ts.get());
        String code = params(f.authorize(authParams(app.appId(), "user_basic", CB, null), name, PW))
                .get("code");
        long codes = ts.server()
                .database()
                .jdbi()
                .withHandle(h -> h.createQuery("SELECT COUNT(*) FROM auth_codes WHERE code_hash = :c")
                        .bind("c", code)
                        .mapTo(Long.class)
                        .one());
        long sessions = ts.server()
                .database()
                .jdbi()
                .withHandle(h -> h.createQuery("SELECT COUNT(*) FROM browser_sessions WHERE session_hash = :c")
                        .bind("c", f.cookies.get("yd_session"))
                        .mapTo(Long.class)
                        .one());
        assertThat(codes + sessions).isZero();
    }

    @Test
    void devAutoConsentSkipsLoginAndConsent() {
        String name = user();
        JsonNode d = ts.adminOk(
                "POST",
                "/apps",
                "{\"name\":\"auto\",\"tier\":\"test\",\"redirect_uris\":[\"" + CB + "\"],\"auto_consent_user\":\""
                        + userId(name) + "\"}");
        App app = new App(d.get("app_id").asText(), d.get("app_key").asText());
        HttpResponse<String> r = ts.send(
                "GET", "/h5/auth?" + BrowserlessFlow.query(authParams(app.appId(), "user_basic", CB, "q")), null);
        assertThat(r.statusCode()).isEqualTo(302);
        Map<String, String> q = params(r.headers().firstValue("location").orElseThrow());
        assertThat(q.get("state")).isEqualTo("q");
        JsonNode g = TestServer.json(exchange(app, q.get("code"))).get("data");
        assertThat(TestServer.json(userBasic(g.get("access_token").asText()))
                        .get("data")
                        .get("nickname")
                        .asText())
                .startsWith("Alice");
        // still validated first
        checkErrorPage(
                "/h5/auth?app_id=" + app.appId() + "&scope=user_basic&redirect_uri="
                        + BrowserlessFlow.enc("https://evil.example.com/"),
                400,
                20004);
    }

    @Test
    void concurrentExchangesOfOneCodeLetOneWinAndThenRevokeIt() throws Exception {
        App app = app();
        String code = code(app, user(), "user_basic");
        var pool = Executors.newFixedThreadPool(6);
        try {
            var futures = new ArrayList<Future<HttpResponse<String>>>();
            for (int i = 0; i < 6; i++) {
                futures.add(pool.submit(() -> exchange(app, code)));
            }
            String token = null;
            int won = 0;
            for (var f : futures) {
                HttpResponse<String> r = f.get();
                if (r.statusCode() == 200) {
                    won++;
                    token = TestServer.json(r).get("data").get("access_token").asText();
                } else {
                    assertError(r, 400, 20001, "code already used");
                }
            }
            assertThat(won).isEqualTo(1);
            assertError(userBasic(token), 401, 20007, "access_token revoked");
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void hostileInputIsEscapedOrRefused() {
        App app = app();
        user();
        BrowserlessFlow f = new BrowserlessFlow(ts.get());
        Map<String, String> p = authParams(app.appId(), "user_basic", CB, "\"><script>alert(1)</script>");
        p.put("header", "false");
        HttpResponse<String> page = f.get("/h5/auth?" + BrowserlessFlow.query(p));
        assertThat(page.body())
                .doesNotContain("<script>")
                .contains("&quot;&gt;&lt;script&gt;")
                .doesNotContain("class=\"top\"");
        assertThat(BrowserlessFlow.hidden(page.body()).get("state")).isEqualTo("\"><script>alert(1)</script>");
        // a malformed form body and an oversized one are refused with an error page, not a stack trace
        HttpResponse<String> bad = ts.send(
                "POST", "/h5/auth/login", "csrf=%zz&username=a", "Content-Type", "application/x-www-form-urlencoded");
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(bad.body()).contains("id=\"error-code\">10001<");
        HttpResponse<String> big = ts.send(
                "POST",
                "/h5/auth/consent",
                "a=" + "x".repeat(2 << 20),
                "Content-Type",
                "application/x-www-form-urlencoded");
        assertThat(big.statusCode()).isEqualTo(400);
        // an overlong user name is not looked up
        Map<String, String> form = BrowserlessFlow.hidden(page.body());
        form.put("username", "x".repeat(100));
        form.put("password", PW);
        assertThat(f.post("/h5/auth/login", form).statusCode()).isEqualTo(400);
        // codes, keys and tokens of absurd length are plain 20001 / 20002 / 20007
        assertError(exchange(app, "a".repeat(5000)), 400, 20001, null);
        assertError(
                ts.send("GET", "/api/v1/oauth2/access_token?code=x&app_id=" + "A".repeat(3000) + "&app_key=k", null),
                400,
                20002,
                null);
        assertError(refresh(app, "r".repeat(3000)), 400, 20001, null);
    }

    @Test
    void chineseByDefault() {
        App app = app();
        HttpResponse<String> r = ts.send(
                "GET",
                "/h5/auth?" + BrowserlessFlow.query(authParams(app.appId(), "user_basic", CB, null)),
                null,
                "Accept-Language",
                "zh-CN,zh;q=0.9");
        assertThat(r.body()).contains("登录").contains("用户名").contains("lang=\"zh-CN\"");
    }

    @Test
    void httpsPublicUrlMakesCookiesSecure() {
        try (TestServer https = new TestServer(b -> b.publicUrl("https://docs.example.com"))) {
            JsonNode d = https.adminOk(
                    "POST", "/apps", "{\"name\":\"s\",\"tier\":\"test\",\"redirect_uris\":[\"" + CB + "\"]}");
            HttpResponse<String> r = https.send(
                    "GET",
                    "/h5/auth?"
                            + BrowserlessFlow.query(authParams(d.get("app_id").asText(), "user_basic", CB, null)),
                    null);
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.headers().allValues("set-cookie"))
                    .anyMatch(c -> c.startsWith("__Host-yd_login=")
                            && c.contains("Secure")
                            && c.contains("HttpOnly")
                            && c.contains("SameSite=Lax"));
        }
    }
}
