package io.yundoc.server.appspace;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.yundoc.server.TestServer;
import io.yundoc.server.TestServerExtension;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Every app-space endpoint over HTTP (api.md §5.9), signed by the test's own WPS-2 signer: upload and versions,
 * download, version info and download, revert, destroy (with blob collection), batch move, folders, and the
 * isolation of one app's space from another's.
 */
class AppSpaceApiTest {
    static final String API = "/api/v1/openapi/appspace";

    @RegisterExtension
    static final TestServerExtension ts = TestServerExtension.embedded();

    static TestServer.App app;
    static TestServer.App other;

    @BeforeAll
    static void start() {
        app = ts.app("formal");
        other = ts.app("formal");
    }

    // ---- helpers ----

    static JsonNode ok(HttpResponse<String> r) {
        JsonNode n = TestServer.json(r);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(n.get("code").asInt()).as(r.body()).isZero();
        return n.get("data");
    }

    static JsonNode err(HttpResponse<String> r, int code, int status) {
        JsonNode n = TestServer.json(r);
        assertThat(n.get("code").asInt()).as(r.body()).isEqualTo(code);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        assertThat(n.has("data")).isFalse();
        return n;
    }

    static HttpResponse<String> get(TestServer.App a, String path) {
        return ts.signed(a, "GET", path, null, "application/json");
    }

    static HttpResponse<String> post(TestServer.App a, String path, String json) {
        return ts.signed(
                a, "POST", path, json == null ? null : json.getBytes(StandardCharsets.UTF_8), "application/json");
    }

    /** A multipart upload with a fresh boundary (so identical uploads do not look like replays). */
    static HttpResponse<String> upload(TestServer.App a, String name, byte[] content, String... fields) {
        String boundary = "b-" + UUID.randomUUID();
        byte[] body = TestServer.multipart(boundary, name, "text/plain", content, fields);
        return ts.signed(a, "POST", API + "/files/upload", body, "multipart/form-data; boundary=" + boundary);
    }

    static JsonNode uploadOk(TestServer.App a, String name, String content, String... fields) {
        return ok(upload(a, name, content.getBytes(StandardCharsets.UTF_8), fields));
    }

    static JsonNode create(TestServer.App a, String json) {
        return ok(post(a, API + "/files", json));
    }

    static byte[] fetch(String url) {
        HttpResponse<byte[]> r = ts.sendBytes("GET", url, null);
        assertThat(r.statusCode()).isEqualTo(200);
        return r.body();
    }

    static String unique(String ext) {
        return "f-" + UUID.randomUUID().toString().substring(0, 8) + ext;
    }

    // ---- upload, info, download ----

    @Test
    void zeroAndOneByteUploadsDownloadTheirExactBytes() {
        for (byte[] content : new byte[][] {new byte[0], new byte[] {42}}) {
            String name = unique(".bin");
            JsonNode info = ok(upload(app, name, content));
            assertThat(info.get("size").asLong()).isEqualTo(content.length);
            assertThat(info.get("version").asLong()).isEqualTo(1);
            assertThat(info.get("type").asText()).isEqualTo("normal_file");
            assertThat(info.get("parent_token").asText()).isEmpty();
            String ft = info.get("file_token").asText();
            assertThat(ok(get(app, API + "/files/" + ft))).isEqualTo(info);
            // the docs' example repeats ?file_token= in the query: ignored, the path wins
            JsonNode dl = ok(get(app, API + "/files/" + ft + "/download?file_token=someone-elses"));
            assertThat(dl.get("fsize").asLong()).isEqualTo(content.length);
            assertThat(dl.get("checksums").get("sha1").asText()).isEqualTo(TestServer.hex("SHA-1", content));
            assertThat(dl.get("url").asText()).startsWith(ts.base() + "/dl/");
            assertThat(fetch(dl.get("url").asText())).isEqualTo(content);
            assertThat(dl.fieldNames()).toIterable().containsExactly("checksums", "fsize", "url");
        }
    }

