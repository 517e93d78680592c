package io.yundoc.server.files;

import static io.yundoc.server.files.DriveFixture.id;
import static io.yundoc.server.files.DriveFixture.ids;
import static io.yundoc.server.files.DriveFixture.names;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.yundoc.server.TestServer;
import io.yundoc.server.TestServerExtension;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Rename, recycle bin, batch tasks (api.md §5.6) and hostile input on those paths. */
class PersonalChangesTest {
    @RegisterExtension
    static final TestServerExtension ts = TestServerExtension.embedded();

    static DriveFixture d;
    static TestServer.App app;

    @BeforeAll
    static void start() {
        d = new DriveFixture(ts.get());
        app = ts.app("test");
    }

    private long version(String fileId) {
        return ts.server()
                .database()
                .jdbi()
                .withHandle(h -> h.createQuery("SELECT version FROM files WHERE file_id = :f")
                        .bind("f", fileId)
                        .mapTo(Long.class)
                        .one());
    }

    @Test
    void renameKeepsExtensionAndBumpsMtimeAndVersion() {
        TestServer.User u = ts.user(app);
        JsonNode f = d.upload(u, "draft.txt", "x", "path_from_root", "true");
        d.upload(u, "taken.txt", "y", "path_from_root", "true");
        long v = version(id(f));
        ts.adminOk("POST", "/clock", "{\"advance_seconds\":10}");
        JsonNode r = d.ok(u, "PUT", "/files/" + id(f) + "/name", "{\"new_name\":\"final.txt\"}");
        assertThat(r.get("fname").asText()).isEqualTo("final.txt");
        assertThat(r.get("mtime").asLong()).isGreaterThan(f.get("mtime").asLong());
        assertThat(version(id(f))).isEqualTo(v + 1);
        assertThat(d.code(u, "PUT", "/files/" + id(f) + "/name", "{\"new_name\":\"final.md\"}"))
                .isEqualTo(10001);
        assertThat(d.code(u, "PUT", "/files/" + id(f) + "/name", "{\"new_name\":\"TAKEN.txt\"}"))
                .isEqualTo(30015);
        assertThat(d.ok(u, "PUT", "/files/" + id(f) + "/name", "{\"new_name\":\"final.txt\"}")
                        .get("fname")
                        .asText())
                .isEqualTo("final.txt");
        assertThat(d.ok(u, "PUT", "/files/" + id(f) + "/name", "{\"new_name\":\"FINAL.txt\"}")
                        .get("fname")
                        .asText())
                .isEqualTo("FINAL.txt");
        for (String bad : List.of(
                "../x.txt",
                "a/b.txt",
                "a\\\\b.txt",
                "a:b.txt",
                "a*b.txt",
                "a?b.txt",
                "a\\\"b.txt",
                "a<b.txt",
                "a>b.txt",
                "a|b.txt",
                "a\\u0000b.txt",
                "..",
                ".",
                "",
                "x".repeat(300) + ".txt")) {
            assertThat(d.code(u, "PUT", "/files/" + id(f) + "/name", "{\"new_name\":\"" + bad + "\"}"))
                    .as(bad)
                    .isEqualTo(10001);
        }
        assertThat(d.code(u, "PUT", "/files/" + id(f) + "/name", "{\"new_name\":"))
                .isEqualTo(10001);
        assertThat(d.code(u, "PUT", "/files/" + id(f) + "/name", "")).isEqualTo(10001);
        assertThat(d.code(u, "PUT", "/files/" + id(f) + "/name", "{}")).isEqualTo(10001);
        // folders may change "extension"
        String dir = d.folder(u, "folder.v1");
        assertThat(d.ok(u, "PUT", "/files/" + dir + "/name", "{\"new_name\":\"folder.v2\"}")
                        .get("fname")
                        .asText())
                .isEqualTo("folder.v2");
        // the root cannot be renamed
        String root = d.ok(u, "GET", "/files?count=1", null)
                .get("files")
                .get(0)
                .get("parent_id")
                .asText();
        assertThat(d.code(u, "PUT", "/files/" + root + "/name", "{\"new_name\":\"x\"}"))
                .isEqualTo(10001);
    }

