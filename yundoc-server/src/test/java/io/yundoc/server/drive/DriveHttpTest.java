package io.yundoc.server.drive;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.yundoc.server.TestServer;
import io.yundoc.server.TestServerExtension;
import java.net.URLDecoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The web drive over HTTP: sign-in and return, CSRF on every write, another person's files out of reach, the
 * actions reaching the same services as the API (checked through the API), paging by cursor, strict headers.
 */
class DriveHttpTest {
    @RegisterExtension
    static final TestServerExtension ts = TestServerExtension.embedded();

    static TestServer.App app;

    static int seq;

    @BeforeAll
    static void start() {
        app = ts.app("test");
    }

    static DriveSession person() {
        return DriveSession.signIn(ts.get(), "drive-" + ++seq + "-" + System.nanoTime(), "pass-" + seq + "-word");
    }

    JsonNode api(DriveSession s, String method, String path, String body) {
        TestServer.User u = ts.token(app, s.userId());
        JsonNode n = TestServer.json(ts.send(
                method,
                "/api/v1/openapi/personal" + path + (path.contains("?") ? "&" : "?") + "access_token=" + u.token(),
                body));
        assertThat(n.get("code").asInt()).as(n.toString()).isZero();
        return n.get("data");
    }

    List<String> names(DriveSession s, String folder) {
        List<String> out = new ArrayList<>();
        api(s, "GET", "/files?count=100" + (folder == null ? "" : "&parent_id=" + folder), null)
                .get("files")
                .forEach(f -> out.add(f.get("fname").asText()));
        return out;
    }

    String idOf(DriveSession s, String folder, String name) {
        for (JsonNode f : api(s, "GET", "/files?count=100" + (folder == null ? "" : "&parent_id=" + folder), null)
                .get("files")) {
            if (f.get("fname").asText().equals(name)) {
                return f.get("id").get("open_id").asText();
            }
        }
        throw new AssertionError(name + " not in " + names(s, folder));
    }

    static String location(HttpResponse<?> r) {
        assertThat(r.statusCode()).as("status of a form post").isEqualTo(303);
        return URLDecoder.decode(r.headers().firstValue("Location").orElseThrow(), StandardCharsets.UTF_8);
    }

    @Test
    void pageHasStrictHeadersAndNoThirdPartyAssets() {
        DriveSession s = person();
        HttpResponse<String> r = s.get("/drive");
        String csp = r.headers().firstValue("Content-Security-Policy").orElseThrow();
        assertThat(csp)
                .contains("default-src 'none'")
                .contains("script-src 'self'")
                .contains("frame-ancestors 'none'")
                .doesNotContain("unsafe-inline")
                .doesNotContain("unsafe-eval");
        assertThat(r.headers().firstValue("X-Frame-Options")).hasValue("DENY");
        assertThat(r.headers().firstValue("Cache-Control")).hasValue("no-store");
        assertThat(r.body())
                .doesNotContain("http://")
                .doesNotContain("https://")
                .doesNotContain("<script>")
                .contains("/drive/assets/htmx.min.js");
        HttpResponse<String> htmx = ts.send("GET", "/drive/assets/htmx.min.js", null);
        assertThat(htmx.statusCode()).isEqualTo(200);
        assertThat(htmx.body()).contains("htmx");
        assertThat(ts.send("GET", "/drive/assets/..%2Fyundoc.db", null).statusCode())
                .isEqualTo(404);
        assertThat(ts.send("GET", "/drive/assets/drive.jte", null).statusCode()).isEqualTo(404);
    }