    @Test
    void downloadOfOnlineDocumentIs30006AndOfFolderIs10001() {
        JsonNode otl = create(app, "{\"filename\":\"" + unique(".otl") + "\"}");
        String ft = otl.get("file_token").asText();
        err(get(app, API + "/files/" + ft + "/download"), 30006, 409);
        err(get(app, API + "/files/" + ft + "/versions/1/download"), 30006, 409);

        String dir = unique("");
        JsonNode inFolder =
                create(app, "{\"filename\":\"" + unique(".docx") + "\",\"parent_path\":[\"" + dir + "\",\"sub\"]}");
        String sub = inFolder.get("parent_token").asText();
        JsonNode subInfo = ok(get(app, API + "/files/" + sub));
        assertThat(subInfo.get("type").asText()).isEqualTo("folder");
        assertThat(subInfo.get("name").asText()).isEqualTo("sub");
        err(get(app, API + "/files/" + sub + "/download"), 10001, 400);
        err(get(app, API + "/files/" + sub + "/versions"), 10001, 400);
        err(get(app, API + "/files/not-a-token/download"), 30012, 404);
        err(get(app, API + "/files/bad%20token/download"), 30012, 404);
    }

    // ---- versions ----

    @Test
    void fileInfoAnswersFollowEveryChangeAtOnce() {
        // the info route reuses its rendered answer while the file row is unchanged: each write must show at once
        String name = unique(".txt");
        String ft = uploadOk(app, name, "v1").get("file_token").asText();
        for (int i = 0; i < 3; i++) {
            JsonNode same = ok(get(app, API + "/files/" + ft));
            assertThat(same.get("version").asLong()).isEqualTo(1);
            assertThat(same.get("size").asLong()).isEqualTo(2);
        }
        uploadOk(app, name, "version two", "creator", "carol");
        JsonNode after = ok(get(app, API + "/files/" + ft));
        assertThat(after.get("version").asLong()).isEqualTo(2);
        assertThat(after.get("size").asLong()).isEqualTo(11);
        assertThat(after.get("modifier").asText()).isEqualTo("carol");
        // another app never gets the cached answer for a file it does not own
        err(get(other, API + "/files/" + ft), 30012, 404);
    }

    @Test
    void uploadsOverANameBecomeVersionsThatCanBeListedReadDownloadedAndReverted() {
        String name = unique(".txt");
        String dir = unique("");
        JsonNode v1 = uploadOk(app, name, "one", "parent_path", dir, "creator", "alice");
        String ft = v1.get("file_token").asText();
        JsonNode v2 = uploadOk(app, name, "two two", "parent_path", dir, "creator", "bob");
        JsonNode v3 = uploadOk(
                app,
                name.toUpperCase(Locale.ROOT),
                "three 333",
                "parent_path",
                dir); // names compare case-insensitively
        assertThat(v2.get("file_token").asText()).isEqualTo(ft);
        assertThat(v3.get("file_token").asText()).isEqualTo(ft);
        assertThat(v3.get("version").asLong()).isEqualTo(3);
        assertThat(v3.get("creator").asText()).isEqualTo("alice");
        assertThat(v2.get("modifier").asText()).isEqualTo("bob");

        JsonNode all = ok(get(app, API + "/files/" + ft + "/versions"));
        assertThat(all.get("next_offset").asLong()).isEqualTo(-1);
        assertThat(versions(all)).containsExactly(3L, 2L, 1L);
        assertThat(all.get("versions").get(1).get("size").asLong()).isEqualTo(7);
        assertThat(all.get("versions").get(0)).isEqualTo(ok(get(app, API + "/files/" + ft)));

        // pages of two: the issued cursor leads to the rest, and -1 ends it
        JsonNode p1 = ok(get(app, API + "/files/" + ft + "/versions?count=2"));
        assertThat(versions(p1)).containsExactly(3L, 2L);
        long cursor = p1.get("next_offset").asLong();
        assertThat(cursor).isGreaterThan(1000);
        // a new version on top does not shift the cursor's page
        uploadOk(app, name, "four", "parent_path", dir);
        JsonNode p2 = ok(get(app, API + "/files/" + ft + "/versions?count=2&offset=" + cursor));
        assertThat(versions(p2)).containsExactly(1L);
        assertThat(p2.get("next_offset").asLong()).isEqualTo(-1);
        // a plain position the client picks: skip the newest
        assertThat(versions(ok(get(app, API + "/files/" + ft + "/versions?offset=1&count=100"))))
                .containsExactly(3L, 2L, 1L);
        // a full last page already answers -1
        assertThat(ok(get(app, API + "/files/" + ft + "/versions?count=4"))
                        .get("next_offset")
                        .asLong())
                .isEqualTo(-1);

        JsonNode info2 = ok(get(app, API + "/files/" + ft + "/versions/2"));
        assertThat(info2.get("version").asLong()).isEqualTo(2);
        assertThat(info2.get("size").asLong()).isEqualTo(7);
        assertThat(info2.get("file_token").asText()).isEqualTo(ft);
        assertThat(info2.fieldNames())
                .toIterable()
                .containsExactly(
                        "content_type",
                        "creator",
                        "ctime",
                        "file_token",
                        "modifier",
                        "mtime",
                        "name",
                        "parent_token",
                        "size",
                        "sys_metadata",
                        "type",
                        "version");
        JsonNode dl1 = ok(get(app, API + "/files/" + ft + "/versions/1/download"));
        assertThat(dl1.get("fsize").asLong()).isEqualTo(3);
        assertThat(new String(fetch(dl1.get("url").asText()), StandardCharsets.UTF_8))
                .isEqualTo("one");
        assertThat(dl1.get("checksums").get("sha1").asText())
                .isEqualTo(TestServer.hex("SHA-1", "one".getBytes(StandardCharsets.UTF_8)));
        err(get(app, API + "/files/" + ft + "/versions/9"), 30012, 404);
        err(get(app, API + "/files/" + ft + "/versions/9/download"), 30012, 404);

        // revert from 4 to 2 yields version 5 with version 2's bytes; older versions stay
        JsonNode r = ok(post(app, API + "/files/" + ft + "/versions/2/revert", null));
        assertThat(r.get("version").asLong()).isEqualTo(5);
        assertThat(r.get("size").asLong()).isEqualTo(7);
        assertThat(r.get("file_token").asText()).isEqualTo(ft);
        JsonNode cur = ok(get(app, API + "/files/" + ft + "/download"));
        assertThat(new String(fetch(cur.get("url").asText()), StandardCharsets.UTF_8))
                .isEqualTo("two two");
        assertThat(versions(ok(get(app, API + "/files/" + ft + "/versions")))).containsExactly(5L, 4L, 3L, 2L, 1L);
        err(post(app, API + "/files/" + ft + "/versions/77/revert", null), 30012, 404);
    }

