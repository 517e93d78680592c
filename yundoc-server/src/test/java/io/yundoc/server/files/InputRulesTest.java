package io.yundoc.server.files;

import static io.yundoc.server.files.DriveFixture.id;
import static io.yundoc.server.files.DriveFixture.names;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.yundoc.server.TestServer;
import io.yundoc.server.TestServerExtension;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Input rules (issue 13 item 9): names holding controls or bidirectional formatting characters are refused wherever
 * names enter; JSON bodies with duplicate keys or data after the value are refused; folders nest at most 64 levels.
 * Every refusal is 10001 and leaves nothing behind.
 */
class InputRulesTest {
    @RegisterExtension
    static final TestServerExtension ts = TestServerExtension.embedded();

    static DriveFixture d;
    static TestServer.App app;

    /** C0, DEL, C1, and the bidi embeddings/overrides/isolates, each as a JSON string escape. */
    static final List<String> FORBIDDEN =
            List.of("\\u0001", "\\u001f", "\\u007f", "\\u0085", "\\u009b", "\\u202a", "\\u202e", "\\u2066", "\\u2069");

    @BeforeAll
    static void start() {
        d = new DriveFixture(ts.get());
        app = ts.app("test");
    }

    static JsonNode admin(String method, String path, String body) {
        return TestServer.json(ts.send(method, "/admin/v1" + path, body, "Authorization", "Bearer test-admin-token"));
    }

    @Test
    void fileAndFolderNamesWithControlsOrBidiAreRefused() throws Exception {
        TestServer.User u = ts.user(app);
        JsonNode keep = d.upload(u, "keep.txt", "x", "path_from_root", "true");
        for (String c : FORBIDDEN) {
            String label = "character " + c;
            assertThat(d.code(u, "POST", "/files", "{\"filename\":\"a" + c + "b.docx\",\"path_from_root\":true}"))
                    .as("create, " + label)
                    .isEqualTo(10001);
            assertThat(d.code(u, "PUT", "/files/" + id(keep) + "/name", "{\"name\":\"ke" + c + "ep.txt\"}"))
                    .as("rename, " + label)
                    .isEqualTo(10001);
            assertThat(d.code(
                            u,
                            "POST",
                            "/files",
                            "{\"filename\":\"ok.docx\",\"path_from_root\":true," + "\"parent_path\":[\"dir" + c
                                    + "\"]}"))
                    .as("parent_path, " + label)
                    .isEqualTo(10001);
            // the upload's file name comes from a multipart header, not JSON: send the raw character
            String raw = TestServer.JSON.readTree("\"x" + c + "y.txt\"").asText();
            assertThat(d.uploadCode(u, raw, "path_from_root", "true"))
                    .as("upload, " + label)
                    .isEqualTo(10001);
            String appSpace = "{\"filename\":\"a" + c + "b.docx\"}";
            HttpResponse<String> r = ts.signed(
                    app,
                    "POST",
                    "/api/v1/openapi/appspace/files",
                    appSpace.getBytes(StandardCharsets.UTF_8),
                    "application/json");
            assertThat(TestServer.json(r).get("code").asInt())
                    .as("app space create, " + label + ": " + r.body())
                    .isEqualTo(10001);
        }
        // nothing of the refused names was stored; the kept file kept its name
        assertThat(names(d.ok(u, "GET", "/files?parent_id=0", null).get("files")))
                .containsExactly("keep.txt");
        // ordinary non-ASCII names (and the invisible U+200B, which does not reorder text) are still fine
        assertThat(d.ok(u, "POST", "/files", "{\"filename\":\"文字文稿 ü\\u200b.docx\",\"path_from_root\":true}")
                        .get("fname")
                        .asText())
                .isEqualTo("文字文稿 ü\u200b.docx");
    }

