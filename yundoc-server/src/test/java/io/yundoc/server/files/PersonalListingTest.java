package io.yundoc.server.files;

import static io.yundoc.server.files.DriveFixture.id;
import static io.yundoc.server.files.DriveFixture.ids;
import static io.yundoc.server.files.DriveFixture.names;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.yundoc.server.TestServer;
import io.yundoc.server.TestServerExtension;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Listings, paging cursors, flat list, app folder, recent, and both searches (api.md §5.1, §5.3). */
class PersonalListingTest {
    @RegisterExtension
    static final TestServerExtension ts = TestServerExtension.embedded();

    static DriveFixture d;
    static TestServer.App app;

    @BeforeAll
    static void start() {
        d = new DriveFixture(ts.get());
        app = ts.app("test");
    }

    @Test
    void listShapeFoldersFirstAndEndMarker() {
        TestServer.User u = ts.user(app);
        String dir = d.folder(u, "shape");
        d.upload(u, "b.txt", "bb", "parent_id", dir);
        d.upload(u, "a.txt", "a", "parent_id", dir);
        d.folder(u, "shape", "sub");
        JsonNode data = d.ok(u, "GET", "/files?parent_id=" + dir + "&order_by=fname&order=asc", null);
        assertThat(data.fieldNames()).toIterable().containsExactly("files", "next_offset", "next_filter");
        assertThat(names(data.get("files"))).containsExactly("sub", "a.txt", "b.txt");
        JsonNode item = data.get("files").get(1);
        assertThat(item.fieldNames())
                .toIterable()
                .containsExactly("id", "fname", "ftype", "fsize", "ctime", "mtime", "parent_id");
        assertThat(item.get("id").get("open_id").isTextual()).isTrue();
        assertThat(item.get("ftype").asText()).isEqualTo("file");
        assertThat(item.get("fsize").isIntegralNumber()).isTrue();
        assertThat(item.get("fsize").asLong()).isEqualTo(1);
        assertThat(item.get("mtime").isIntegralNumber()).isTrue();
        assertThat(item.get("parent_id").asText()).isEqualTo(dir);
        assertThat(data.get("files").get(0).get("ftype").asText()).isEqualTo("folder");
        assertThat(data.get("next_offset").asLong()).isEqualTo(-1);
        assertThat(data.get("next_filter").asText()).isEmpty();

        // fsize desc, filter=file, open_parentid alias, "0" = root
        assertThat(names(d.ok(u, "GET", "/files?open_parentid=" + dir + "&order_by=fsize&filter=file", null)
                        .get("files")))
                .containsExactly("b.txt", "a.txt");
        assertThat(names(d.ok(u, "GET", "/files?parent_id=0&order_by=fname&order=asc", null)
                        .get("files")))
                .contains("shape");
        assertThat(d.ok(u, "GET", "/files?parent_id=" + dir + "&count=1&order_by=fname&order=asc", null)
                        .get("next_filter")
                        .asText())
                .isEqualTo("file");
        // a full last page already answers -1
        assertThat(d.ok(u, "GET", "/files?parent_id=" + dir + "&count=3", null)
                        .get("next_offset")
                        .asLong())
                .isEqualTo(-1);
    }

    @Test
    void badParameters() {
        TestServer.User u = ts.user(app);
        for (String q : List.of(
                "count=0",
                "count=-1",
                "count=x",
                "offset=-1",
                "offset=1.5",
                "order=ASC",
                "order_by=size",
                "filter=group",
                "filter=x",
                "ignore=nothing")) {
            assertThat(d.code(u, "GET", "/files?" + q, null)).as(q).isEqualTo(10001);
        }
        assertThat(d.code(u, "GET", "/files?parent_id=nope", null)).isEqualTo(30012);
        assertThat(d.code(u, "GET", "/files?parent_id=../../etc", null)).isEqualTo(30012);
        JsonNode f = d.upload(u, "file.txt", "x", "path_from_root", "true");
        assertThat(d.code(u, "GET", "/files?parent_id=" + id(f), null)).isEqualTo(10001);
        // an issued-range offset that was never issued
        assertThat(d.call(u, "GET", "/files?offset=" + (1L << 51), null)
                        .get("hint")
                        .asText())
                .isEqualTo("offset expired");
        // count is clamped to 100
        assertThat(d.code(u, "GET", "/files?count=1000", null)).isZero();
    }