    /** A URL minted for one version keeps serving that version after the file changed (api.md §6 binding). */
    @Test
    void downloadUrlStaysBoundToTheVersionItWasMintedFor() {
        String name = unique(".txt");
        String ft = uploadOk(app, name, "first").get("file_token").asText();
        String url = ok(get(app, API + "/files/" + ft + "/download")).get("url").asText();
        uploadOk(app, name, "second");
        assertThat(new String(fetch(url), StandardCharsets.UTF_8)).isEqualTo("first");
    }

    static List<Long> versions(JsonNode page) {
        List<Long> out = new ArrayList<>();
        page.get("versions").forEach(v -> out.add(v.get("version").asLong()));
        return out;
    }

    @Test
    void pagingParametersAreValidated() {
        String ft = uploadOk(app, unique(".txt"), "x").get("file_token").asText();
        String v = API + "/files/" + ft + "/versions";
        err(get(app, v + "?offset=-1"), 10001, 400);
        err(get(app, v + "?offset=abc"), 10001, 400);
        err(get(app, v + "?offset=1.5"), 10001, 400);
        err(get(app, v + "?offset=99999999999999999999999"), 10001, 400);
        err(get(app, v + "?count=0"), 10001, 400);
        err(get(app, v + "?count=-3"), 10001, 400);
        assertThat(versions(ok(get(app, v + "?count=1000")))).containsExactly(1L);
        assertThat(versions(ok(get(app, v + "?offset=5")))).isEmpty();
    }

    /** version must be a positive integer (else 10001); a well-formed one that does not exist is 30012. */
    @Test
    void versionPathValues() {
        String ft = uploadOk(app, unique(".txt"), "x").get("file_token").asText();
        String base = API + "/files/" + ft + "/versions/";
        for (String bad : new String[] {"0", "-1", "abc", "1.0", "%2B1", "000"}) {
            err(get(app, base + bad), 10001, 400);
            err(get(app, base + bad + "/download"), 10001, 400);
            err(post(app, base + bad + "/revert", null), 10001, 400);
        }
        for (String unknown :
                new String[] {"9223372036854775808", "9223372036854775807", "2", "123456789012345678901234567890"}) {
            err(get(app, base + unknown), 30012, 404);
            err(get(app, base + unknown + "/download"), 30012, 404);
            err(post(app, base + unknown + "/revert", null), 30012, 404);
        }
        assertThat(ok(get(app, base + "01")).get("version").asLong()).isEqualTo(1);
    }

