package io.yundoc.server.files;

import static io.yundoc.server.files.DriveFixture.id;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.yundoc.server.TestServer;
import io.yundoc.server.TestServerExtension;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Share-link lifecycle (api.md §5.7): members, DELETE, reset, close, periods, member visibility, the public page. */
class PersonalLinksTest {
    @RegisterExtension
    static final TestServerExtension ts = TestServerExtension.embedded();

    static DriveFixture d;
    static TestServer.App app;

    @BeforeAll
    static void start() {
        d = new DriveFixture(ts.get());
        app = ts.app("test");
    }

    static String unionId(TestServer.User u) {
        return ts.get().unionId(u);
    }

    int page(String sid) {
        return ts.send("GET", "/l/" + sid, null).statusCode();
    }

    @Test
    void periodsResetCloseAndDelete() {
        TestServer.User u = ts.user(app);
        JsonNode f = d.upload(u, "share.txt", "hello", "path_from_root", "true");
        String links = "/files/" + id(f) + "/links";
        assertThat(d.code(u, "GET", links, null)).isEqualTo(30014);
        assertThat(d.code(u, "DELETE", links, null)).isEqualTo(30014);
        long now = ts.server().clock().epochSeconds();
        JsonNode l = d.ok(
                u,
                "POST",
                links,
                "{\"range\":\"anyone\",\"permission\":\"read\",\"period\":7,\"ext_perm_list\":[\"comment\"]}");
        assertThat(l.fieldNames())
                .toIterable()
                .containsExactly("expire_time", "ext_perm_list", "link_permission", "link_url", "sid", "filename");
        assertThat(l.get("expire_time").asLong()).isBetween(now + 7 * 86400, now + 7 * 86400 + 5);
        String sid = l.get("sid").asText();
        assertThat(sid).matches("[A-Za-z0-9]{12}");
        assertThat(page(sid)).isEqualTo(200);
        assertThat(d.ok(u, "POST", links, "{\"range\":\"anyone\",\"permission\":\"write\",\"period\":30}")
                        .get("expire_time")
                        .asLong())
                .isGreaterThan(now + 29 * 86400);
        assertThat(d.ok(u, "POST", links, "{\"range\":\"anyone\",\"permission\":\"write\",\"period\":0}")
                        .get("expire_time")
                        .asLong())
                .isZero();
        for (String bad : new String[] {
            "{\"range\":\"anyone\",\"permission\":\"read\",\"period\":3}",
            "{\"range\":\"all\",\"permission\":\"read\"}",
            "{\"range\":\"anyone\",\"permission\":\"admin\"}",
            "{\"range\":\"anyone\"",
            "{\"range\":\"anyone\",\"permission\":\"read\",\"status\":\"x\"}"
        }) {
            assertThat(d.code(u, "POST", links, bad)).as(bad).isEqualTo(10001);
        }
        // reset: old sid dies at once
        String newSid = d.ok(u, "POST", links, "{\"range\":\"anyone\",\"permission\":\"read\",\"reset\":true}")
                .get("sid")
                .asText();
        assertThat(newSid).isNotEqualTo(sid);
        assertThat(page(sid)).isEqualTo(404);
        assertThat(page(newSid)).isEqualTo(200);
        // close: members only, the public page is 404; GET still shows it to the owner
        d.ok(u, "POST", links, "{\"range\":\"anyone\",\"permission\":\"read\",\"status\":\"close\"}");
        assertThat(page(newSid)).isEqualTo(404);
        assertThat(d.ok(u, "GET", links, null).get("sid").asText()).isEqualTo(newSid);
        d.ok(u, "POST", links, "{\"range\":\"anyone\",\"permission\":\"read\",\"status\":\"open\"}");
        assertThat(page(newSid)).isEqualTo(200);
        // deleted file: page 404; recovered: works again
        d.ok(u, "DELETE", "/files/" + id(f), null);
        assertThat(page(newSid)).isEqualTo(404);
        d.ok(u, "POST", "/recycles/recover", "{\"file_tokens\":[\"" + id(f) + "\"]}");
        assertThat(page(newSid)).isEqualTo(200);
        // DELETE: gone for good, a later POST makes a new sid
        assertThat(d.ok(u, "DELETE", links, null).toString()).isEqualTo("{}");
        assertThat(d.code(u, "GET", links, null)).isEqualTo(30014);
        assertThat(page(newSid)).isEqualTo(404);
        assertThat(d.ok(u, "POST", links, "{\"range\":\"anyone\",\"permission\":\"read\"}")
                        .get("sid")
                        .asText())
                .isNotEqualTo(newSid);
        // expired by the clock
        d.ok(u, "POST", links, "{\"range\":\"anyone\",\"permission\":\"read\",\"period\":7}");
        String sid3 = d.ok(u, "GET", links, null).get("sid").asText();
        assertThat(page(sid3)).isEqualTo(200);
        ts.adminOk("POST", "/clock", "{\"advance_seconds\":" + (8 * 86400) + "}");
        assertThat(page(sid3)).isEqualTo(404);
        // folders cannot be shared (a fresh user: the clock move expired u's token)
        u = ts.user(app);
        String dir = d.folder(u, "nofolders");
        assertThat(d.code(u, "POST", "/files/" + dir + "/links", "{\"range\":\"anyone\",\"permission\":\"read\"}"))
                .isEqualTo(10001);
    }