    @Test
    void otherUsersFoldersAreInvisible() {
        TestServer.User owner = ts.user(app);
        TestServer.User other = ts.user(app);
        String dir = d.folder(owner, "private");
        d.upload(owner, "secret.txt", "s", "parent_id", dir);
        JsonNode r = d.call(other, "GET", "/files?parent_id=" + dir, null);
        assertThat(r.get("code").asInt()).isEqualTo(30012);
        assertThat(r.toString()).doesNotContain("secret");
        assertThat(names(d.ok(other, "GET", "/files/flat", null).get("files"))).doesNotContain("secret.txt", "private");
        assertThat(d.ok(other, "GET", "/files/recent", null).get("files")).isEmpty();
    }

    /** Cursor paging while other requests insert and delete: every item present throughout comes exactly once. */
    @Test
    void cursorPagingUnderConcurrentInsertsAndDeletes() {
        for (String order :
                List.of("order_by=fname&order=asc", "order_by=mtime&order=desc", "order_by=fsize&order=desc")) {
            TestServer.User u = ts.user(app);
            String dir = d.folder(u, "paging");
            List<String> stable = new ArrayList<>();
            List<String> doomed = new ArrayList<>();
            for (int i = 0; i < 24; i++) {
                JsonNode f = d.upload(u, String.format("f%02d.txt", i), "x".repeat(i % 5), "parent_id", dir);
                (i % 6 == 5 ? doomed : stable).add(id(f));
            }
            for (int i = 0; i < 3; i++) {
                stable.add(d.folder(u, "paging", "sub" + i));
            }
            List<String> seen = new ArrayList<>();
            long offset = 0;
            String filter = "";
            int pages = 0;
            int inserted = 0;
            while (true) {
                JsonNode page = d.ok(
                        u,
                        "GET",
                        "/files?parent_id=" + dir + "&count=5&" + order + "&offset=" + offset + "&filter=" + filter,
                        null);
                seen.addAll(ids(page.get("files")));
                pages++;
                offset = page.get("next_offset").asLong();
                filter = page.get("next_filter").asText();
                if (offset == -1) {
                    assertThat(filter).isEmpty();
                    break;
                }
                assertThat(offset).isGreaterThanOrEqualTo(1L << 50);
                // concurrent changes between pages: new files sorting before and after the cursor, deletions
                d.upload(u, "a-new" + inserted + ".txt", "", "parent_id", dir);
                d.upload(u, "z-new" + inserted + ".txt", "xxxxxxxx", "parent_id", dir);
                inserted++;
                if (!doomed.isEmpty()) {
                    d.ok(u, "DELETE", "/files/" + doomed.remove(0), null);
                }
            }
            assertThat(pages).as(order).isGreaterThan(4);
            assertThat(new HashSet<>(seen)).as(order + ": no duplicates").hasSize(seen.size());
            assertThat(seen).as(order + ": no gaps").containsAll(stable);
        }
    }