    // ---- destroy ----

    @Test
    void destroyIsPermanentAnswersCodeOnlyAndCollectsUnreferencedBlobs() throws Exception {
        byte[] unique = ("only here " + UUID.randomUUID()).getBytes(StandardCharsets.UTF_8);
        byte[] shared = ("shared " + UUID.randomUUID()).getBytes(StandardCharsets.UTF_8);
        String name = unique(".txt");
        String ft = ok(upload(app, name, unique)).get("file_token").asText();
        assertThat(ok(upload(app, name, shared)).get("version").asLong()).isEqualTo(2); // a second version
        String keeper =
                ok(upload(other, unique(".txt"), shared)).get("file_token").asText(); // another app, same bytes
        String url = ok(get(app, API + "/files/" + ft + "/versions/1/download"))
                .get("url")
                .asText();
        assertThat(blobExists(unique)).isTrue();

        HttpResponse<String> r = ts.signed(
                app,
                "DELETE",
                API + "/files/" + ft + "/destroy",
                "{\"modifier\":\"ops\"}".getBytes(StandardCharsets.UTF_8),
                "application/json");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("{\"code\":0}");

        err(get(app, API + "/files/" + ft), 30012, 404);
        err(get(app, API + "/files/" + ft + "/versions"), 30012, 404);
        err(ts.signed(app, "DELETE", API + "/files/" + ft + "/destroy", null, "application/json"), 30012, 404);
        HttpResponse<String> gone = ts.send("GET", url, null);
        assertThat(gone.statusCode()).isEqualTo(404);
        assertThat(TestServer.json(gone).get("code").asInt()).isEqualTo(30012);
        assertThat(blobExists(unique))
                .as("blob referenced by nothing is deleted")
                .isFalse();
        assertThat(blobExists(shared))
                .as("blob still used by another app's file is kept")
                .isTrue();
        JsonNode dl = ok(get(other, API + "/files/" + keeper + "/download"));
        assertThat(fetch(dl.get("url").asText())).isEqualTo(shared);
    }

    @Test
    void destroyingAFolderRemovesEverythingBelowIt() throws Exception {
        String top = unique("");
        byte[] deep = ("deep " + UUID.randomUUID()).getBytes(StandardCharsets.UTF_8);
        JsonNode a = ok(upload(app, "a.txt", deep, "parent_path", top + ",x,y"));
        JsonNode b = create(app, "{\"filename\":\"b.docx\",\"parent_path\":[\"" + top + "\"]}");
        String topToken = b.get("parent_token").asText();
        String y = a.get("parent_token").asText();
        String x = ok(get(app, API + "/files/" + y)).get("parent_token").asText();
        assertThat(ok(get(app, API + "/files/" + x)).get("parent_token").asText())
                .isEqualTo(topToken);

        HttpResponse<String> r =
                ts.signed(app, "DELETE", API + "/files/" + topToken + "/destroy", null, "application/json");
        assertThat(r.body()).isEqualTo("{\"code\":0}");
        for (String t : new String[] {
            topToken, x, y, a.get("file_token").asText(), b.get("file_token").asText()
        }) {
            err(get(app, API + "/files/" + t), 30012, 404);
        }
        assertThat(blobExists(deep)).isFalse();
        // the name is free again (a different body: the same signed body again within a second would be a replay)
        JsonNode again = create(app, "{\"filename\":\"b.docx\",\"parent_path\":[\"" + top + "\"],\"creator\":1}");
        assertThat(again.get("parent_token").asText()).isNotEqualTo(topToken);
    }