    @Test
    void otherUsersFilesAreNeverRevealedOrChanged() {
        TestServer.User owner = ts.user(app);
        TestServer.User stranger = ts.user(app);
        JsonNode f = d.upload(owner, "mine.txt", "x", "path_from_root", "true");
        String dir = d.folder(owner, "ownerdir");
        for (String[] call : new String[][] {
            {"PUT", "/files/" + id(f) + "/name", "{\"new_name\":\"stolen.txt\"}"},
            {"DELETE", "/files/" + id(f), null},
            {"POST", "/tasks/files/delete", "{\"file_ids\":[\"" + id(f) + "\"]}"},
            {"POST", "/tasks/files/copy", "{\"file_ids\":[\"" + id(f) + "\"]}"},
            {"POST", "/tasks/files/move", "{\"file_ids\":[\"" + id(f) + "\"],\"parent_id\":\"0\"}"},
            {"GET", "/files/" + id(f) + "/download", null},
            {"GET", "/files/" + id(f) + "/links", null},
            {"POST", "/recycles/recover", "{\"file_tokens\":[\"" + id(f) + "\"]}"},
            {"GET", "/files?parent_id=" + dir, null}
        }) {
            JsonNode r = d.call(stranger, call[0], call[1], call[2]);
            assertThat(r.get("code").asInt()).as(call[0] + " " + call[1]).isEqualTo(30012);
            assertThat(r.toString()).doesNotContain("mine.txt");
        }
        // moving my own file into someone else's folder: the folder is unknown to me
        JsonNode own = d.upload(stranger, "s.txt", "x", "path_from_root", "true");
        assertThat(d.code(
                        stranger,
                        "POST",
                        "/tasks/files/move",
                        "{\"file_ids\":[\"" + id(own) + "\"],\"parent_id\":\"" + dir + "\"}"))
                .isEqualTo(30012);
        assertThat(names(d.ok(owner, "GET", "/files?parent_id=0", null).get("files")))
                .contains("mine.txt");
        assertThat(d.ok(owner, "GET", "/files?parent_id=" + dir, null).get("files"))
                .isEmpty();
    }

    @Test
    void deleteRecycleAndRecover() {
        TestServer.User u = ts.user(app);
        String dir = d.folder(u, "trash-me");
        JsonNode inner = d.upload(u, "inner.txt", "x", "parent_id", dir);
        JsonNode solo = d.upload(u, "solo.txt", "x", "path_from_root", "true");
        ts.adminOk("POST", "/clock", "{\"advance_seconds\":2}"); // deleted after the helper's seed file
        assertThat(d.ok(u, "DELETE", "/files/" + dir, null).toString()).isEqualTo("{}");
        assertThat(d.code(u, "DELETE", "/files/" + dir, null)).isEqualTo(30012);
        assertThat(d.code(u, "GET", "/files/" + id(inner) + "/download", null)).isEqualTo(30012);
        assertThat(d.code(u, "GET", "/files?parent_id=" + dir, null)).isEqualTo(30012);
        ts.adminOk("POST", "/clock", "{\"advance_seconds\":3}");
        d.ok(u, "DELETE", "/files/" + id(solo), null);
        JsonNode bin = d.call(u, "GET", "/recycles", null);
        assertThat(bin.get("data").isArray()).isTrue();
        List<String> names = names(bin.get("data")).stream()
                .filter(n -> !n.startsWith("seed-"))
                .toList();
        assertThat(names.subList(0, 2)).containsExactly("solo.txt", "trash-me");
        assertThat(names).doesNotContain("inner.txt");
        assertThat(names(d.ok(u, "GET", "/recycles?count=1&offset=1", null))).containsExactly("trash-me");
        assertThat(names(d.ok(u, "GET", "/recycles?count=1", null))).containsExactly("solo.txt");

        // a new solo.txt takes the name; recovery auto-renames
        d.upload(u, "solo.txt", "new", "path_from_root", "true");
        assertThat(d.code(u, "POST", "/recycles/recover", "{\"file_tokens\":[\"" + id(inner) + "\"]}"))
                .isEqualTo(30012);
        assertThat(d.ok(
                                u,
                                "POST",
                                "/recycles/recover",
                                "{\"file_tokens\":[\"" + dir + "\",\"" + id(solo) + "\",\"" + dir + "\"]}")
                        .toString())
                .isEqualTo("{}");
        assertThat(names(d.ok(u, "GET", "/files?parent_id=0", null).get("files")))
                .contains("trash-me", "solo.txt", "solo(2).txt");
        assertThat(ids(d.ok(u, "GET", "/files?parent_id=" + dir, null).get("files")))
                .containsExactly(id(inner));
        assertThat(names(d.ok(u, "GET", "/recycles", null))).allMatch(n -> n.startsWith("seed-"));
    }