    @Test
    void everyWriteNeedsTheSessionsCsrfToken() {
        DriveSession a = person();
        DriveSession b = person();
        String[] mkdir = {"op", "mkdir", "name", "nope", "back", "/drive"};
        for (String token : new String[] {null, "", "x", b.csrf(), a.csrf() + "A"}) {
            HttpResponse<String> r = a.actionWith(token, mkdir);
            assertThat(r.statusCode()).as("csrf " + token).isEqualTo(403);
            assertThat(TestServer.json(r).get("code").asInt()).isEqualTo(10003);
        }
        // the upload route reads the token from its header
        assertThat(a.upload(null, "x.txt", "x".getBytes(StandardCharsets.UTF_8), null)
                        .statusCode())
                .isEqualTo(403);
        assertThat(a.upload(null, "x.txt", "x".getBytes(StandardCharsets.UTF_8), b.csrf())
                        .statusCode())
                .isEqualTo(403);
        assertThat(names(a, null)).doesNotContain("nope", "x.txt");
        // no session at all: 20? USER_UNAUTHORIZED, never a write
        HttpResponse<String> anon = ts.send(
                "POST",
                "/drive/action",
                "csrf=" + DriveSession.enc(a.csrf()) + "&op=mkdir&name=anon",
                "Content-Type",
                "application/x-www-form-urlencoded");
        assertThat(anon.statusCode()).isIn(401, 403);
        assertThat(names(a, null)).doesNotContain("anon");
        // with the right token it works
        assertThat(location(a.action(mkdir))).contains("done=nope");
        assertThat(names(a, null)).contains("nope");
    }

    @Test
    void anotherPersonsFilesAreOutOfReach() {
        DriveSession owner = person();
        DriveSession other = person();
        assertThat(owner.upload(null, "secret-plan.txt", "top secret".getBytes(StandardCharsets.UTF_8), owner.csrf())
                        .statusCode())
                .isEqualTo(200);
        location(owner.action("op", "mkdir", "name", "private-folder"));
        String file = idOf(owner, null, "secret-plan.txt");
        String folder = idOf(owner, null, "private-folder");

        HttpResponse<String> browse = other.get("/drive?folder=" + folder);
        assertThat(browse.statusCode()).isEqualTo(404);
        assertThat(browse.body())
                .contains("30012")
                .doesNotContain("private-folder")
                .doesNotContain("secret-plan");
        assertThat(other.get("/drive?preview=" + file).body())
                .doesNotContain("secret-plan")
                .doesNotContain("/v/" + file);
        assertThat(other.get("/drive?share=" + file).statusCode()).isEqualTo(404);
        HttpResponse<String> dl = other.get("/drive/download/" + file);
        assertThat(dl.statusCode()).isEqualTo(404);
        assertThat(dl.headers().firstValue("Location")).isEmpty();

        for (String[] op : List.of(
                new String[] {"op", "rename", "id", file, "name", "mine.txt"},
                new String[] {"op", "delete", "ids", file},
                new String[] {"op", "move", "ids", file, "target", folder},
                new String[] {"op", "copy", "ids", file},
                new String[] {"op", "share", "id", file, "permission", "write"},
                new String[] {"op", "unshare", "id", file},
                new String[] {"op", "mkdir", "folder", folder, "name", "intruder"},
                new String[] {"op", "purge", "ids", file},
                new String[] {"op", "restore", "ids", file})) {
            String back = location(other.action(op));
            assertThat(back).as(String.join(" ", op)).containsPattern("err=(30012|10003|30013) ");
        }
        HttpResponse<String> up =
                other.upload(folder, "planted.txt", "x".getBytes(StandardCharsets.UTF_8), other.csrf());
        assertThat(up.statusCode()).isEqualTo(404);
        assertThat(names(owner, null)).contains("secret-plan.txt", "private-folder");
        assertThat(names(owner, folder)).isEmpty();
        assertThat(names(other, null)).doesNotContain("secret-plan.txt");
    }

