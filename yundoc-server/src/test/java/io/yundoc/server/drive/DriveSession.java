package io.yundoc.server.drive;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.yundoc.server.TestServer;
import io.yundoc.server.TextResponse;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A person signed in to the web drive over plain HTTP: the session cookie and the page's CSRF token. */
record DriveSession(TestServer ts, String userId, String unionId, String cookie, String csrf) {
    private static final Pattern CSRF_FIELD = Pattern.compile("name=\"csrf\" value=\"([^\"]+)\"");
    private static final Pattern DATA_CSRF = Pattern.compile("data-csrf=\"([^\"]+)\"");

    /** Creates the user, signs in through the login page (as a browser would) and reads the drive's CSRF token. */
    static DriveSession signIn(TestServer ts, String name, String password) {
        JsonNode u = ts.adminOk(
                "POST",
                "/users",
                "{\"name\":\"" + name + "\",\"password\":\"" + password + "\",\"nickname\":\"" + name + "\"}");
        HttpResponse<String> login = ts.send("GET", "/drive", null);
        assertThat(login.statusCode()).isEqualTo(200);
        assertThat(login.body()).contains("name=\"next\" value=\"drive\"").contains("action=\"h5/auth/login\"");
        String preCookie = cookie(login, "yd_login");
        Matcher m = CSRF_FIELD.matcher(login.body());
        assertThat(m.find()).isTrue();
        HttpResponse<String> posted = ts.send(
                "POST",
                "/h5/auth/login",
                "csrf=" + enc(m.group(1)) + "&next=drive&username=" + enc(name) + "&password=" + enc(password),
                "Content-Type",
                "application/x-www-form-urlencoded",
                "Cookie",
                "yd_login=" + preCookie);
        assertThat(posted.statusCode()).as(posted.body()).isEqualTo(303);
        assertThat(posted.headers().firstValue("Location")).hasValue("../../drive");
        String session = cookie(posted, "yd_session");
        HttpResponse<String> page = ts.send("GET", "/drive", null, "Cookie", "yd_session=" + session);
        assertThat(page.statusCode()).isEqualTo(200);
        Matcher c = DATA_CSRF.matcher(page.body());
        assertThat(c.find()).as(page.body()).isTrue();
        return new DriveSession(
                ts, u.get("user_id").asText(), u.get("union_id").asText(), "yd_session=" + session, c.group(1));
    }

    static String cookie(HttpResponse<?> r, String name) {
        return r.headers().allValues("Set-Cookie").stream()
                .filter(v -> v.startsWith(name + "="))
                .map(v -> v.substring(name.length() + 1, v.indexOf(';') < 0 ? v.length() : v.indexOf(';')))
                .findFirst()
                .orElseThrow(() -> new AssertionError(
                        "no cookie " + name + " in " + r.headers().map()));
    }

    static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    HttpResponse<String> get(String path) {
        return ts.send("GET", path, null, "Cookie", cookie);
    }

    /** A drive form post with this session's CSRF token; {@code fields} are name, value pairs. */
    HttpResponse<String> action(String... fields) {
        return actionWith(csrf, fields);
    }

    HttpResponse<String> actionWith(String token, String... fields) {
        StringBuilder b = new StringBuilder();
        if (token != null) {
            b.append("csrf=").append(enc(token));
        }
        for (int i = 0; i + 1 < fields.length; i += 2) {
            b.append(b.isEmpty() ? "" : "&").append(enc(fields[i])).append('=').append(enc(fields[i + 1]));
        }
        return ts.send(
                "POST",
                "/drive/action",
                b.toString(),
                "Content-Type",
                "application/x-www-form-urlencoded",
                "Cookie",
                cookie);
    }

    /** One file through the upload script's route. */
    HttpResponse<String> upload(String folder, String name, byte[] content, String token) {
        byte[] body = TestServer.multipart("dRvB", name, "application/octet-stream", content);
        String[] headers = token == null
                ? new String[] {"Content-Type", "multipart/form-data; boundary=dRvB", "Cookie", cookie}
                : new String[] {
                    "Content-Type", "multipart/form-data; boundary=dRvB", "Cookie", cookie, "X-CSRF-Token", token
                };
        HttpResponse<byte[]> r =
                ts.sendBytes("POST", "/drive/upload" + (folder == null ? "" : "?folder=" + folder), body, headers);
        return new TextResponse(r);
    }
}
