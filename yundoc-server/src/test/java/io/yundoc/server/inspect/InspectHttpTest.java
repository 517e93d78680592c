package io.yundoc.server.inspect;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.yundoc.server.TestServer;
import io.yundoc.server.TestServerExtension;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The request journal and the inspector over HTTP: what a client sent and got is there with secrets masked, filters
 * and reset work, the inspector needs the admin token, and outside dev mode none of it exists.
 */
class InspectHttpTest {
    static final String ADMIN = "Bearer test-admin-token";

    /** One server for the dev-mode tests (each clears the journal first); the non-dev test starts its own. */
    @RegisterExtension
    static final TestServerExtension SERVER = TestServerExtension.embedded();

    static JsonNode journal(TestServer ts, String query) {
        return ts.adminOk("GET", "/requests" + query, null);
    }

    @Test
    void theJournalShowsCallsWithSecretsMasked() {
        TestServer ts = SERVER.get();
        TestServer.App app = ts.app("test");
        TestServer.User u = ts.user(app);
        ts.adminOk("DELETE", "/requests", null);
        ts.adminOk(
                "POST", "/users", "{\"name\":\"journal-user\",\"password\":\"PW-journal-secret\",\"nickname\":\"J\"}");
        ts.send("POST", "/api/v1/openapi/personal/files?access_token=" + u.token(), "{\"filename\":\"a.docx\"}");
        ts.send("GET", "/api/v1/openapi/personal/files?count=5", null, "Authorization", "Bearer " + u.token());
        ts.send("GET", "/api/v1/openapi/personal/files/NOPE/download?access_token=" + u.token(), null);
        byte[] up = TestServer.multipart("jB", "up.bin", "application/octet-stream", new byte[5000]);
        ts.sendBytes(
                "POST",
                "/api/v1/openapi/personal/files/upload?access_token=" + u.token(),
                up,
                "Content-Type",
                "multipart/form-data; boundary=jB");
        ts.signed(app, "GET", "/api/v1/openapi/appspace/files/nosuchfile", null, "application/json");

        JsonNode d = journal(ts, "");
        String all = d.toString();
        assertThat(all)
                .doesNotContain(u.token())
                .doesNotContain("PW-journal-secret")
                .doesNotContain(app.appKey())
                .doesNotContain("test-admin-token");
        assertThat(d.get("capacity").asInt()).isEqualTo(RequestJournal.DEFAULT_CAPACITY);
        JsonNode reqs = d.get("requests");
        // newest first: the signed call, with its app and a masked signature
        JsonNode signed = reqs.get(0);
        assertThat(signed.get("path").asText()).isEqualTo("/api/v1/openapi/appspace/files/nosuchfile");
        assertThat(signed.get("app_id").asText()).isEqualTo(app.appId());
        assertThat(signed.get("request_headers").get("Authorization").asText())
                .isEqualTo("WPS-2:" + app.appId() + ":***");

        JsonNode upload = find(reqs, "POST", "/api/v1/openapi/personal/files/upload");
        assertThat(upload.get("request_body").asText()).contains("streamed");
        assertThat(upload.get("user_id").asText()).isEqualTo(u.userId());
        assertThat(upload.get("code").asInt()).isZero();

        JsonNode create = find(reqs, "POST", "/api/v1/openapi/personal/files");
        assertThat(create.get("query").asText()).isEqualTo("access_token=***");
        assertThat(create.get("request_body").asText()).contains("a.docx");
        assertThat(create.get("response_body").asText()).contains("\"code\":0").contains("a.docx");
        assertThat(create.get("status").asInt()).isEqualTo(200);
        assertThat(create.get("duration_ms").asDouble()).isPositive();

        JsonNode missing = find(reqs, "GET", "/api/v1/openapi/personal/files/NOPE/download");
        assertThat(missing.get("status").asInt()).isEqualTo(404);
        assertThat(missing.get("code").asInt()).isEqualTo(30012);

        JsonNode admin = find(reqs, "POST", "/admin/v1/users");
        assertThat(admin.get("request_body").asText()).contains("journal-user").contains("\"password\":\"***\"");
        assertThat(admin.get("request_headers").get("Authorization").asText()).isEqualTo("Bearer ***");

        // filters
        assertThat(journal(ts, "?code=30012").get("requests")).hasSize(2);
        assertThat(journal(ts, "?method=post&path=/personal/files").get("requests"))
                .hasSize(2);
        assertThat(journal(ts, "?app_id=" + app.appId() + "&limit=1").get("requests"))
                .hasSize(1);
        assertThat(journal(ts, "?user_id=nobody").get("requests")).isEmpty();
        HttpResponse<String> bad = ts.send("GET", "/admin/v1/requests?status=abc", null, "Authorization", ADMIN);
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(TestServer.json(bad).get("code").asInt()).isEqualTo(10001);
        // reading the journal does not fill it; reset empties it
        int before = journal(ts, "").get("size").asInt();
        journal(ts, "");
        assertThat(journal(ts, "").get("size").asInt()).isEqualTo(before);
        ts.adminOk("DELETE", "/requests", null);
        assertThat(journal(ts, "").get("requests")).isEmpty();
        // the admin token is required
        assertThat(ts.send("GET", "/admin/v1/requests", null).statusCode()).isEqualTo(401);
        assertThat(ts.send("DELETE", "/admin/v1/requests", null, "Authorization", "Bearer wrong")
                        .statusCode())
                .isEqualTo(401);
    }