    @Test
    void membersSeeButCannotChange() {
        TestServer.User owner = ts.user(app);
        TestServer.User member = ts.user(app);
        TestServer.User stranger = ts.user(app);
        JsonNode f = d.upload(owner, "team.txt", "team data", "path_from_root", "true");
        String base = "/files/" + id(f) + "/links";
        // no link yet → 30014 (after the owner check)
        assertThat(d.code(owner, "PUT", base + "/members/" + unionId(member), "{\"permission\":\"read\"}"))
                .isEqualTo(30014);
        assertThat(d.code(stranger, "PUT", base + "/members/" + unionId(member), "{\"permission\":\"read\"}"))
                .isEqualTo(10003);
        d.ok(owner, "POST", base, "{\"range\":\"anyone\",\"permission\":\"read\",\"status\":\"close\"}");
        assertThat(d.code(member, "GET", base, null)).isEqualTo(30012);
        assertThat(d.code(owner, "PUT", base + "/members/nobody", "{\"permission\":\"read\"}"))
                .isEqualTo(10001);
        assertThat(d.code(owner, "PUT", base + "/members/" + unionId(owner), "{\"permission\":\"read\"}"))
                .isEqualTo(10001);
        assertThat(d.code(owner, "PUT", base + "/members/" + unionId(member), "{\"permission\":\"owner\"}"))
                .isEqualTo(10001);
        assertThat(d.code(owner, "PUT", base + "/members/" + unionId(member), "{}"))
                .isEqualTo(10001);
        assertThat(d.code(owner, "PUT", "/files/unknown/links/members/" + unionId(member), "{\"permission\":\"read\"}"))
                .isEqualTo(30012);
        // the docs' misspellings: path "memeber", field "permisssion"
        assertThat(d.ok(owner, "PUT", base + "/memeber/" + unionId(member), "{\"permisssion\":\"write\"}")
                        .toString())
                .isEqualTo("{}");
        assertThat(d.ok(member, "GET", base, null).get("filename").asText()).isEqualTo("team.txt");
        assertThat(d.ok(member, "GET", "/files/" + id(f) + "/download", null)
                        .get("fsize")
                        .asLong())
                .isEqualTo(9);
        // owner-only operations → 10003 for the member, 30012/10003 for strangers as documented
        assertThat(d.code(member, "POST", base, "{\"range\":\"anyone\",\"permission\":\"read\"}"))
                .isEqualTo(10003);
        assertThat(d.code(member, "DELETE", base, null)).isEqualTo(10003);
        assertThat(d.code(member, "PUT", "/files/" + id(f) + "/name", "{\"new_name\":\"x.txt\"}"))
                .isEqualTo(10003);
        assertThat(d.code(member, "DELETE", "/files/" + id(f), null)).isEqualTo(10003);
        assertThat(d.code(stranger, "GET", base, null)).isEqualTo(30012);
        assertThat(d.code(stranger, "DELETE", base, null)).isEqualTo(10003);
        // the closed link's page is 404 to everyone
        assertThat(page(d.ok(owner, "GET", base, null).get("sid").asText())).isEqualTo(404);
        // DELETE drops the members too
        d.ok(owner, "DELETE", base, null);
        assertThat(d.code(member, "GET", "/files/" + id(f) + "/download", null)).isEqualTo(30012);
    }
}