    @Test
    void actionsGoThroughTheServicesAsTheApiSeesThem() throws Exception {
        DriveSession s = person();
        location(s.action("op", "mkdir", "name", "报告 2026"));
        String folder = idOf(s, null, "报告 2026");
        // same name again: 30015, nothing half-made
        assertThat(location(s.action("op", "mkdir", "name", "报告 2026"))).contains("err=30015");
        byte[] big = new byte[3 * 1024 * 1024 + 7];
        new Random(3).nextBytes(big);
        HttpResponse<String> up = s.upload(null, "data.bin", big, s.csrf());
        assertThat(up.statusCode()).as(up.body()).isEqualTo(200);
        String file = TestServer.json(up).get("data").get("id").get("open_id").asText();
        assertThat(api(s, "GET", "/files/" + file + "/download", null)
                        .get("checksums")
                        .get("sha1")
                        .asText())
                .isEqualTo(TestServer.hex("SHA-1", big));

        location(s.action("op", "newdoc", "name", "周报", "type", "docx", "folder", folder));
        assertThat(names(s, folder)).containsExactly("周报.docx");
        assertThat(location(s.action("op", "newdoc", "name", "x", "type", "exe")))
                .contains("err=10001");

        assertThat(location(s.action("op", "rename", "id", file, "name", "data2.bin")))
                .contains("done=data2.bin");
        assertThat(location(s.action("op", "rename", "id", file, "name", "data2.txt")))
                .contains("err=10001");

        assertThat(location(s.action("op", "pickmove", "ids", file, "folder", "")))
                .startsWith("/drive/pick?op=move&ids=" + file);
        HttpResponse<String> pick = s.get("/drive/pick?op=move&ids=" + file);
        assertThat(pick.body()).contains("报告 2026").contains("data2.bin");
        assertThat(location(s.action("op", "move", "ids", file, "target", folder)))
                .contains("folder=" + folder);
        assertThat(names(s, folder)).contains("data2.bin", "周报.docx");

        location(s.action("op", "copy", "ids", file, "target", ""));
        assertThat(names(s, null)).contains("data2.bin");

        // share: create, change, reset, close, delete
        assertThat(location(s.action(
                        "op",
                        "share",
                        "id",
                        file,
                        "permission",
                        "read",
                        "period",
                        "7",
                        "back",
                        "/drive?folder=" + folder)))
                .isEqualTo("/drive?folder=" + folder + "&share=" + file + "&done=shared");
        JsonNode link = api(s, "GET", "/files/" + file + "/links", null);
        assertThat(link.get("link_permission").asText()).isEqualTo("read");
        assertThat(link.get("expire_time").asLong()).isGreaterThan(0);
        String sid = link.get("sid").asText();
        assertThat(s.get("/drive?share=" + file).body()).contains(sid);
        location(s.action(
                "op", "share", "id", file, "permission", "write", "comment", "on", "reset", "on", "period", "0"));
        JsonNode changed = api(s, "GET", "/files/" + file + "/links", null);
        assertThat(changed.get("sid").asText()).isNotEqualTo(sid);
        assertThat(changed.get("link_permission").asText()).isEqualTo("write");
        assertThat(changed.get("ext_perm_list").toString()).contains("comment");
        assertThat(changed.get("expire_time").asLong()).isZero();
        location(s.action("op", "share", "id", file, "permission", "write", "status", "close"));
        assertThat(ts.send("GET", "/l/" + changed.get("sid").asText(), null).statusCode())
                .isEqualTo(404);
        location(s.action("op", "unshare", "id", file));
        TestServer.User t = ts.token(app, s.userId());
        assertThat(TestServer.json(ts.send(
                                "GET",
                                "/api/v1/openapi/personal/files/" + file + "/links?access_token=" + t.token(),
                                null))
                        .get("code")
                        .asInt())
                .isEqualTo(30014);

        // search by name over the whole drive, by content after indexing
        assertThat(s.get("/drive?view=search&q=data2").body()).contains("data2.bin");
        s.upload(null, "notes.txt", "the quick brown giraffe".getBytes(StandardCharsets.UTF_8), s.csrf());
        ts.adminOk("POST", "/indexer/flush", "{}");
        assertThat(s.get("/drive?view=search&mode=content&q=giraffe").body()).contains("notes.txt");

        // delete, restore, delete again, purge
        location(s.action("op", "delete", "ids", file));
        assertThat(names(s, folder)).doesNotContain("data2.bin");
        assertThat(s.get("/drive?view=trash").body()).contains("data2.bin");
        location(s.action("op", "restore", "ids", file));
        assertThat(names(s, folder)).contains("data2.bin");
        location(s.action("op", "delete", "ids", file));
        location(s.action("op", "purge", "ids", file));
        assertThat(s.get("/drive?view=trash").body()).doesNotContain("data2.bin");
        assertThat(location(s.action("op", "restore", "ids", file))).contains("err=30012");

        // downloads go to the signed /dl/ URL and deliver the bytes
        String copy = idOf(s, null, "data2.bin");
        HttpResponse<String> dl = s.get("/drive/download/" + copy);
        assertThat(dl.statusCode()).isEqualTo(303);
        HttpResponse<byte[]> bytes =
                ts.sendBytes("GET", dl.headers().firstValue("Location").orElseThrow(), null);
        assertThat(TestServer.hex("SHA-1", bytes.body())).isEqualTo(TestServer.hex("SHA-1", big));

        // recent lists files; preview embeds the /v page with an edit token
        assertThat(s.get("/drive?view=recent").body()).contains("notes.txt");
        String notes = idOf(s, null, "notes.txt");
        String page = s.get("/drive?preview=" + notes).body();
        assertThat(page).contains("id=\"drive-preview\"").contains("/v/" + notes + "?token=");
    }