    static JsonNode find(JsonNode reqs, String method, String path) {
        for (JsonNode r : reqs) {
            if (r.get("method").asText().equals(method)
                    && r.get("path").asText().equals(path)) {
                return r;
            }
        }
        throw new AssertionError("no " + method + " " + path + " in " + reqs);
    }

    @Test
    void theJournalStaysBounded() {
        TestServer ts = SERVER.get();
        ts.adminOk("DELETE", "/requests", null);
        String longBody = "{\"filename\":\"" + "x".repeat(200_000) + ".docx\"}";
        for (int i = 0; i < RequestJournal.DEFAULT_CAPACITY + 20; i++) {
            ts.send(
                    i % 50 == 0 ? "POST" : "GET",
                    "/api/v1/openapi/personal/files?access_token=none",
                    i % 50 == 0 ? longBody : null);
        }
        JsonNode d = journal(ts, "?limit=100000");
        assertThat(d.get("size").asInt()).isEqualTo(RequestJournal.DEFAULT_CAPACITY);
        assertThat(d.get("dropped").asInt()).isEqualTo(20);
        assertThat(d.get("requests")).hasSize(RequestJournal.DEFAULT_CAPACITY);
        for (JsonNode r : d.get("requests")) {
            if (r.hasNonNull("request_body")) {
                assertThat(r.get("request_body").asText().getBytes(StandardCharsets.UTF_8).length)
                        .isLessThan(RequestJournal.DEFAULT_BODY_LIMIT + 64);
            }
        }
    }