    /** The same guarantee with a second client inserting and deleting in parallel while the first one pages. */
    @Test
    void cursorPagingWhileAnotherClientWritesInParallel() throws Exception {
        TestServer.User u = ts.user(app);
        String dir = d.folder(u, "parallel");
        List<String> stable = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            stable.add(id(d.upload(u, String.format("s%02d.txt", i), "x", "parent_id", dir)));
        }
        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger writes = new AtomicInteger();
        Thread writer = Thread.ofPlatform().start(() -> {
            for (int i = 0; !stop.get() && i < 200; i++) {
                JsonNode f =
                        d.upload(u, (i % 2 == 0 ? "a" : "z") + "-w" + i + ".txt", "y".repeat(i % 7), "parent_id", dir);
                if (i % 3 == 0) {
                    d.ok(u, "DELETE", "/files/" + id(f), null);
                }
                writes.incrementAndGet();
            }
        });
        try {
            for (String order :
                    List.of("order_by=fname&order=asc", "order_by=mtime&order=desc", "order_by=fsize&order=asc")) {
                List<String> seen = new ArrayList<>();
                long offset = 0;
                do {
                    JsonNode page =
                            d.ok(u, "GET", "/files?parent_id=" + dir + "&count=4&" + order + "&offset=" + offset, null);
                    seen.addAll(ids(page.get("files")));
                    offset = page.get("next_offset").asLong();
                    // the writer commits at least once between two pages (until its 200 writes are done), so page
                    // boundaries see changes
                    long before = writes.get();
                    await().atMost(Duration.ofSeconds(10))
                            .pollInterval(Duration.ofMillis(2))
                            .until(() -> writes.get() > before || !writer.isAlive());
                } while (offset != -1);
                assertThat(new HashSet<>(seen)).as(order + ": no duplicates").hasSize(seen.size());
                assertThat(seen).as(order + ": no gaps").containsAll(stable);
            }
        } finally {
            stop.set(true);
            writer.join();
        }
        assertThat(writes.get()).isPositive();
    }

    @Test
    void plainOffsetsArePositionsAndFilterStartsASegment() {
        TestServer.User u = ts.user(app);
        String dir = d.folder(u, "plain");
        for (int i = 0; i < 4; i++) {
            d.upload(u, "f" + i + ".txt", "x", "parent_id", dir);
        }
        d.folder(u, "plain", "d1");
        d.folder(u, "plain", "d2");
        String q = "/files?parent_id=" + dir + "&order_by=fname&order=asc";
        assertThat(names(d.ok(u, "GET", q + "&offset=1&count=2", null).get("files")))
                .containsExactly("d2", "f0.txt");
        assertThat(names(d.ok(u, "GET", q + "&filter=file&count=10", null).get("files")))
                .containsExactly("f0.txt", "f1.txt", "f2.txt", "f3.txt");
        assertThat(names(d.ok(u, "GET", q + "&filter=file&offset=4", null).get("files")))
                .containsExactly("f2.txt", "f3.txt");
        assertThat(d.ok(u, "GET", q + "&offset=99", null).get("files")).isEmpty();
        // a cursor is bound to its listing: another parent or another user → offset expired
        long cursor = d.ok(u, "GET", q + "&count=1", null).get("next_offset").asLong();
        assertThat(d.code(u, "GET", "/files?order_by=fname&order=asc&offset=" + cursor, null))
                .isEqualTo(10001);
        TestServer.User other = ts.user(app);
        assertThat(d.code(other, "GET", "/files?order_by=fname&order=asc&offset=" + cursor, null))
                .isEqualTo(10001);
        // an expired cursor (clock moved past its lifetime) → 10001 offset expired
        long c2 = d.ok(u, "GET", q + "&count=1", null).get("next_offset").asLong();
        ts.adminOk("POST", "/clock", "{\"advance_seconds\":7300}");
        assertThat(d.call(u, "GET", q + "&offset=" + c2, null).get("hint").asText())
                .isEqualTo("offset expired");
    }

    @Test
    void flatListWithIgnoreAndExts() {
        TestServer.User u = ts.user(app);
        d.upload(u, "one.TXT", "1", "path_from_root", "true", "parent_path", "x,y");
        d.upload(u, "two.md", "2", "path_from_root", "true");
        d.upload(u, "three.pdf", "3", "path_from_root", "true");
        JsonNode all = d.ok(u, "GET", "/files/flat?count=100", null);
        assertThat(names(all.get("files")))
                .contains("x", "y", "one.TXT", "two.md", "three.pdf")
                .doesNotContain("我的文档");
        assertThat(names(d.ok(u, "GET", "/files/flat?exts=txt&exts=.md", null).get("files")))
                .containsExactlyInAnyOrder("one.TXT", "two.md");
        assertThat(names(d.ok(u, "GET", "/files/flat?exts=txt,pdf", null).get("files")))
                .containsExactlyInAnyOrder("one.TXT", "three.pdf");
        assertThat(names(d.ok(u, "GET", "/files/flat?ignore=group&ignore=folder", null)
                        .get("files")))
                .containsExactlyInAnyOrder("one.TXT", "two.md", "three.pdf");
        assertThat(names(d.ok(u, "GET", "/files/flat?ignore=file", null).get("files")))
                .containsExactlyInAnyOrder("x", "y");
        assertThat(names(d.ok(u, "GET", "/files/flat?filter=group&order_by=fname&order=asc", null)
                        .get("files")))
                .startsWith("x", "y");
        assertThat(d.code(u, "GET", "/files/flat?filter=bogus", null)).isEqualTo(10001);
        // paging through flat with a cursor
        Set<String> seen = new LinkedHashSet<>();
        long off = 0;
        do {
            JsonNode p = d.ok(u, "GET", "/files/flat?count=2&offset=" + off, null);
            seen.addAll(ids(p.get("files")));
            off = p.get("next_offset").asLong();
        } while (off != -1);
        assertThat(seen).hasSize(5);
    }

    @Test
    void appFolderIsLazyAndBounded() {
        TestServer.App own = ts.app("test");
        TestServer.User u = ts.user(own);
        assertThat(d.ok(u, "GET", "/apps/files", null).toString())
                .isEqualTo("{\"files\":[],\"next_offset\":-1,\"next_filter\":\"\"}");
        JsonNode f = d.ok(u, "POST", "/files", "{\"filename\":\"a.docx\"}");
        JsonNode inApp = d.ok(u, "GET", "/apps/files", null);
        assertThat(ids(inApp.get("files"))).containsExactly(id(f));
        JsonNode sub = d.upload(u, "deep.txt", "x", "parent_path", "p1");
        assertThat(names(d.ok(
                                u,
                                "GET",
                                "/apps/files?parent_id=" + sub.get("parent_id").asText(),
                                null)
                        .get("files")))
                .containsExactly("deep.txt");
        String outside = d.folder(u, "outside");
        assertThat(d.code(u, "GET", "/apps/files?parent_id=" + outside, null)).isEqualTo(10001);
        assertThat(d.code(u, "GET", "/apps/files?parent_id=0", null)).isEqualTo(10001);
    }

    @Test
    void recentIsFilesOnlyNewestFirst() {
        TestServer.User u = ts.user(app);
        d.upload(u, "old.txt", "1", "path_from_root", "true", "parent_path", "r");
        ts.adminOk("POST", "/clock", "{\"advance_seconds\":5}");
        d.upload(u, "new.txt", "2", "path_from_root", "true");
        JsonNode r = d.ok(u, "GET", "/files/recent?count=1", null);
        assertThat(r.fieldNames()).toIterable().containsExactly("files", "next_offset");
        assertThat(names(r.get("files"))).containsExactly("new.txt");
        long next = r.get("next_offset").asLong();
        JsonNode r2 = d.ok(u, "GET", "/files/recent?count=5&offset=" + next, null);
        assertThat(names(r2.get("files"))).containsExactly("old.txt");
        assertThat(r2.get("next_offset").asLong()).isEqualTo(-1);
    }

    @Test
    void searchByNameInsideTheAppFolder() {
        TestServer.App own = ts.app("test");
        TestServer.User u = ts.user(own);
        d.upload(u, "季度报告.txt", "x");
        d.upload(u, "Report-2024.TXT", "x", "parent_path", "archive");
        d.upload(u, "report outside.txt", "x", "path_from_root", "true");
        JsonNode r = d.ok(u, "GET", "/files/search/name?file_name=report", null);
        assertThat(r.fieldNames()).toIterable().containsExactly("files", "next_offset");
        assertThat(names(r.get("files"))).containsExactly("Report-2024.TXT");
        assertThat(names(d.ok(u, "GET", "/files/search/name?file_name=" + enc("度报"), null)
                        .get("files")))
                .containsExactly("季度报告.txt");
        assertThat(names(d.ok(u, "GET", "/files/search/name?file_name=" + enc("%"), null)
                        .get("files")))
                .isEmpty();
        assertThat(names(d.ok(u, "GET", "/files/search/name?file_name=ar", null).get("files")))
                .containsExactly("archive");
        assertThat(d.code(u, "GET", "/files/search/name", null)).isEqualTo(10001);
        String outside = d.folder(u, "elsewhere");
        assertThat(d.code(u, "GET", "/files/search/name?file_name=a&open_parentid=" + outside, null))
                .isEqualTo(10001);
    }

    @Test
    void searchByContentFindsChineseSubstringsAndOfficeText() throws Exception {
        TestServer.User u = ts.user(app);
        TestServer.User other = ts.user(app);
        JsonNode notes = d.upload(u, "notes.md", "# 会议纪要\n今天讨论了云文档的迁移计划 Migration PLAN", "path_from_root", "true");
        d.upload(u, "data.csv", "name,city\nzhang,北京\n", "path_from_root", "true", "parent_path", "csv");
        d.upload(u, "image.png", "云文档的迁移计划", "path_from_root", "true");
        d.upload(other, "theirs.txt", "云文档的迁移计划", "path_from_root", "true");
        byte[] docx = OfficeSamples.docx("季度预算审批流程");
        d.upload(u, "budget.docx", docx, "path_from_root", "true");
        d.upload(u, "paper.pdf", OfficeSamples.pdf("Quarterly Zebra Inventory"), "path_from_root", "true");
        d.flushIndex();
        assertThat(names(d.ok(u, "GET", "/files/search/content?content=zebra%20inv", null)
                        .get("files")))
                .containsExactly("paper.pdf");
        assertThat(names(d.ok(u, "GET", "/files/search/content?content=" + enc("迁移计划"), null)
                        .get("files")))
                .containsExactly("notes.md");
        assertThat(names(d.ok(u, "GET", "/files/search/content?content=migration%20plan", null)
                        .get("files")))
                .containsExactly("notes.md");
        assertThat(names(d.ok(u, "GET", "/files/search/content?content=" + enc("北京"), null)
                        .get("files")))
                .containsExactly("data.csv");
        assertThat(names(d.ok(u, "GET", "/files/search/content?content=" + enc("预算审批"), null)
                        .get("files")))
                .containsExactly("budget.docx");
        // short query: scan fallback, same semantics
        assertThat(names(d.ok(u, "GET", "/files/search/content?content=" + enc("纪"), null)
                        .get("files")))
                .containsExactly("notes.md");
        // copies are indexed; items in the recycle bin never match
        String copy = d.ok(u, "POST", "/tasks/files/copy", "{\"file_ids\":[\"" + id(notes) + "\"]}")
                .get("file_ids")
                .get(0)
                .asText();
        d.ok(u, "DELETE", "/files/" + id(notes), null);
        d.flushIndex();
        assertThat(ids(d.ok(u, "GET", "/files/search/content?content=" + enc("迁移计划"), null)
                        .get("files")))
                .containsExactly(copy);
        String csvDir = d.ok(u, "GET", "/files/search/name?file_name=x", null).toString(); // app folder absent: empty
        assertThat(csvDir).contains("\"files\":[]");
        assertThat(d.code(u, "GET", "/files/search/content?content=" + "x".repeat(101), null))
                .isEqualTo(10001);
        assertThat(d.code(u, "GET", "/files/search/content", null)).isEqualTo(10001);
    }

    static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
