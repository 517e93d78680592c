package io.yundoc.server.drive;

import static org.assertj.core.api.Assertions.assertThat;

import io.yundoc.server.TestServer;
import io.yundoc.server.TestServerExtension;
import io.yundoc.server.files.FileRecord;
import io.yundoc.server.files.FileStore;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A folder of 10,000 files in the web drive (issue 18): every page of 100 through the listing's cursor, in every
 * order, folders first, each item exactly once, in the order the listing promises (ties broken by id). The files
 * are written straight through {@link FileStore} in one transaction: 10,000 uploads over HTTP would take minutes
 * on a loaded machine and test nothing the listing depends on. Tagged integration: walking 100 pages per order
 * takes longer than the quick phase allows.
 */
@Tag("integration")
class DriveBigFolderTest {
    private static final int FILES = 10_000;
    private static final Pattern ROW = Pattern.compile("<tr data-id=\"([^\"]+)\">");
    private static final Pattern MORE = Pattern.compile("hx-get=\"([^\"]+)\"");

    @RegisterExtension
    static final TestServerExtension ts = TestServerExtension.embedded();

    static DriveSession s;
    static String big;
    /** Every item of the folder: the three sub-folders, then the files. */
    static final List<FileRecord> items = new ArrayList<>();

    @BeforeAll
    static void fill() {
        s = DriveSession.signIn(ts.get(), "big-folder", "big-folder-password");
        DriveHttpTest.location(s.action("op", "mkdir", "name", "big"));
        big = folderId(s.get("/drive").body(), "big");
        for (String sub : List.of("zz-last-by-name", "aa-sub", "mm-sub")) {
            DriveHttpTest.location(s.action("op", "mkdir", "folder", big, "name", sub));
        }
        String page = s.get("/drive?folder=" + big).body();
        for (String sub : List.of("zz-last-by-name", "aa-sub", "mm-sub")) {
            items.add(ts.server().files().find(folderId(page, sub)).orElseThrow());
        }
        long now = ts.server().clock().epochSeconds();
        List<FileRecord> files = new ArrayList<>(FILES);
        for (int i = 0; i < FILES; i++) {
            // sizes and times repeat, so the id tie-break is exercised in every order but the name
            files.add(new FileRecord(
                    ts.server().ids().fileToken(),
                    FileRecord.PERSONAL,
                    s.userId(),
                    big,
                    String.format("f%05d.txt", i),
                    "file",
                    (i * 7919L) % 1009,
                    null,
                    "text/plain",
                    1,
                    null,
                    null,
                    null,
                    now - 86_400,
                    now - (i % 997),
                    null,
                    null,
                    null,
                    null));
        }
        ts.server().database().jdbi().useTransaction(h -> files.forEach(f -> FileStore.insert(h, f)));
        items.addAll(files);
    }

    private static String folderId(String page, String name) {
        Matcher m = Pattern.compile("href=\"/drive\\?folder=([^\"]+)\">" + Pattern.quote(name) + "</a>")
                .matcher(page);
        assertThat(m.find()).as(name + " in the page").isTrue();
        return m.group(1);
    }

    /** The folder's item ids in the order the listing promises: folders first, then the key, ties by id. */
    private static List<String> expected(String sort, boolean desc) {
        Comparator<FileRecord> key = switch (sort) {
            case "name" -> Comparator.comparing(FileRecord::name);
            case "size" -> Comparator.comparingLong(f -> f.isFolder() ? 0 : f.size());
            case "mtime" -> Comparator.comparingLong(FileRecord::mtime);
            default -> throw new IllegalArgumentException(sort);
        };
        Comparator<FileRecord> order = Comparator.comparingInt((FileRecord f) -> f.isFolder() ? 0 : 1)
                .thenComparing(desc ? key.reversed() : key)
                .thenComparing(FileRecord::fileId);
        return items.stream().sorted(order).map(FileRecord::fileId).toList();
    }

    /** Walks every page from the first by the "show more" rows; returns the ids in page order. */
    private static List<String> walk(String sort, boolean desc) {
        HttpResponse<String> first =
                s.get("/drive?folder=" + big + "&sort=" + sort + "&order=" + (desc ? "desc" : "asc"));
        assertThat(first.statusCode()).isEqualTo(200);
        List<String> ids = new ArrayList<>();
        String body = first.body();
        for (int page = 0; ; page++) {
            assertThat(page).as("pages").isLessThan(FILES / 100 + 5);
            List<String> rows = rows(body);
            Matcher more = MORE.matcher(body);
            if (!more.find()) {
                assertThat(rows).as("the last page").isNotEmpty().hasSizeLessThanOrEqualTo(100);
                ids.addAll(rows);
                return ids;
            }
            assertThat(rows).as("a full page").hasSize(100);
            ids.addAll(rows);
            HttpResponse<String> next = s.get(more.group(1).replace("&amp;", "&"));
            assertThat(next.statusCode()).isEqualTo(200);
            body = next.body();
        }
    }

    private static List<String> rows(String html) {
        List<String> out = new ArrayList<>();
        Matcher m = ROW.matcher(html);
        while (m.find()) {
            out.add(m.group(1));
        }
        return out;
    }

    @Test
    void firstPageIsFoldersFirstThenTheFirstFilesByName() {
        String html = s.get("/drive?folder=" + big).body();
        List<String> rows = rows(html);
        assertThat(rows)
                .hasSize(100)
                .containsExactlyElementsOf(expected("name", false).subList(0, 100));
        assertThat(html.indexOf("zz-last-by-name")).isLessThan(html.indexOf("f00000.txt"));
        assertThat(html).contains("f00096.txt").doesNotContain("f00097.txt").contains("id=\"more\"");
    }

    @Test
    void everyPageByNameInBothDirectionsHoldsEachItemOnce() {
        assertThat(walk("name", false)).containsExactlyElementsOf(expected("name", false));
        List<String> desc = walk("name", true);
        assertThat(desc).containsExactlyElementsOf(expected("name", true));
        assertThat(desc.get(desc.size() - 1)).isEqualTo(items.get(3).fileId()); // f00000.txt last
    }

    @Test
    void everyPageBySizeAndTimeBreaksTiesById() {
        assertThat(walk("size", true)).containsExactlyElementsOf(expected("size", true));
        assertThat(walk("mtime", false)).containsExactlyElementsOf(expected("mtime", false));
    }

    @Test
    void theApiListsTheSameFolderInTheSameOrder() {
        TestServerExtension server = ts;
        var app = server.app("test");
        var user = server.token(app, s.userId());
        var page = TestServer.json(server.send(
                "GET",
                "/api/v1/openapi/personal/files?parent_id=" + big + "&count=100&order_by=fname&order=asc&access_token="
                        + user.token(),
                null));
        assertThat(page.get("code").asInt()).isZero();
        List<String> api = new ArrayList<>();
        page.get("data")
                .get("files")
                .forEach(f -> api.add(f.get("id").get("open_id").asText()));
        assertThat(api).containsExactlyElementsOf(expected("name", false).subList(0, 100));
    }
}