    @Test
    void appAndUserNamesWithControlsOrBidiAreRefused() {
        for (String c : FORBIDDEN) {
            assertThat(admin("POST", "/apps", "{\"name\":\"app" + c + "\",\"tier\":\"test\"}")
                            .get("code")
                            .asInt())
                    .as("app name " + c)
                    .isEqualTo(10001);
            assertThat(admin("POST", "/users", "{\"name\":\"user" + c + "\",\"password\":\"password-123\"}")
                            .get("code")
                            .asInt())
                    .as("user name " + c)
                    .isEqualTo(10001);
            assertThat(admin(
                                    "POST",
                                    "/users",
                                    "{\"name\":\"plainuser\",\"password\":\"password-123\",\"nickname\":\"Ni" + c
                                            + "ck\"}")
                            .get("code")
                            .asInt())
                    .as("nickname " + c)
                    .isEqualTo(10001);
            assertThat(admin("PATCH", "/apps/" + app.appId(), "{\"name\":\"re" + c + "named\"}")
                            .get("code")
                            .asInt())
                    .as("app rename " + c)
                    .isEqualTo(10001);
            assertThat(admin(
                                    "POST",
                                    "/fixtures",
                                    "{\"users\":[{\"user_id\":\"fixtureuser\",\"name\":\"fx" + c
                                            + "\",\"password\":\"password-123\"}]}")
                            .get("code")
                            .asInt())
                    .as("fixture user " + c)
                    .isEqualTo(10001);
            assertThat(admin(
                                    "POST",
                                    "/fixtures",
                                    "{\"apps\":[{\"app_id\":\"FIXTUREAPP01\",\"name\":\"fx" + c
                                            + "\",\"tier\":\"test\"}]}")
                            .get("code")
                            .asInt())
                    .as("fixture app " + c)
                    .isEqualTo(10001);
        }
        // a leading control is refused too, not stripped away as if it were white space
        assertThat(admin("POST", "/users", "{\"name\":\"\\u0009tabbed\",\"password\":\"password-123\"}")
                        .get("code")
                        .asInt())
                .isEqualTo(10001);
        // none of them exists now: the plain user name and the fixture ids are still free
        assertThat(admin("POST", "/users", "{\"name\":\"plainuser\",\"password\":\"password-123\"}")
                        .get("code")
                        .asInt())
                .isZero();
        assertThat(admin(
                                "POST",
                                "/fixtures",
                                "{\"users\":[{\"user_id\":\"fixtureuser\",\"name\":\"fx\","
                                        + "\"password\":\"password-123\"}]}")
                        .get("code")
                        .asInt())
                .isZero();
        assertThat(admin("GET", "/apps/" + app.appId(), null)
                        .get("data")
                        .get("name")
                        .asText())
                .isEqualTo("test app");
    }

    @Test
    void jsonWithDuplicateKeysOrTrailingDataIsRefused() {
        TestServer.User u = ts.user(app);
        int before = d.ok(u, "GET", "/files?parent_id=0", null).get("files").size();
        for (String body : List.of(
                "{\"filename\":\"dup1.docx\",\"filename\":\"dup2.docx\",\"path_from_root\":true}",
                "{\"filename\":\"t1.docx\",\"path_from_root\":true} {\"filename\":\"t2.docx\"}",
                "{\"filename\":\"t3.docx\",\"path_from_root\":true}]",
                "{\"filename\":\"t4.docx\",\"path_from_root\":true} garbage",
                "{\"filename\":\"t5.docx\",\"path_from_root\":true,\"parent_path\":[\"a\"],\"parent_path\":[\"b\"]}")) {
            JsonNode n = d.call(u, "POST", "/files", body);
            assertThat(n.get("code").asInt()).as(body + " → " + n).isEqualTo(10001);
        }
        JsonNode dup = d.call(u, "POST", "/files", "{\"filename\":\"d.docx\",\"filename\":\"e.docx\"}");
        assertThat(dup.get("hint").asText()).isEqualTo("body has a duplicate key");
        JsonNode trailing = d.call(u, "POST", "/files", "{\"filename\":\"d.docx\"} {}");
        assertThat(trailing.get("hint").asText()).isEqualTo("body has data after the JSON value");
        // the admin API reads bodies the same way
        assertThat(admin("POST", "/users", "{\"name\":\"dupuser\",\"name\":\"other\",\"password\":\"password-123\"}")
                        .get("code")
                        .asInt())
                .isEqualTo(10001);
        // nothing was created; white space after the value is still fine
        assertThat(d.ok(u, "GET", "/files?parent_id=0", null).get("files").size())
                .isEqualTo(before);
        assertThat(d.code(u, "POST", "/files", "{\"filename\":\"ws.docx\",\"path_from_root\":true}\r\n \t"))
                .isZero();
    }

    static String path(String prefix, int levels) {
        List<String> segs = new ArrayList<>();
        for (int i = 1; i <= levels; i++) {
            segs.add("\"" + prefix + i + "\"");
        }
        return "[" + String.join(",", segs) + "]";
    }

    /** Fixture documents obey the same cap: a 65-level chain of folders is refused whole. */
    @Test
    void fixtureFoldersAreCappedAt64Levels() {
        String owner = admin("POST", "/users", "{\"name\":\"deepfixture\",\"password\":\"password-123\"}")
                .get("data")
                .get("user_id")
                .asText();
        assertThat(admin("POST", "/fixtures", folderChain(owner, "fxa", 64))
                        .get("code")
                        .asInt())
                .isZero();
        JsonNode refused = admin("POST", "/fixtures", folderChain(owner, "fxb", 65));
        assertThat(refused.get("code").asInt()).as(refused.toString()).isEqualTo(10001);
        // all or nothing: not even the first folder of the refused chain exists
        assertThat(admin("POST", "/fixtures", folderChain(owner, "fxb", 1))
                        .get("code")
                        .asInt())
                .isZero();
        // a name already in the folder refuses the document with 10001, not the unique index's 30004
        JsonNode clash =
                admin("POST", "/fixtures", folderChain(owner, "fxb", 1).replace("\"id\":\"fxb1\"", "\"id\":\"fxc1\""));
        assertThat(clash.get("code").asInt()).as(clash.toString()).isEqualTo(10001);
    }

