package io.yundoc.server.sheets;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.yundoc.server.TestServer;
import io.yundoc.server.TestServerExtension;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The et routes (docs/api-families.md §F1.3, §F1.4, §F1.7) over uploaded .xlsx files, hostile ones included. */
class EtSheetsTest {
    @RegisterExtension
    static final TestServerExtension SERVER = TestServerExtension.embedded();

    static TestServer ts;
    static SheetFixture f;
    static TestServer.App app;
    static TestServer.User u;
    static String sample;

    @BeforeAll
    static void start() {
        ts = SERVER.get();
        f = new SheetFixture(ts);
        app = ts.app("test");
        u = ts.user(app);
        sample = f.upload(u, "商品.xlsx", Workbooks.sample());
    }

    static String cells(String ft, int idx, int r1, int r2, int c1, int c2) {
        return "/et/" + ft + "/sheets/" + idx + "/cells?row_from=" + r1 + "&row_to=" + r2 + "&col_from=" + c1
                + "&col_to=" + c2;
    }

    @Test
    void sheetListWithUsedRangesAndVisibility() {
        JsonNode d = f.ok(u, "GET", "/et/" + sample + "/sheets", null);
        JsonNode list = d.get("sheets_info");
        assertThat(list).hasSize(3);
        assertThat(list.get(0).toString())
                .isEqualTo("{\"sheet_id\":1,\"sheet_idx\":0,\"sheet_name\":\"商品\",\"sheet_type\":\"grid\","
                        + "\"is_visible\":true,\"row_from\":0,\"row_to\":3,\"col_from\":0,\"col_to\":5}");
        assertThat(list.get(1).get("sheet_name").asText()).isEqualTo("secret");
        assertThat(list.get(1).get("sheet_id").asLong()).isEqualTo(2); // workbook.xml's sheetId
        assertThat(list.get(1).get("is_visible").asBoolean()).isFalse();
        assertThat(list.get(1).get("row_from").asInt()).isEqualTo(4);
        assertThat(list.get(1).get("col_to").asInt()).isEqualTo(2);
        // an empty sheet answers 0,-1,0,-1 (§F1.2)
        assertThat(list.get(2).get("sheet_name").asText()).isEqualTo("empty");
        assertThat(list.get(2).get("row_to").asInt()).isEqualTo(-1);
        assertThat(list.get(2).get("col_to").asInt()).isEqualTo(-1);
    }

    @Test
    void cellsWithValuesFormatsFormulasAndMerges() {
        JsonNode cells = f.ok(u, "GET", cells(sample, 0, 0, 3, 0, 5), null).get("cells");
        // row-major; the merged A1:B1 once with its full extent
        assertThat(cells.get(0).toString())
                .isEqualTo(
                        "{\"row_from\":0,\"row_to\":0,\"col_from\":0,\"col_to\":1,\"cell_text\":\"商品编号\",\"formula\":\"商品编号\"}");
        assertThat(cells.get(1).toString())
                .isEqualTo(
                        "{\"row_from\":0,\"row_to\":0,\"col_from\":2,\"col_to\":2,\"cell_text\":\"名称\",\"formula\":\"名称\"}");
        JsonNode d2 = find(cells, 1, 3);
        assertThat(d2.get("cell_text").asText()).isEqualTo("8,999.00");
        assertThat(d2.get("num_format").asText()).isEqualTo("#,##0.00");
        assertThat(d2.get("formula").asText()).isEqualTo("8999");
        JsonNode e2 = find(cells, 1, 4);
        assertThat(e2.get("formula").asText()).isEqualTo("=D2*2");
        assertThat(e2.get("cell_text").asText()).isEqualTo("17998");
        assertThat(e2.has("num_format")).isFalse();
        assertThat(find(cells, 1, 1).get("cell_text").asText()).isEqualTo("TRUE");
        // formulas per cell, cached values
        assertThat(find(cells, 3, 5).get("formula").asText()).isEqualTo("=A4+1");
        assertThat(find(cells, 3, 5).get("cell_text").asText()).isEqualTo("4");
        // empty cells are omitted
        assertThat(cells).hasSize(2 + 5 + 2 + 2);
        // a range that only touches the merged area's second cell still reports it whole
        JsonNode b1 = f.ok(u, "GET", cells(sample, 0, 0, 0, 1, 1), null).get("cells");
        assertThat(b1).hasSize(1);
        assertThat(b1.get(0).get("col_from").asInt()).isZero();
        assertThat(b1.get(0).get("col_to").asInt()).isEqualTo(1);
        // a single cell: 0,0,0,0 is A1
        assertThat(f.ok(u, "GET", cells(sample, 0, 1, 1, 3, 3), null).get("cells"))
                .hasSize(1);
        // hidden sheets read like others
        assertThat(f.ok(u, "GET", cells(sample, 1, 0, 10, 0, 10), null)
                        .get("cells")
                        .get(0)
                        .get("cell_text")
                        .asText())
                .isEqualTo("hidden text");
        assertThat(f.ok(u, "GET", cells(sample, 2, 0, 10, 0, 10), null).get("cells"))
                .isEmpty();
    }