    @Test
    void hostileInputIsRefusedCleanly() {
        DriveSession s = person();
        assertThat(location(s.action("op", "mkdir", "name", "a/b"))).contains("err=10001");
        assertThat(location(s.action("op", "mkdir", "name", ""))).contains("err=10001");
        assertThat(location(s.action("op", "nosuch"))).contains("err=10001");
        assertThat(location(s.action("op", "delete"))).contains("err=10001");
        assertThat(location(s.action("op", "move", "ids", "../../etc", "target", "x")))
                .contains("err=30012");
        // return addresses stay on the drive: no open redirect
        for (String back :
                new String[] {"https://evil.example/", "//evil.example/drive", "/drive\\@evil", "/account/apps"}) {
            assertThat(location(s.action("op", "mkdir", "name", "ok-" + back.length(), "back", back)))
                    .startsWith("/drive?");
        }
        HttpResponse<String> bad = s.get("/drive?folder=%3Cscript%3E&sort=zzz");
        assertThat(bad.statusCode()).isIn(400, 404);
        assertThat(bad.body()).doesNotContain("<script>");
        HttpResponse<String> badSort = s.get("/drive?sort=%3Cimg%20src%3Dx%3E");
        assertThat(badSort.statusCode()).isEqualTo(400);
        assertThat(badSort.body()).doesNotContain("<img src=x>");
        HttpResponse<String> malformed = ts.send(
                "POST",
                "/drive/action",
                "csrf=%zz&op=mkdir",
                "Content-Type",
                "application/x-www-form-urlencoded",
                "Cookie",
                s.cookie());
        assertThat(malformed.statusCode()).isEqualTo(400);
        HttpResponse<String> notMultipart = ts.send(
                "POST",
                "/drive/upload",
                "plain",
                "Content-Type",
                "text/plain",
                "Cookie",
                s.cookie(),
                "X-CSRF-Token",
                s.csrf());
        assertThat(notMultipart.statusCode()).isEqualTo(400);
        assertThat(TestServer.json(notMultipart).get("code").asInt()).isEqualTo(10001);
    }