    @Test
    void adminPurgeEmptiesTheBin() {
        TestServer.User u = ts.user(app);
        TestServer.User other = ts.user(app);
        String dir = d.folder(u, "purge-me");
        JsonNode inner = d.upload(u, "inner.txt", "x", "parent_id", dir);
        d.ok(u, "DELETE", "/files/" + dir, null);
        JsonNode keep = d.upload(other, "keep.txt", "x", "path_from_root", "true");
        d.ok(other, "DELETE", "/files/" + id(keep), null);
        assertThat(ts.adminOk("POST", "/recycles/purge", "{\"user_id\":\"" + u.userId() + "\",\"older_than_days\":1}")
                        .get("purged")
                        .asInt())
                .isZero();
        assertThat(ts.adminOk("POST", "/recycles/purge", "{\"user_id\":\"" + u.userId() + "\"}")
                        .get("purged")
                        .asInt())
                .isGreaterThanOrEqualTo(1);
        assertThat(d.ok(u, "GET", "/recycles", null)).isEmpty();
        assertThat(d.code(u, "POST", "/recycles/recover", "{\"file_tokens\":[\"" + dir + "\"]}"))
                .isEqualTo(30012);
        assertThat(d.code(u, "POST", "/recycles/recover", "{\"file_tokens\":[\"" + id(inner) + "\"]}"))
                .isEqualTo(30012);
        assertThat(names(d.ok(other, "GET", "/recycles", null))).contains("keep.txt");
    }

    @Test
    void recoverGoesToTheRootWhenTheOriginalFolderIsGone() {
        TestServer.User u = ts.user(app);
        String dir = d.folder(u, "gone");
        JsonNode f = d.upload(u, "child.txt", "x", "parent_id", dir);
        d.ok(u, "DELETE", "/files/" + id(f), null);
        d.ok(u, "DELETE", "/files/" + dir, null);
        d.ok(u, "POST", "/recycles/recover", "{\"file_tokens\":[\"" + id(f) + "\"]}");
        JsonNode root = d.ok(u, "GET", "/files?parent_id=0", null);
        assertThat(names(root.get("files"))).contains("child.txt");
    }