    /** {"files":[...]}: folders prefix1 ... prefixN, each inside the one before, the first in the owner's root. */
    static String folderChain(String owner, String prefix, int levels) {
        StringBuilder b = new StringBuilder("{\"files\":[");
        for (int i = 1; i <= levels; i++) {
            b.append(i > 1 ? "," : "")
                    .append("{\"id\":\"")
                    .append(prefix)
                    .append(i)
                    .append("\",\"space\":\"personal\",")
                    .append("\"owner\":\"")
                    .append(owner)
                    .append("\",\"type\":\"folder\",\"name\":\"")
                    .append(prefix)
                    .append(i)
                    .append('"');
            if (i > 1) {
                b.append(",\"parent\":\"").append(prefix).append(i - 1).append('"');
            }
            b.append('}');
        }
        return b.append("]}").toString();
    }

    @Test
    void folderDepthIsCappedAt64() {
        TestServer.User v = ts.user(app);
        // 64 levels are allowed: the file sits in the 64th folder
        JsonNode deep = d.ok(
                v,
                "POST",
                "/files",
                "{\"filename\":\"deep.docx\",\"path_from_root\":true,\"parent_path\":" + path("L", 64) + "}");
        String level64 = deep.get("parent_id").asText();
        // a 65th below it is refused, and so is a fresh 65-level path; neither leaves a folder behind
        assertThat(d.code(
                        v,
                        "POST",
                        "/files",
                        "{\"filename\":\"deeper.docx\",\"path_from_root\":true,\"parent_path\":" + path("L", 65) + "}"))
                .isEqualTo(10001);
        assertThat(d.ok(v, "GET", "/files?parent_id=" + level64, null).get("files"))
                .hasSize(1);
        assertThat(d.code(
                        v,
                        "POST",
                        "/files",
                        "{\"filename\":\"x.docx\",\"path_from_root\":true,\"parent_path\":" + path("X", 65) + "}"))
                .isEqualTo(10001);
        assertThat(names(d.ok(v, "GET", "/files?parent_id=0", null).get("files")))
                .containsExactly("L1");
        // an absurd path is refused before any work
        assertThat(d.code(
                        v,
                        "POST",
                        "/files",
                        "{\"filename\":\"z.docx\",\"path_from_root\":true,\"parent_path\":" + path("Z", 5000) + "}"))
                .isEqualTo(10001);

        // moving or copying a two-level folder (M1/M2) into level 63 would make level 65
        String level63 = d.folder(v, segments("L", 63));
        String level62 = d.folder(v, segments("L", 62));
        String m1 = d.folder(v, "M1");
        d.folder(v, "M1", "M2");
        JsonNode m = d.upload(v, "m.txt", "m", "path_from_root", "true");
        String move = "{\"file_ids\":[\"" + m1 + "\"],\"parent_id\":\"" + level63 + "\"}";
        assertThat(d.code(v, "POST", "/tasks/files/move", move)).isEqualTo(10001);
        assertThat(d.code(v, "POST", "/tasks/files/copy", move)).isEqualTo(10001);
        assertThat(names(d.ok(v, "GET", "/files?parent_id=" + level63, null).get("files")))
                .containsExactly("L64");
        // one level higher fits: 62 + 2 = 64
        assertThat(d.code(
                        v,
                        "POST",
                        "/tasks/files/copy",
                        "{\"file_ids\":[\"" + m1 + "\"],\"parent_id\":\"" + level62 + "\"}"))
                .isZero();
        assertThat(names(d.ok(v, "GET", "/files?parent_id=" + level62, null).get("files")))
                .containsExactlyInAnyOrder("L63", "M1");
        // a file (no folder levels) may go into the deepest folder
        assertThat(d.code(
                        v,
                        "POST",
                        "/tasks/files/move",
                        "{\"file_ids\":[\"" + id(m) + "\"],\"parent_id\":\"" + level64 + "\"}"))
                .isZero();

        // app space: the same cap on parent_path
        HttpResponse<String> ok = ts.signed(
                app,
                "POST",
                "/api/v1/openapi/appspace/files",
                ("{\"filename\":\"a.docx\",\"parent_path\":" + path("A", 64) + "}").getBytes(StandardCharsets.UTF_8),
                "application/json");
        assertThat(TestServer.json(ok).get("code").asInt()).as(ok.body()).isZero();
        HttpResponse<String> refused = ts.signed(
                app,
                "POST",
                "/api/v1/openapi/appspace/files",
                ("{\"filename\":\"b.docx\",\"parent_path\":" + path("A", 65) + "}").getBytes(StandardCharsets.UTF_8),
                "application/json");
        assertThat(TestServer.json(refused).get("code").asInt())
                .as(refused.body())
                .isEqualTo(10001);
    }

    static String[] segments(String prefix, int levels) {
        String[] out = new String[levels];
        for (int i = 0; i < levels; i++) {
            out[i] = prefix + (i + 1);
        }
        return out;
    }
}