    /**
     * Destroy and upload of the same bytes racing each other: collection may never delete a blob that a concurrent
     * upload is about to (or did) reference. Every surviving file must still serve its bytes.
     */
    @Test
    void destroyRacingAnUploadOfTheSameBytesNeverLosesData() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            for (int round = 0; round < 15; round++) {
                byte[] content = ("race " + round + " " + UUID.randomUUID()).getBytes(StandardCharsets.UTF_8);
                String victim = ok(upload(app, unique(".txt"), content))
                        .get("file_token")
                        .asText();
                CountDownLatch go = new CountDownLatch(1);
                var destroy = pool.submit(() -> {
                    go.await();
                    return ts.signed(app, "DELETE", API + "/files/" + victim + "/destroy", null, "application/json");
                });
                var survivor = pool.submit(() -> {
                    go.await();
                    return upload(app, unique(".txt"), content);
                });
                go.countDown();
                assertThat(destroy.get().body()).isEqualTo("{\"code\":0}");
                String ft = ok(survivor.get()).get("file_token").asText();
                JsonNode dl = ok(get(app, API + "/files/" + ft + "/download"));
                assertThat(fetch(dl.get("url").asText())).as("round " + round).isEqualTo(content);
                assertThat(blobExists(content)).isTrue();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /** A failed upload leaves nothing behind: no file row, no blob, no temp file. */
    @Test
    void failedUploadsLeaveNoBytesBehind() throws Exception {
        String dir = unique("");
        create(app, "{\"filename\":\"x.docx\",\"parent_path\":[\"" + dir + "\"]}");
        byte[] content = ("doomed " + UUID.randomUUID()).getBytes(StandardCharsets.UTF_8);
        err(upload(app, dir, content), 30015, 409); // the name belongs to a folder at the root
        assertThat(blobExists(content)).isFalse();
        err(upload(app, unique(".otl"), content), 10001, 400); // online types cannot be uploaded
        assertThat(blobExists(content)).isFalse();

        try (TestServer small = new TestServer(b -> b.maxUpload(1024))) {
            TestServer.App a = small.app("test");
            String boundary = "sm" + UUID.randomUUID();
            byte[] big = new byte[4096];
            byte[] body = TestServer.multipart(boundary, "big.bin", null, big);
            JsonNode e = TestServer.json(
                    small.signed(a, "POST", API + "/files/upload", body, "multipart/form-data; boundary=" + boundary));
            assertThat(e.get("code").asInt()).isEqualTo(30008);
            assertThat(small.blobFiles()).isEmpty();
        }
    }

    /** Each new endpoint is metered in its catalogue tier (api.md §5.0 rows 28–34) and carries the rate-limit headers. */
    @Test
    void newEndpointsAreMeteredInTheirTiers() {
        TestServer.App fresh = ts.app("test");
        String ft = ok(upload(fresh, unique(".txt"), new byte[] {1}))
                .get("file_token")
                .asText();
        HttpResponse<String> r = get(fresh, API + "/files/" + ft + "/download");
        assertThat(r.headers().firstValue("RateLimit-Policy")).hasValue("\"daily\";q=500;w=86400");
        r = get(fresh, API + "/files/" + ft + "/versions");
        assertThat(r.headers().firstValue("RateLimit-Policy")).hasValue("\"daily\";q=10000;w=86400");
        get(fresh, API + "/files/" + ft + "/versions/1");
        get(fresh, API + "/files/" + ft + "/versions/1/download");
        post(fresh, API + "/files/" + ft + "/versions/1/revert", null);
        move(fresh, List.of(ft), "", null);
        ts.signed(fresh, "DELETE", API + "/files/" + ft + "/destroy", null, "application/json");
        JsonNode q = ts.adminOk("GET", "/quota?app_id=" + fresh.appId(), null);
        Map<String, JsonNode> rows = new HashMap<>();
        q.get("endpoints").forEach(e -> rows.put(e.get("endpoint").asText(), e));
        String f = "/api/v1/openapi/appspace/files/:file_token";
        Object[][] expected = {
            {"GET " + f + "/download", 500},
            {"GET " + f + "/versions", 10000},
            {"GET " + f + "/versions/:version", 10000},
            {"GET " + f + "/versions/:version/download", 500},
            {"POST " + f + "/versions/:version/revert", 500},
            {"DELETE " + f + "/destroy", 500},
            {"POST /api/v1/openapi/appspace/tasks/files/move", 500}
        };
        for (Object[] e : expected) {
            JsonNode row = rows.get((String) e[0]);
            assertThat(row).as((String) e[0]).isNotNull();
            assertThat(row.get("limit").asInt()).as((String) e[0]).isEqualTo((Integer) e[1]);
            assertThat(row.get("used").asInt()).as((String) e[0]).isEqualTo(1);
        }
    }

    /** A fixture file with earlier versions (design.md fixtures) is served by the version endpoints like any other. */
    @Test
    void fixtureVersionsAreListedDownloadedAndReverted() {
        TestServer.App fx = ts.app("test");
        ts.adminOk(
                "POST",
                "/fixtures",
                "{\"files\":[{\"space\":\"app\",\"app_id\":\"" + fx.appId() + "\",\"id\":\"fixtureVersions1\","
                        + "\"name\":\"history.txt\",\"version\":3,\"text\":\"third\",\"creator\":\"c\",\"modifier\":7,"
                        + "\"versions\":[{\"version\":1,\"text\":\"first\"},{\"version\":2,\"text\":\"second\",\"modifier\":\"m2\"}]}]}");
        String ft = "fixtureVersions1";
        JsonNode page = ok(get(fx, API + "/files/" + ft + "/versions"));
        assertThat(versions(page)).containsExactly(3L, 2L, 1L);
        assertThat(page.get("versions").get(1).get("modifier").asText()).isEqualTo("m2");
        assertThat(page.get("versions").get(0).get("modifier").asInt()).isEqualTo(7);
        JsonNode dl = ok(get(fx, API + "/files/" + ft + "/versions/1/download"));
        assertThat(new String(fetch(dl.get("url").asText()), StandardCharsets.UTF_8))
                .isEqualTo("first");
        JsonNode r = ok(post(fx, API + "/files/" + ft + "/versions/1/revert", null));
        assertThat(r.get("version").asLong()).isEqualTo(4);
        assertThat(r.get("size").asLong()).isEqualTo(5);
        err(get(app, API + "/files/" + ft), 30012, 404); // still only the fixture app's
    }

    static boolean blobExists(byte[] content) throws Exception {
        return ts.blobExists(TestServer.hex("SHA-256", content));
    }

    // ---- batch move ----

    @Test
    void batchMoveMovesAllOrNothing() {
        String from = unique("");
        String to = unique("");
        JsonNode f1 = uploadOk(app, "one.txt", "1", "parent_path", from);
        JsonNode f2 = uploadOk(app, "two.txt", "2", "parent_path", from);
        JsonNode sub = ok(upload(app, "deep.txt", "d".getBytes(StandardCharsets.UTF_8), "parent_path", from + ",sub"));
        String fromToken = f1.get("parent_token").asText();
        String subToken = sub.get("parent_token").asText();
        String toToken = create(app, "{\"filename\":\"marker.docx\",\"parent_path\":[\"" + to + "\"]}")
                .get("parent_token")
                .asText();
        String t1 = f1.get("file_token").asText();
        String t2 = f2.get("file_token").asText();

        // clash: two.txt already in the target → 30015, and nothing moved
        uploadOk(app, "TWO.txt", "clash", "parent_token", toToken);
        err(move(app, List.of(t1, t2), toToken, null), 30015, 409);
        assertThat(ok(get(app, API + "/files/" + t1)).get("parent_token").asText())
                .isEqualTo(fromToken);

        // sources in different folders, same folder as target, folder into itself or below it → 10001
        err(move(app, List.of(t1, sub.get("file_token").asText()), toToken, null), 10001, 400);
        err(move(app, List.of(t1), fromToken, null), 10001, 400);
        err(move(app, List.of(subToken), subToken, null), 10001, 400);
        err(move(app, List.of(fromToken), subToken, null), 10001, 400);
        err(move(app, List.of(), toToken, null), 10001, 400);
        List<String> many = new ArrayList<>();
        for (int i = 0; i < 101; i++) {
            many.add("tok" + i);
        }
        err(move(app, many, toToken, null), 10001, 400);
        err(post(app, API + "/tasks/files/move", "{\"file_tokens\":[\"" + t1 + "\"]}"), 10001, 400); // no parent_token
        err(move(app, List.of(t1, "no-such-token"), toToken, null), 30012, 404);
        err(move(app, List.of(t1), "no-such-folder", null), 30012, 404);
        err(move(app, List.of(subToken), t1, null), 10001, 400); // target is a file

        // to the root and into a folder; duplicates collapsed; modifier kept with its JSON type
        JsonNode moved = ok(move(app, List.of(t1, t1), "", "7"));
        assertThat(moved.get("task_id").asText()).isEmpty();
        assertThat(moved.get("file_tokens")).hasSize(1);
        JsonNode info = ok(get(app, API + "/files/" + t1));
        assertThat(info.get("parent_token").asText()).isEmpty();
        assertThat(info.get("modifier").isNumber()).isTrue();
        assertThat(info.get("version").asLong()).isEqualTo(1);
        JsonNode moved2 = ok(move(app, List.of(subToken, t2), "", "\"m\""));
        assertThat(moved2.toString())
                .isEqualTo("{\"task_id\":\"\",\"file_tokens\":[\"" + subToken + "\",\"" + t2 + "\"]}");
        assertThat(ok(get(app, API + "/files/" + sub.get("file_token").asText()))
                        .get("parent_token")
                        .asText())
                .isEqualTo(subToken);
        ok(move(app, List.of(subToken), toToken, null));
        assertThat(ok(get(app, API + "/files/" + subToken)).get("parent_token").asText())
                .isEqualTo(toToken);
    }

    static HttpResponse<String> move(TestServer.App a, List<String> tokens, String parent, String modifierJson) {
        StringBuilder b = new StringBuilder("{\"file_tokens\":")
                .append(((JsonNode) TestServer.JSON.valueToTree(tokens)).toString());
        if (parent != null) {
            b.append(",\"parent_token\":\"").append(parent).append('"');
        }
        if (modifierJson != null) {
            b.append(",\"modifier\":").append(modifierJson);
        }
        return post(a, API + "/tasks/files/move", b.append('}').toString());
    }

    // ---- isolation ----

    /** Another app's tokens are 30012 everywhere, never 10003: existence does not leak. */
    @Test
    void anAppNeverSeesOrChangesAnotherAppsFiles() {
        String dir = unique("");
        JsonNode mine = uploadOk(app, "secret.txt", "secret", "parent_path", dir);
        String ft = mine.get("file_token").asText();
        String folder = mine.get("parent_token").asText();
        String ownFile =
                uploadOk(other, unique(".txt"), "theirs").get("file_token").asText();

        for (String t : new String[] {ft, folder}) {
            err(get(other, API + "/files/" + t), 30012, 404);
            err(get(other, API + "/files/" + t + "/download"), 30012, 404);
            err(get(other, API + "/files/" + t + "/versions"), 30012, 404);
            err(get(other, API + "/files/" + t + "/versions/1"), 30012, 404);
            err(get(other, API + "/files/" + t + "/versions/1/download"), 30012, 404);
            err(post(other, API + "/files/" + t + "/versions/1/revert", null), 30012, 404);
            err(ts.signed(other, "DELETE", API + "/files/" + t + "/destroy", null, "application/json"), 30012, 404);
            err(move(other, List.of(t), "", null), 30012, 404);
        }
        err(move(other, List.of(ownFile), folder, null), 30012, 404);
        err(upload(other, "x.txt", new byte[] {1}, "parent_token", folder), 30012, 404);
        err(post(other, API + "/files", "{\"filename\":\"x.docx\",\"parent_token\":\"" + folder + "\"}"), 30012, 404);
        // a parent_path of the same name makes the other app its own folder
        JsonNode theirs = uploadOk(other, "secret.txt", "other", "parent_path", dir);
        assertThat(theirs.get("file_token").asText()).isNotEqualTo(ft);
        assertThat(theirs.get("version").asLong()).isEqualTo(1);
        // nothing changed on our side
        JsonNode after = ok(get(app, API + "/files/" + ft));
        assertThat(after).isEqualTo(mine);
        // and personal-space tokens are not reachable through app space either
        TestServer.User u = ts.user(app);
        HttpResponse<String> up = ts.sendRaw(
                "POST",
                "/api/v1/openapi/personal/files/upload?access_token=" + u.token(),
                TestServer.multipart("pb", "p.txt", "text/plain", new byte[] {1}),
                "Content-Type",
                "multipart/form-data; boundary=pb");
        String personal = ok(up).get("id").get("open_id").asText();
        err(get(app, API + "/files/" + personal), 30012, 404);
    }
}