    @Test
    void batchLimitsAndAllOrNothing() {
        TestServer.User u = ts.user(app);
        JsonNode a = d.upload(u, "a.txt", "x", "path_from_root", "true");
        List<String> many = new ArrayList<>();
        for (int i = 0; i < 101; i++) {
            many.add("\"id" + i + "\"");
        }
        String ids101 = "[" + String.join(",", many) + "]";
        assertThat(d.code(u, "POST", "/tasks/files/delete", "{\"file_ids\":" + ids101 + "}"))
                .isEqualTo(10001);
        assertThat(d.code(u, "POST", "/tasks/files/copy", "{\"file_ids\":" + ids101 + "}"))
                .isEqualTo(10001);
        assertThat(d.code(u, "POST", "/tasks/files/move", "{\"file_ids\":" + ids101 + ",\"parent_id\":\"0\"}"))
                .isEqualTo(10001);
        assertThat(d.code(u, "POST", "/recycles/recover", "{\"file_tokens\":" + ids101 + "}"))
                .isEqualTo(10001);
        assertThat(d.code(u, "POST", "/tasks/files/delete", "{\"file_ids\":[]}"))
                .isEqualTo(10001);
        assertThat(d.code(u, "POST", "/tasks/files/delete", "{\"file_ids\":{}}"))
                .isEqualTo(10001);
        assertThat(d.code(u, "POST", "/tasks/files/delete", "not json")).isEqualTo(10001);
        // 100 copies of one id collapse to one
        List<String> dup = new ArrayList<>();
        for (int i = 0; i < 150; i++) {
            dup.add("\"" + id(a) + "\"");
        }
        JsonNode copied = d.ok(u, "POST", "/tasks/files/copy", "{\"file_ids\":[" + String.join(",", dup) + "]}");
        assertThat(copied.get("task_id").asText()).isEmpty();
        assertThat(copied.get("file_ids")).hasSize(1);
        // one unknown id: nothing deleted
        assertThat(d.code(u, "POST", "/tasks/files/delete", "{\"file_ids\":[\"" + id(a) + "\",\"unknown\"]}"))
                .isEqualTo(30012);
        assertThat(d.ok(u, "GET", "/recycles", null)).isEmpty();
        assertThat(names(d.ok(u, "GET", "/files?parent_id=0", null).get("files")))
                .containsExactlyInAnyOrder("a.txt", "a(2).txt");
        JsonNode del = d.ok(
                u,
                "POST",
                "/tasks/files/delete",
                "{\"file_ids\":[\"" + id(a) + "\"," + copied.get("file_ids").get(0) + "]}");
        assertThat(del.toString())
                .isEqualTo("{\"task_id\":\"\",\"file_ids\":[\"" + id(a) + "\","
                        + copied.get("file_ids").get(0) + "]}");
        assertThat(d.ok(u, "GET", "/recycles", null)).hasSize(2);
    }

    @Test
    void moveRules() {
        TestServer.User u = ts.user(app);
        String src = d.folder(u, "src");
        String dst = d.folder(u, "dst");
        String nested = d.folder(u, "src", "box", "inner");
        String box = d.ok(u, "GET", "/files?parent_id=" + src, null)
                .get("files")
                .get(0)
                .get("id")
                .get("open_id")
                .asText();
        JsonNode a = d.upload(u, "a.txt", "x", "parent_id", src);
        JsonNode b = d.upload(u, "b.txt", "x", "parent_id", src);
        JsonNode elsewhere = d.upload(u, "c.txt", "x", "parent_id", dst);
        String body = "{\"file_ids\":[\"" + id(a) + "\",\"" + id(b) + "\"],\"parent_id\":\"%s\"}";
        assertThat(d.code(u, "POST", "/tasks/files/move", "{\"file_ids\":[\"" + id(a) + "\"]}"))
                .isEqualTo(10001);
        assertThat(d.code(u, "POST", "/tasks/files/move", body.formatted(src))).isEqualTo(10001);
        assertThat(d.code(
                        u,
                        "POST",
                        "/tasks/files/move",
                        "{\"file_ids\":[\"" + id(a) + "\",\"" + id(elsewhere) + "\"],\"parent_id\":\"0\"}"))
                .isEqualTo(10001);
        assertThat(d.code(
                        u,
                        "POST",
                        "/tasks/files/move",
                        "{\"file_ids\":[\"" + box + "\"],\"parent_id\":\"" + nested + "\"}"))
                .isEqualTo(10001);
        assertThat(d.code(
                        u,
                        "POST",
                        "/tasks/files/move",
                        "{\"file_ids\":[\"" + box + "\"],\"parent_id\":\"" + box + "\"}"))
                .isEqualTo(10001);
        assertThat(d.code(u, "POST", "/tasks/files/move", body.formatted(id(elsewhere))))
                .isEqualTo(10001);
        d.upload(u, "b.txt", "clash", "parent_id", dst);
        assertThat(d.code(u, "POST", "/tasks/files/move", body.formatted(dst))).isEqualTo(30015);
        assertThat(names(d.ok(u, "GET", "/files?parent_id=" + src + "&filter=file", null)
                        .get("files")))
                .contains("a.txt", "b.txt");
        JsonNode moved = d.ok(u, "POST", "/tasks/files/move", "{\"file_ids\":[\"" + id(a) + "\"],\"parent_id\":\"0\"}");
        assertThat(moved.toString()).isEqualTo("{\"task_id\":\"\",\"file_ids\":[\"" + id(a) + "\"]}");
        assertThat(names(d.ok(u, "GET", "/files?parent_id=0", null).get("files")))
                .contains("a.txt");
    }