    @Test
    void aBigFolderPagesByCursorFoldersFirst() {
        DriveSession s = person();
        location(s.action("op", "mkdir", "name", "big"));
        String big = idOf(s, null, "big");
        for (int i = 0; i < 130; i++) {
            assertThat(s.upload(big, String.format("f%03d.txt", i), new byte[] {(byte) i}, s.csrf())
                            .statusCode())
                    .isEqualTo(200);
        }
        location(s.action("op", "mkdir", "folder", big, "name", "zz-sub"));
        String first = s.get("/drive?folder=" + big).body();
        // folders first although "zz-sub" sorts last by name
        assertThat(first.indexOf("zz-sub")).isLessThan(first.indexOf("f000.txt"));
        assertThat(first).contains("f098.txt").doesNotContain("f099.txt").contains("id=\"more\"");
        Matcher m = Pattern.compile("hx-get=\"([^\"]+)\"").matcher(first);
        assertThat(m.find()).isTrue();
        String rows = s.get(m.group(1).replace("&amp;", "&")).body();
        assertThat(rows)
                .startsWith("\n<tr")
                .contains("f099.txt")
                .contains("f129.txt")
                .doesNotContain("f098.txt")
                .doesNotContain("<html");
        String desc = s.get("/drive?folder=" + big + "&sort=name&order=desc").body();
        assertThat(desc.indexOf("f129.txt")).isLessThan(desc.indexOf("f128.txt"));
    }

    @Test
    void shareDialogNamesMembersByUnionId() {
        DriveSession owner = person();
        DriveSession friend = person();
        DriveSession stranger = person();
        assertThat(owner.upload(null, "plan.txt", "plan".getBytes(StandardCharsets.UTF_8), owner.csrf())
                        .statusCode())
                .isEqualTo(200);
        String file = idOf(owner, null, "plan.txt");
        // no link yet: members need one (30014), as PUT links/members answers
        assertThat(location(owner.action("op", "member", "id", file, "member", friend.unionId(), "permission", "read")))
                .contains("err=30014");
        location(owner.action("op", "share", "id", file, "permission", "read"));
        String dialog = owner.get("/drive?share=" + file).body();
        assertThat(dialog)
                .contains("id=\"members-none\"")
                .contains(owner.unionId())
                .contains("id=\"member-form\"");

        assertThat(location(owner.action(
                        "op",
                        "member",
                        "id",
                        file,
                        "member",
                        friend.unionId(),
                        "permission",
                        "write",
                        "back",
                        "/drive")))
                .isEqualTo("/drive?share=" + file + "&done=shared");
        dialog = owner.get("/drive?share=" + file).body();
        assertThat(dialog)
                .contains("data-member=\"" + friend.unionId() + "\"")
                .contains(friend.userId().isEmpty() ? "" : "drive-")
                .doesNotContain("id=\"members-none\"");
        // the member's own token now reads the link, as through the API (api.md §5.7)
        TestServer.User ft = ts.token(app, friend.userId());
        JsonNode seen = TestServer.json(
                ts.send("GET", "/api/v1/openapi/personal/files/" + file + "/links?access_token=" + ft.token(), null));
        assertThat(seen.get("code").asInt()).as(seen.toString()).isZero();
        // read again: the permission changes, the member stays one row
        location(owner.action("op", "member", "id", file, "member", friend.unionId(), "permission", "read"));
        dialog = owner.get("/drive?share=" + file).body();
        assertThat(dialog.split("data-member=", -1)).hasSize(2);

        // refused: unknown id, the owner, a bad permission, markup, another person's file
        assertThat(location(owner.action(
                        "op", "member", "id", file, "member", "nobody-" + System.nanoTime(), "permission", "read")))
                .contains("err=10001");
        assertThat(location(owner.action("op", "member", "id", file, "member", owner.unionId(), "permission", "read")))
                .contains("err=10001");
        assertThat(location(
                        owner.action("op", "member", "id", file, "member", friend.unionId(), "permission", "admin")))
                .contains("err=10001");
        HttpResponse<String> markup = owner.action(
                "op", "member", "id", file, "member", "<img src=x onerror=alert(1)>", "permission", "read");
        assertThat(location(markup)).contains("err=10001");
        assertThat(owner.get("/drive?share=" + file + "&err=10001%20%3Cimg%20src%3Dx%3E")
                        .body())
                .doesNotContain("<img src=x>");
        assertThat(location(stranger.action(
                        "op", "member", "id", file, "member", stranger.unionId(), "permission", "write")))
                .containsPattern("err=(10003|30012) ");
        HttpResponse<String> noCsrf = owner.actionWith(
                "forged", "op", "member", "id", file, "member", stranger.unionId(), "permission", "write");
        assertThat(noCsrf.statusCode()).isEqualTo(403);
        assertThat(owner.get("/drive?share=" + file).body())
                .doesNotContain("data-member=\"" + stranger.unionId() + "\"");
        // deleting the link drops its members (the API has no call that removes one)
        location(owner.action("op", "unshare", "id", file));
        location(owner.action("op", "share", "id", file, "permission", "read"));
        assertThat(owner.get("/drive?share=" + file).body()).contains("id=\"members-none\"");
    }