    @Test
    void picturesCarryTheirKeyAtTheirAnchorCell() {
        JsonNode cells = f.ok(u, "GET", cells(sample, 0, 4, 9, 5, 9), null).get("cells");
        assertThat(cells).hasSize(1);
        assertThat(cells.get(0).toString())
                .isEqualTo(
                        "{\"row_from\":5,\"row_to\":5,\"col_from\":6,\"col_to\":6,\"cell_text\":\"\",\"pic_key\":\"image1.png\"}");
        assertThat(f.ok(u, "GET", cells(sample, 0, 6, 9, 5, 9), null).get("cells"))
                .isEmpty();
        f.err(u, "GET", cells(sample, 0, 4, 9, 5, 9) + "&with_pic_url=maybe", null, 10001, 400);
    }

    @Test
    void withPicUrlAddsATemporaryUrlOfThePictureBytes() {
        JsonNode cell = f.ok(u, "GET", cells(sample, 0, 4, 9, 5, 9) + "&with_pic_url=true", null)
                .get("cells")
                .get(0);
        assertThat(cell.get("pic_key").asText()).isEqualTo("image1.png");
        String url = cell.get("pic_url").asText();
        assertThat(url).startsWith(ts.base + "/dl/pic/").endsWith("/image1.png");
        String path = url.substring(ts.base.length());
        var r = ts.sendBytes("GET", path, null);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo(Workbooks.png());
        assertThat(r.headers().firstValue("Content-Type")).hasValue("image/png");
        assertThat(r.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
        assertThat(r.headers().firstValue("Cache-Control").orElseThrow()).matches("private, max-age=(29\\d|300)");
        // the ticket is bound: another picture name, a flipped character, a whole-file ticket → 10003
        String ticket = path.substring("/dl/pic/".length(), path.lastIndexOf('/'));
        char last = ticket.charAt(ticket.length() - 1);
        String flipped = ticket.substring(0, ticket.length() - 1) + (last == 'A' ? 'B' : 'A');
        assertThat(TestServer.json(ts.send("GET", "/dl/pic/" + flipped + "/image1.png", null))
                        .get("code")
                        .asInt())
                .isEqualTo(10003);
        assertThat(ts.send("GET", "/dl/pic/not-a-ticket/x.png", null).statusCode())
                .isEqualTo(403);
        String fileUrl = f.ok(u, "GET", "/personal/files/" + sample + "/download", null)
                .get("url")
                .asText();
        String fileTicket = fileUrl.substring(fileUrl.indexOf("/dl/") + 4, fileUrl.lastIndexOf('/'));
        assertThat(TestServer.json(ts.send("GET", "/dl/pic/" + fileTicket + "/image1.png", null))
                        .get("code")
                        .asInt())
                .isEqualTo(10003);
        // expiry on the server clock: 5 minutes
        ts.advanceClock(301);
        var expired = ts.send("GET", path, null);
        assertThat(expired.statusCode()).isEqualTo(403);
        assertThat(TestServer.json(expired).get("hint").asText()).isEqualTo("download url expired");
        // a deleted file's pictures are gone with it
        String gone = f.upload(u, "pic-gone.xlsx", Workbooks.sample());
        String goneUrl = f.ok(u, "GET", cells(gone, 0, 5, 5, 6, 6) + "&with_pic_url=true", null)
                .get("cells")
                .get(0)
                .get("pic_url")
                .asText();
        f.ok(u, "DELETE", "/personal/files/" + gone, null);
        assertThat(TestServer.json(ts.send("GET", goneUrl.substring(ts.base.length()), null))
                        .get("code")
                        .asInt())
                .isEqualTo(30012);
    }

    static JsonNode find(JsonNode cells, int row, int col) {
        for (JsonNode c : cells) {
            if (c.get("row_from").asInt() == row && c.get("col_from").asInt() == col) {
                return c;
            }
        }
        throw new AssertionError("no cell " + row + "," + col + " in " + cells);
    }

    @Test
    void badParametersAre10001() {
        String base = "/et/" + sample + "/sheets/0/cells";
        // the public client that omits the bounds (§F6) gets 10001
        f.err(u, "GET", base, null, 10001, 400);
        f.err(u, "GET", base + "?row_from=0&row_to=1&col_from=0", null, 10001, 400);
        f.err(u, "GET", base + "?row_from=a&row_to=1&col_from=0&col_to=1", null, 10001, 400);
        f.err(u, "GET", cells(sample, 0, -1, 1, 0, 1), null, 10001, 400);
        f.err(u, "GET", cells(sample, 0, 5, 1, 0, 1), null, 10001, 400);
        f.err(u, "GET", cells(sample, 0, 0, 1, 3, 1), null, 10001, 400);
        assertThat(f.err(u, "GET", cells(sample, 0, 0, 2000, 0, 1), null, 10001, 400)
                        .get("hint")
                        .asText())
                .isEqualTo("range too large");
        f.err(u, "GET", cells(sample, 0, 0, 0, 0, 256), null, 10001, 400);
        f.err(u, "GET", cells(sample, 0, 0, 1999, 0, 25), null, 10001, 400); // 52,000 cells
        assertThat(f.ok(u, "GET", cells(sample, 0, 0, 1999, 0, 24), null).get("cells"))
                .isNotEmpty(); // 50,000
        assertThat(f.err(u, "GET", cells(sample, 3, 0, 1, 0, 1), null, 10001, 400)
                        .get("hint")
                        .asText())
                .isEqualTo("sheet not found");
        f.err(u, "GET", "/et/" + sample + "/sheets/x/cells?row_from=0&row_to=1&col_from=0&col_to=1", null, 10001, 400);
        f.err(u, "GET", cells(sample, 0, 0, 1, 0, 1) + "&with_pic_url=maybe", null, 10001, 400);
        // POST et cells is not a route (§F1.5)
        f.err(u, "POST", "/et/" + sample + "/sheets/0/cells", "{\"ranges\":[]}", 30005, 501);
    }

    @Test
    void documentKindsAndVisibility() {
        String docx = f.create(u, "note.docx");
        String ksheet = f.create(u, "grid.ksheet");
        assertThat(f.err(u, "GET", "/et/" + docx + "/sheets", null, 10001, 400)
                        .get("hint")
                        .asText())
                .isEqualTo("document is not an et workbook");
        assertThat(f.err(u, "GET", "/et/" + ksheet + "/sheets", null, 10001, 400)
                        .get("hint")
                        .asText())
                .isEqualTo("document is not an et workbook");
        f.err(u, "GET", "/et/nosuchfile/sheets", null, 30012, 404);
        TestServer.User other = ts.user(app);
        f.err(other, "GET", "/et/" + sample + "/sheets", null, 30012, 404);
        // the recycle bin hides it
        String gone = f.upload(u, "gone.xlsx", Workbooks.sample());
        f.ok(u, "DELETE", "/personal/files/" + gone, null);
        f.err(u, "GET", "/et/" + gone + "/sheets", null, 30012, 404);
        // a token without access_personal_files
        TestServer.User narrow = ts.user(app, "user_basic");
        f.err(narrow, "GET", "/et/" + sample + "/sheets", null, 10003, 403);
        // .xls is read too (EtXlsTest)
        String xls = f.create(u, "old.xls");
        assertThat(f.ok(u, "GET", "/et/" + xls + "/sheets", null).get("sheets_info"))
                .isNotEmpty();
    }

    @Test
    void appSpaceFilesOfTheTokensOwnAppAndNewVersions() {
        // §F0 (row 8): the app's own app-space file is reachable with its users' tokens; another app's is 30012
        String ft = appUpload(app, "app.xlsx", Workbooks.sample());
        assertThat(f.ok(u, "GET", "/et/" + ft + "/sheets", null).get("sheets_info"))
                .hasSize(3);
        TestServer.App other = ts.app("test");
        f.err(ts.user(other), "GET", "/et/" + ft + "/sheets", null, 30012, 404);
        // a new version (same name, same folder) changes what et returns: the latest bytes are read
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            Workbooks.big(out, 3, 2);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        assertThat(appUpload(app, "app.xlsx", out.toByteArray())).isEqualTo(ft);
        JsonNode list = f.ok(u, "GET", "/et/" + ft + "/sheets", null).get("sheets_info");
        assertThat(list).hasSize(1);
        assertThat(list.get(0).get("sheet_name").asText()).isEqualTo("big");
        assertThat(f.ok(u, "GET", cells(ft, 0, 2, 2, 1, 1), null)
                        .get("cells")
                        .get(0)
                        .get("cell_text")
                        .asText())
                .isEqualTo("2001");
    }

    static String appUpload(TestServer.App a, String name, byte[] content) {
        String boundary = "b-" + UUID.randomUUID();
        byte[] body = TestServer.multipart(boundary, name, "application/octet-stream", content);
        var r = ts.signed(
                a, "POST", "/api/v1/openapi/appspace/files/upload", body, "multipart/form-data; boundary=" + boundary);
        JsonNode n = TestServer.json(r);
        assertThat(n.get("code").asInt()).as(r.body()).isZero();
        return n.get("data").get("file_token").asText();
    }

    @Test
    void hostileWorkbooksAnswer30011AndTheServerStaysHealthy() {
        for (var bad : Map.of(
                        "bomb.xlsx",
                        Workbooks.bomb(64),
                        "encrypted.xlsx",
                        Workbooks.encrypted(),
                        "truncated.xlsx",
                        Workbooks.truncated(),
                        "text.xlsx",
                        "not a zip at all".getBytes(StandardCharsets.UTF_8))
                .entrySet()) {
            String ft = f.upload(u, bad.getKey(), bad.getValue());
            for (int i = 0; i < 2; i++) {
                assertThat(f.err(u, "GET", "/et/" + ft + "/sheets", null, 30011, 500)
                                .get("hint")
                                .asText())
                        .as(bad.getKey())
                        .isEqualTo("workbook cannot be read");
                f.err(u, "GET", cells(ft, 0, 0, 10, 0, 10), null, 30011, 500);
            }
        }
        assertThat(ts.send("GET", "/health", null).statusCode()).isEqualTo(200);
        assertThat(f.ok(u, "GET", cells(sample, 0, 0, 0, 0, 0), null).get("cells"))
                .hasSize(1);
    }

    @Test
    void repeatedRangeReadsDoNotReparse() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Workbooks.big(out, 5000, 20);
        String ft = f.upload(u, "big.xlsx", out.toByteArray());
        JsonNode info =
                f.ok(u, "GET", "/et/" + ft + "/sheets", null).get("sheets_info").get(0);
        assertThat(info.get("row_to").asInt()).isEqualTo(4999);
        assertThat(info.get("col_to").asInt()).isEqualTo(19);
        long before = parses();
        JsonNode first = f.ok(u, "GET", cells(ft, 0, 1000, 2999, 0, 19), null).get("cells");
        assertThat(first).hasSize(40_000);
        assertThat(first.get(0).get("cell_text").asText()).isEqualTo("1000000");
        assertThat(first.get(39_999).get("formula").asText()).isEqualTo("2999019");
        long afterFirst = parses();
        assertThat(afterFirst - before).isEqualTo(1);
        for (int i = 0; i < 5; i++) {
            assertThat(f.ok(u, "GET", cells(ft, 0, 1500 + i, 1600, 3, 4), null).get("cells"))
                    .hasSize((101 - i) * 2);
        }
        assertThat(parses()).isEqualTo(afterFirst);
    }

    /** {@code yundoc_et_sheet_parses_total} from /metrics. */
    static long parses() {
        return parses(ts);
    }

    static long parses(TestServer server) {
        String text = server.send("GET", "/metrics", null).body();
        var m = Pattern.compile("(?m)^yundoc_et_sheet_parses_total(\\{[^}]*\\})? ([0-9.eE+]+)$")
                .matcher(text);
        assertThat(m.find()).as(text).isTrue();
        return (long) Double.parseDouble(m.group(2));
    }
}