    @Test
    void copyIsDeepAndAutoRenamed() {
        TestServer.User u = ts.user(app);
        String src = d.folder(u, "proj");
        d.upload(u, "readme.md", "hello", "parent_id", d.folder(u, "proj", "docs"));
        JsonNode top = d.upload(u, "top.txt", "x", "parent_id", src);
        JsonNode r = d.ok(u, "POST", "/tasks/files/copy", "{\"file_ids\":[\"" + src + "\",\"" + id(top) + "\"]}");
        assertThat(r.get("file_ids")).hasSize(2);
        String copyDir = r.get("file_ids").get(0).asText();
        assertThat(copyDir).isNotEqualTo(src);
        assertThat(names(d.ok(u, "GET", "/files?parent_id=0", null).get("files")))
                .contains("proj", "proj(2)");
        assertThat(names(d.ok(u, "GET", "/files?parent_id=" + src + "&order_by=fname&order=asc", null)
                        .get("files")))
                .containsExactly("docs", "top(2).txt", "top.txt"); // binary name order: '(' sorts before '.'
        String docsCopy = d.ok(u, "GET", "/files?parent_id=" + copyDir + "&filter=folder", null)
                .get("files")
                .get(0)
                .get("id")
                .get("open_id")
                .asText();
        JsonNode readme = d.ok(u, "GET", "/files?parent_id=" + docsCopy, null)
                .get("files")
                .get(0);
        assertThat(readme.get("fname").asText()).isEqualTo("readme.md");
        JsonNode dl = d.ok(u, "GET", "/files/" + id(readme) + "/download", null);
        assertThat(dl.get("fsize").asLong()).isEqualTo(5);
        // copy a folder into itself terminates
        JsonNode self =
                d.ok(u, "POST", "/tasks/files/copy", "{\"file_ids\":[\"" + src + "\"],\"parent_id\":\"" + src + "\"}");
        assertThat(self.get("file_ids")).hasSize(1);
    }

    @Test
    void uploadPlacementRejectsTraversal() {
        TestServer.User u = ts.user(app);
        for (String path : List.of("..", "../etc", "a/b", ".", "x\\y", "a:b", "x".repeat(300))) {
            assertThat(d.uploadCode(u, "ok.txt", "path_from_root", "true", "parent_path", path))
                    .as(path)
                    .isEqualTo(10001);
        }
        for (String name :
                List.of("..", "a/b.txt", "../../etc/passwd", "x".repeat(300) + ".txt", "a|b.txt", "a?b.txt")) {
            assertThat(d.uploadCode(u, name, "path_from_root", "true")).as(name).isEqualTo(10001);
        }
        assertThat(d.ok(u, "GET", "/files/flat", null).get("files")).isEmpty();
    }
}