    @Test
    void appFoldersAreAViewOfTheirOwn() {
        DriveSession s = person();
        DriveSession other = person();
        String empty = s.get("/drive?view=apps").body();
        assertThat(empty).contains("id=\"empty\"").contains("id=\"nav-apps\"").doesNotContain("<tr data-id=");
        // an app uploads for the person without path_from_root: the file lands in 应用/<app name>
        TestServer.User u = ts.token(app, s.userId());
        HttpResponse<byte[]> up = ts.sendBytes(
                "POST",
                "/api/v1/openapi/personal/files/upload?access_token=" + u.token(),
                TestServer.multipart("aPpB", "from-app.txt", "text/plain", "hi".getBytes(StandardCharsets.UTF_8)),
                "Content-Type",
                "multipart/form-data; boundary=aPpB");
        assertThat(up.statusCode())
                .as(new String(up.body(), StandardCharsets.UTF_8))
                .isEqualTo(200);
        TestServer.User o = ts.token(app, other.userId());
        ts.sendBytes(
                "POST",
                "/api/v1/openapi/personal/files/upload?access_token=" + o.token(),
                TestServer.multipart("aPpB", "others-app-file.txt", "text/plain", "x".getBytes(StandardCharsets.UTF_8)),
                "Content-Type",
                "multipart/form-data; boundary=aPpB");

        String view = s.get("/drive?view=apps").body();
        Matcher row = Pattern.compile("<a class=\"item\" href=\"/drive\\?folder=([^\"]+)\">([^<]+)</a>")
                .matcher(view);
        assertThat(row.find()).as(view).isTrue();
        String appDir = row.group(1);
        assertThat(view).contains(app.appId()).contains("aria-current=\"page\"").doesNotContain("id=\"empty\"");
        assertThat(row.find()).as("one app, one folder").isFalse();
        String inside = s.get("/drive?folder=" + appDir).body();
        assertThat(inside).contains("from-app.txt").doesNotContain("others-app-file.txt");
        // breadcrumbs 我的文档 › 应用 › <app>, and the side bar keeps 应用 as the current place
        assertThat(inside)
                .contains("应用")
                .containsPattern("id=\"nav-apps\" href=\"/drive\\?view=apps\" aria-current=\"page\"");
        // the other person's app folder is not listed, and cannot be opened
        assertThat(other.get("/drive?view=apps").body()).doesNotContain(appDir).contains(app.appId());
        assertThat(other.get("/drive?folder=" + appDir).statusCode()).isEqualTo(404);
        assertThat(s.get("/drive?view=nosuch").statusCode()).isEqualTo(400);
    }
}
