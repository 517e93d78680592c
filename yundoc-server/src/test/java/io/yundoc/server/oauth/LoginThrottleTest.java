package io.yundoc.server.oauth;

import static io.yundoc.server.oauth.BrowserlessFlow.authParams;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.yundoc.server.TestServer;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Login failures (api.md §3.1, design.md --login-max-failures / --login-lockout): one message for unknown users and
 * wrong passwords, growing waits, then a lock-out per account and per client address. Each test has its own server,
 * since every request here comes from the same address.
 */
class LoginThrottleTest {
    static final String CB = "https://app.example.com/cb";
    static final String PW = "correct horse battery";
    static final String WRONG = "Wrong user name or password.";
    final List<TestServer> servers = new ArrayList<>();

    @AfterEach
    void stop() {
        servers.forEach(TestServer::close);
    }

    TestServer server() {
        TestServer ts = new TestServer();
        servers.add(ts);
        return ts;
    }

    static String app(TestServer ts) {
        return ts.adminOk("POST", "/apps", "{\"name\":\"demo\",\"tier\":\"test\",\"redirect_uris\":[\"" + CB + "\"]}")
                .get("app_id").asText();
    }

    static String user(TestServer ts, String name) {
        return ts.adminOk("POST", "/users", "{\"name\":\"" + name + "\",\"password\":\"" + PW + "\"}").get("user_id").asText();
    }

    static String userId(TestServer ts, String name) {
        for (JsonNode u : ts.adminOk("GET", "/users", null).get("users")) {
            if (u.get("name").asText().equals(name)) {
                return u.get("user_id").asText();
            }
        }
        throw new AssertionError("no user " + name);
    }

    static String errorText(String html) {
        int i = html.indexOf("id=\"error\"");
        return i < 0 ? null : html.substring(html.indexOf('>', i) + 1, html.indexOf("</p>", i));
    }

    static void advance(TestServer ts, long seconds) {
        ts.adminOk("POST", "/clock", "{\"advance_seconds\":" + seconds + "}");
    }

    @Test
    void wrongPasswordAndUnknownUserLookTheSameAndDisabledShowsOnlyAfterTheRightPassword() {
        TestServer ts = server();
        String appId = app(ts);
        String name = "alice";
        user(ts, name);
        Map<String, String> p = authParams(appId, "user_basic", CB, null);
        HttpResponse<String> wrong = new BrowserlessFlow(ts).login(p, name, "not the password");
        HttpResponse<String> unknown = new BrowserlessFlow(ts).login(p, "nobody-here", "not the password");
        assertThat(wrong.statusCode()).isEqualTo(401);
        assertThat(unknown.statusCode()).isEqualTo(401);
        assertThat(errorText(wrong.body())).isEqualTo(errorText(unknown.body())).isEqualTo("Wrong user name or password.");

        ts.adminOk("POST", "/users/" + userId(ts, name) + "/disable", null);
        assertThat(errorText(new BrowserlessFlow(ts).login(p, name, "not the password").body())).isEqualTo("Wrong user name or password.");
        advance(ts, 61); // past the growing wait of this address
        HttpResponse<String> right = new BrowserlessFlow(ts).login(p, name, PW);
        assertThat(right.statusCode()).isEqualTo(403);
        assertThat(right.body()).contains("id=\"error-code\">30007<");
        assertThat(right.headers().allValues("set-cookie")).noneMatch(c -> c.startsWith("yd_session="));
        ts.adminOk("POST", "/users/" + userId(ts, name) + "/enable", null);
    }

    @Test
    void twentyWrongPasswordsInARowLockTheAccountAndTheRightPasswordIsRefusedDuringTheLockOut() {
        TestServer ts = server();
        String appId = app(ts);
        user(ts, "bob");
        Map<String, String> p = authParams(appId, "user_basic", CB, null);
        List<String> messages = new ArrayList<>();
        for (int i = 1; i <= 20; i++) {
            advance(ts, 61); // past any growing wait, so every attempt is really checked until the lock-out
            HttpResponse<String> r = new BrowserlessFlow(ts).login(p, "bob", "wrong password " + i);
            messages.add(r.statusCode() + " " + errorText(r.body()));
        }
        String locked = "429 Too many failed sign-ins: sign-in is locked for now\\. Try again in \\d+ minutes?\\.";
        for (int i = 0; i < 20; i++) {
            if (i < 10) {
                assertThat(messages.get(i)).as("attempt " + (i + 1)).isEqualTo("401 " + WRONG);
            } else {
                assertThat(messages.get(i)).as("attempt " + (i + 1)).matches(locked);
            }
        }
        HttpResponse<String> right = new BrowserlessFlow(ts).login(p, "bob", PW);
        assertThat(right.statusCode()).isEqualTo(429);
        assertThat(right.headers().firstValue("retry-after")).isPresent();
        assertThat(right.headers().allValues("set-cookie")).noneMatch(c -> c.startsWith("yd_session="));
        assertThat(errorText(right.body())).contains("locked");
        advance(ts, 15 * 60);
        HttpResponse<String> after = new BrowserlessFlow(ts).login(p, "bob", PW);
        assertThat(after.statusCode()).as(after.body()).isEqualTo(303);
    }

    @Test
    void anUnknownNameIsLockedOutExactlyLikeAKnownOne() {
        TestServer ts = server();
        String appId = app(ts);
        Map<String, String> p = authParams(appId, "user_basic", CB, null);
        HttpResponse<String> last = null;
        for (int i = 0; i < 11; i++) {
            advance(ts, 61);
            last = new BrowserlessFlow(ts).login(p, "ghost", "pw" + i);
        }
        assertThat(last.statusCode()).isEqualTo(429);
        assertThat(errorText(last.body())).matches("Too many failed sign-ins: sign-in is locked for now\\. Try again in 1[45] minutes\\.");
    }

    @Test
    void waitsGrowBeforeTheLockOut() {
        TestServer ts = server();
        String appId = app(ts);
        user(ts, "carol");
        Map<String, String> p = authParams(appId, "user_basic", CB, null);
        for (int i = 0; i < 3; i++) {
            assertThat(new BrowserlessFlow(ts).login(p, "carol", "nope").statusCode()).isEqualTo(401);
        }
        HttpResponse<String> wait1 = new BrowserlessFlow(ts).login(p, "carol", PW);
        assertThat(wait1.statusCode()).isEqualTo(429);
        assertThat(errorText(wait1.body())).isEqualTo("Too many attempts. Try again in 1 second.");
        advance(ts, 1);
        assertThat(new BrowserlessFlow(ts).login(p, "carol", "nope").statusCode()).isEqualTo(401);
        assertThat(errorText(new BrowserlessFlow(ts).login(p, "carol", PW).body())).isEqualTo("Too many attempts. Try again in 2 seconds.");
        advance(ts, 2);
        // the right password after the wait signs in and clears the account's count
        assertThat(new BrowserlessFlow(ts).login(p, "carol", PW).statusCode()).isEqualTo(303);
    }

    @Test
    void oneAddressTryingManyNamesIsLockedOutToo() {
        TestServer ts = server();
        String appId = app(ts);
        user(ts, "dave");
        Map<String, String> p = authParams(appId, "user_basic", CB, null);
        for (int i = 0; i < 10; i++) {
            advance(ts, 61);
            assertThat(new BrowserlessFlow(ts).login(p, "name" + i, "pw").statusCode()).isEqualTo(401);
        }
        HttpResponse<String> r = new BrowserlessFlow(ts).login(p, "dave", PW);
        assertThat(r.statusCode()).isEqualTo(429);
        assertThat(errorText(r.body())).contains("locked");
    }
}
