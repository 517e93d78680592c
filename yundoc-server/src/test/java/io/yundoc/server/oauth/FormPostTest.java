package io.yundoc.server.oauth;

import static org.assertj.core.api.Assertions.assertThat;

import io.yundoc.server.TestServer;
import io.yundoc.server.TestServerExtension;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The posted forms of the OAuth pages as Helidon's form reader (web/FormBody) decodes them: what a browser sends
 * works, every other body is a 400 error page with 10001, never a stack trace, and nothing is signed in.
 */
class FormPostTest {
    static final String CB = "https://app.example.com/cb";
    static final String PW = "correct horse battery";

    @RegisterExtension
    static final TestServerExtension SERVER = TestServerExtension.embedded();

    static TestServer ts;

    @BeforeAll
    static void start() {
        ts = SERVER.get();
        ts.adminOk("POST", "/users", "{\"name\":\"bob\",\"password\":\"" + PW + "\",\"nickname\":\"Bob\"}");
    }

    /** A fresh login page's hidden fields (its CSRF token is bound to the flow's login cookie). */
    private static Map<String, String> loginForm(BrowserlessFlow f) {
        HttpResponse<String> page = f.get("/account/apps");
        assertThat(page.body()).contains("name=\"password\"");
        return BrowserlessFlow.hidden(page.body());
    }

    private static void assertFormRefused(HttpResponse<String> r) {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
        assertThat(r.headers().firstValue("content-type").orElseThrow()).startsWith("text/html");
        assertThat(r.body())
                .contains("id=\"error-code\">10001<")
                .doesNotContain("Exception")
                .doesNotContain("at io.");
        assertThat(r.headers().allValues("set-cookie"))
                .noneMatch(c -> c.contains("yd_session=") && !c.contains("Max-Age=0"));
    }

    @Test
    void aBrowsersFormSignsInAndTheFirstOfARepeatedNameCounts() {
        BrowserlessFlow f = new BrowserlessFlow(ts);
        Map<String, String> form = loginForm(f);
        String body = BrowserlessFlow.query(form) + "&username=bob&password=" + BrowserlessFlow.enc(PW)
                + "&username=mallory&password=wrong";
        HttpResponse<String> r = ts.send(
                "POST",
                "/h5/auth/login",
                body,
                "Content-Type",
                "application/x-www-form-urlencoded; charset=UTF-8",
                "Cookie",
                "yd_login=" + f.cookies.get("yd_login"),
                "Accept-Language",
                "en");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(303);
        assertThat(r.headers().allValues("set-cookie")).anyMatch(c -> c.startsWith("yd_session="));
        // '+' is a space and %-escapes are UTF-8, as browsers encode them: the name "b o b" is not bob
        BrowserlessFlow g = new BrowserlessFlow(ts);
        Map<String, String> again = loginForm(g);
        HttpResponse<String> spaced = ts.send(
                "POST",
                "/h5/auth/login",
                BrowserlessFlow.query(again) + "&username=b+o+b&password=" + BrowserlessFlow.enc(PW),
                "Content-Type",
                "application/x-www-form-urlencoded",
                "Cookie",
                "yd_login=" + g.cookies.get("yd_login"),
                "Accept-Language",
                "en");
        assertThat(spaced.statusCode()).isEqualTo(401);
        assertThat(spaced.body()).contains("value=\"b o b\"");
    }

    @Test
    void bodiesThatAreNotAFormAreRefused() {
        BrowserlessFlow f = new BrowserlessFlow(ts);
        Map<String, String> form = loginForm(f);
        String good = BrowserlessFlow.query(form) + "&username=bob&password=" + BrowserlessFlow.enc(PW);
        String cookie = "yd_login=" + f.cookies.get("yd_login");
        // a well-formed form under another type: text/plain (which Helidon would read line by line), multipart, JSON
        for (String type : new String[] {"text/plain", "multipart/form-data; boundary=x", "application/json"}) {
            assertFormRefused(ts.send("POST", "/h5/auth/login", good, "Content-Type", type, "Cookie", cookie));
        }
        // an unknown charset, a broken %-escape, a lone '%'
        assertFormRefused(ts.send(
                "POST",
                "/h5/auth/login",
                good,
                "Content-Type",
                "application/x-www-form-urlencoded; charset=x-no-such",
                "Cookie",
                cookie));
        assertFormRefused(ts.send(
                "POST",
                "/h5/auth/login",
                good + "&x=%zz",
                "Content-Type",
                "application/x-www-form-urlencoded",
                "Cookie",
                cookie));
        assertFormRefused(ts.send(
                "POST",
                "/h5/auth/login",
                good + "&x=%",
                "Content-Type",
                "application/x-www-form-urlencoded",
                "Cookie",
                cookie));
        // the body limit of every call (1 MiB) holds for forms: one byte over is refused before it is parsed
        String padded = good + "&pad=" + "x".repeat((1 << 20) - good.length() - 5);
        assertThat(padded.length()).isEqualTo(1 << 20);
        assertFormRefused(ts.send(
                "POST",
                "/h5/auth/login",
                padded + "x",
                "Content-Type",
                "application/x-www-form-urlencoded",
                "Cookie",
                cookie));
        // the same form exactly at the limit is read (and signs in)
        HttpResponse<String> atLimit = ts.send(
                "POST",
                "/h5/auth/login",
                padded,
                "Content-Type",
                "application/x-www-form-urlencoded",
                "Cookie",
                cookie);
        assertThat(atLimit.statusCode()).as(atLimit.body()).isEqualTo(303);
    }

    @Test
    void theAccountFormsReadTheirFieldsTheSameWay() {
        BrowserlessFlow f = new BrowserlessFlow(ts);
        Map<String, String> form = loginForm(f);
        form.put("username", "bob");
        form.put("password", PW);
        assertThat(f.post("/h5/auth/login", form).statusCode()).isEqualTo(303);
        HttpResponse<String> apps = f.get("/account/apps");
        Map<String, String> logout = BrowserlessFlow.hidden(apps.body());
        // a revoke of a grant that is not there: the form is read, the CSRF token checked, then refused as 10001
        logout.put("grant_id", "no-such-grant");
        HttpResponse<String> revoke = f.post("/account/apps/revoke", logout);
        assertThat(revoke.statusCode()).isEqualTo(400);
        assertThat(revoke.body()).contains("id=\"error-hint\">no such authorization<");
        // the logout form, with its token sent twice (the first counts), ends the session
        HttpResponse<String> out = ts.send(
                "POST",
                "/account/logout",
                "csrf=" + BrowserlessFlow.enc(logout.get("csrf")) + "&csrf=forged",
                "Content-Type",
                "application/x-www-form-urlencoded",
                "Cookie",
                "yd_session=" + f.cookies.get("yd_session"));
        assertThat(out.statusCode()).as(out.body()).isEqualTo(303);
        assertThat(f.get("/account/apps").body()).contains("name=\"password\"");
    }
}