    @Test
    void theInspectorNeedsTheAdminToken() {
        TestServer ts = SERVER.get();
        TestServer.App app = ts.app("test");
        TestServer.User u = ts.user(app);
        ts.send(
                "POST",
                "/api/v1/openapi/personal/files?access_token=" + u.token(),
                "{\"filename\":\"inspected.docx\"}");
        HttpResponse<String> anon = ts.send("GET", "/inspect", null);
        assertThat(anon.statusCode()).isEqualTo(200);
        assertThat(anon.body())
                .contains("id=\"inspect-login\"")
                .doesNotContain("inspected.docx")
                .doesNotContain(app.appId());
        assertThat(anon.headers().firstValue("Content-Security-Policy").orElseThrow())
                .contains("default-src 'none'");

        HttpResponse<String> withToken = ts.send("GET", "/inspect", null, "Authorization", ADMIN);
        assertThat(withToken.body())
                .contains("inspected.docx")
                .contains(app.appId())
                .contains(u.userId())
                .contains("/api/v1/openapi/personal/files")
                .doesNotContain(u.token());

        // the page's own sign-in: CSRF-checked, constant-time token comparison, then a cookie
        String pre = cookie(anon, "yd_inspect_login");
        String csrf = anon.body().replaceAll("(?s).*name=\"csrf\" value=\"([^\"]+)\".*", "$1");
        HttpResponse<String> wrong = ts.send(
                "POST",
                "/inspect/login",
                "csrf=" + csrf + "&token=nope",
                "Content-Type",
                "application/x-www-form-urlencoded",
                "Cookie",
                "yd_inspect_login=" + pre);
        assertThat(wrong.statusCode()).isEqualTo(401);
        HttpResponse<String> noCsrf = ts.send(
                "POST",
                "/inspect/login",
                "token=test-admin-token",
                "Content-Type",
                "application/x-www-form-urlencoded",
                "Cookie",
                "yd_inspect_login=" + pre);
        assertThat(noCsrf.statusCode()).isEqualTo(403);
        assertThat(noCsrf.headers().allValues("Set-Cookie")).noneMatch(c -> c.startsWith("yd_inspect="));
        HttpResponse<String> ok = ts.send(
                "POST",
                "/inspect/login",
                "csrf=" + csrf + "&token=test-admin-token",
                "Content-Type",
                "application/x-www-form-urlencoded",
                "Cookie",
                "yd_inspect_login=" + pre);
        assertThat(ok.statusCode()).isEqualTo(303);
        String session = cookie(ok, "yd_inspect");
        HttpResponse<String> page =
                ts.send("GET", "/inspect?path=personal&method=POST", null, "Cookie", "yd_inspect=" + session);
        assertThat(page.body()).contains("inspected.docx").contains("id=\"journal\"");
        assertThat(ts.send("GET", "/inspect", null, "Cookie", "yd_inspect=" + session + "x")
                        .body())
                .contains("id=\"inspect-login\"");
        // reset needs the page's token
        assertThat(ts.send(
                                "POST",
                                "/inspect/reset",
                                "csrf=wrong",
                                "Content-Type",
                                "application/x-www-form-urlencoded",
                                "Cookie",
                                "yd_inspect=" + session)
                        .statusCode())
                .isEqualTo(403);
        assertThat(journal(ts, "").get("size").asInt()).isPositive();
        String resetToken = page.body()
                .replaceAll(
                        "(?s).*action=\"/inspect/reset\"><input type=\"hidden\" name=\"csrf\" value=\"([^\"]+)\".*",
                        "$1");
        assertThat(ts.send(
                                "POST",
                                "/inspect/reset",
                                "csrf=" + resetToken,
                                "Content-Type",
                                "application/x-www-form-urlencoded",
                                "Cookie",
                                "yd_inspect=" + session)
                        .statusCode())
                .isEqualTo(303);
        assertThat(journal(ts, "").get("size").asInt()).isLessThanOrEqualTo(1);
    }

    static String cookie(HttpResponse<?> r, String name) {
        return r.headers().allValues("Set-Cookie").stream()
                .filter(v -> v.startsWith(name + "="))
                .map(v -> v.substring(name.length() + 1, v.indexOf(';') < 0 ? v.length() : v.indexOf(';')))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no cookie " + name));
    }

    @Test
    void outsideDevModeNoneOfItExists() {
        try (TestServer ts = new TestServer(b -> b.dev(false))) {
            TestServer.App app = ts.app("test");
            TestServer.User u = ts.user(app);
            ts.send("GET", "/api/v1/openapi/personal/files?access_token=" + u.token(), null);
            assertThat(ts.send("GET", "/admin/v1/requests", null, "Authorization", ADMIN)
                            .statusCode())
                    .isEqualTo(404);
            assertThat(ts.send("DELETE", "/admin/v1/requests", null, "Authorization", ADMIN)
                            .statusCode())
                    .isEqualTo(404);
            HttpResponse<String> page = ts.send("GET", "/inspect", null, "Authorization", ADMIN);
            assertThat(page.statusCode()).isEqualTo(404);
            assertThat(page.body()).doesNotContain(app.appId());
            assertThat(ts.send(
                                    "POST",
                                    "/inspect/login",
                                    "token=test-admin-token",
                                    "Content-Type",
                                    "application/x-www-form-urlencoded")
                            .statusCode())
                    .isEqualTo(404);
        }
    }
}
