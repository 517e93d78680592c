package io.yundoc.server.sheets;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.yundoc.server.TestServer;
import io.yundoc.server.TestServerExtension;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** ksheet grid routes (docs/api-families.md §F1.3–§F1.5): blank documents, write → read round trips, limits, errors. */
class KsheetCellsTest {
    @RegisterExtension
    static final TestServerExtension SERVER = TestServerExtension.embedded();

    static TestServer ts;
    static SheetFixture f;
    static TestServer.App app;
    static TestServer.User u;

    @BeforeAll
    static void start() {
        ts = SERVER.get();
        f = new SheetFixture(ts);
        app = ts.app("test");
        u = ts.user(app);
    }

    static String cells(String ft, int idx, int r1, int r2, int c1, int c2) {
        return "/ksheet/" + ft + "/sheets/" + idx + "/cells?row_from=" + r1 + "&row_to=" + r2 + "&col_from=" + c1
                + "&col_to=" + c2;
    }

    static String write(String ft, int idx) {
        return "/ksheet/" + ft + "/sheets/" + idx + "/cells";
    }

    static String formula(int r1, int r2, int c1, int c2, String formula) {
        return "{\"op_type\":\"formula\",\"row_from\":" + r1 + ",\"row_to\":" + r2 + ",\"col_from\":" + c1
                + ",\"col_to\":" + c2 + ",\"formula\":" + TestServer.JSON.valueToTree(formula) + "}";
    }

    static String ranges(String... items) {
        return "{\"ranges\":[" + String.join(",", items) + "]}";
    }

    @Test
    void blankKsheetHasOneEmptyGridSheet() {
        String ft = f.create(u, "blank.ksheet");
        JsonNode d = f.ok(u, "GET", "/ksheet/" + ft + "/sheets", null);
        assertThat(d.toString())
                .isEqualTo(
                        "{\"sheets_info\":[{\"sheet_id\":1,\"sheet_idx\":0,\"sheet_name\":\"Sheet1\",\"sheet_type\":\"grid\","
                                + "\"is_visible\":true,\"row_from\":0,\"row_to\":-1,\"col_from\":0,\"col_to\":-1}]}");
        assertThat(f.ok(u, "GET", cells(ft, 0, 0, 10, 0, 10), null).toString()).isEqualTo("{\"cells\":[]}");
    }

    @Test
    void documentedExampleWritesFourCells() {
        String ft = f.create(u, "example.ksheet");
        // verbatim from ksheet/workbook-update-cells.html
        JsonNode d = f.ok(
                u,
                "POST",
                write(ft, 0),
                "{\"ranges\":[{\"op_type\":\"formula\",\"row_from\":0,\"row_to\":1,\"col_from\":0,\"col_to\":1,\"formula\":\"2222\"}]}");
        assertThat(d.toString()).isEqualTo("{}");
        JsonNode cells = f.ok(u, "GET", cells(ft, 0, 0, 5, 0, 5), null).get("cells");
        assertThat(cells).hasSize(4);
        for (JsonNode c : cells) {
            assertThat(c.get("cell_text").asText()).isEqualTo("2222");
            assertThat(c.get("formula").asText()).isEqualTo("2222");
        }
        JsonNode s = f.ok(u, "GET", "/ksheet/" + ft + "/sheets", null)
                .get("sheets_info")
                .get(0);
        assertThat(s.get("row_to").asInt()).isEqualTo(1);
        assertThat(s.get("col_to").asInt()).isEqualTo(1);
    }

    @Test
    void roundTripFormulasFormatsMergesPictures() {
        String ft = f.create(u, "round.ksheet");
        f.ok(
                u,
                "POST",
                write(ft, 0),
                ranges(
                        formula(0, 0, 0, 0, "商品编号"),
                        formula(1, 1, 0, 0, "8999"),
                        formula(1, 1, 1, 1, "=A2*2"),
                        formula(1, 1, 2, 2, "=SUM(A2:B2)/3"),
                        formula(1, 1, 3, 3, "=A1&\"!\""),
                        formula(1, 1, 4, 4, "=1/0"),
                        formula(1, 1, 5, 5, "=F2"),
                        "{\"op_type\":\"format\",\"row_from\":1,\"row_to\":1,\"col_from\":0,\"col_to\":2,\"num_format\":\"#,##0.00\"}",
                        formula(2, 2, 0, 0, "left"),
                        formula(2, 2, 1, 1, "gone"),
                        "{\"op_type\":\"merge\",\"row_from\":2,\"row_to\":3,\"col_from\":0,\"col_to\":1}",
                        "{\"op_type\":\"picture\",\"row_from\":5,\"row_to\":5,\"col_from\":0,\"col_to\":0,\"url\":\"https://img.example.com/a.png\"}"));
        JsonNode cells = f.ok(u, "GET", cells(ft, 0, 0, 9, 0, 9), null).get("cells");
        assertThat(EtSheetsTest.find(cells, 0, 0).get("cell_text").asText()).isEqualTo("商品编号");
        JsonNode a2 = EtSheetsTest.find(cells, 1, 0);
        assertThat(a2.get("cell_text").asText()).isEqualTo("8,999.00");
        assertThat(a2.get("formula").asText()).isEqualTo("8999");
        assertThat(a2.get("num_format").asText()).isEqualTo("#,##0.00");
        assertThat(EtSheetsTest.find(cells, 1, 1).get("cell_text").asText()).isEqualTo("17,998.00");
        assertThat(EtSheetsTest.find(cells, 1, 1).get("formula").asText()).isEqualTo("=A2*2");
        assertThat(EtSheetsTest.find(cells, 1, 2).get("cell_text").asText()).isEqualTo("8,999.00");
        assertThat(EtSheetsTest.find(cells, 1, 3).get("cell_text").asText()).isEqualTo("商品编号!");
        assertThat(EtSheetsTest.find(cells, 1, 4).get("cell_text").asText()).isEqualTo("#DIV/0!");
        assertThat(EtSheetsTest.find(cells, 1, 5).get("cell_text").asText()).isEqualTo("#REF!"); // refers to itself
        JsonNode merged = EtSheetsTest.find(cells, 2, 0);
        assertThat(merged.get("row_to").asInt()).isEqualTo(3);
        assertThat(merged.get("col_to").asInt()).isEqualTo(1);
        assertThat(merged.get("cell_text").asText()).isEqualTo("left");
        JsonNode pic = EtSheetsTest.find(cells, 5, 0);
        assertThat(pic.get("pic_url").asText()).isEqualTo("https://img.example.com/a.png");
        assertThat(pic.get("cell_text").asText()).isEmpty();
        assertThat(cells).hasSize(6 + 1 + 1 + 1);
        // the merged area sticks out of a range that touches only its bottom-right cell
        JsonNode b4 = f.ok(u, "GET", cells(ft, 0, 3, 3, 1, 1), null).get("cells");
        assertThat(b4).hasSize(1);
        assertThat(b4.get(0).get("row_from").asInt()).isEqualTo(2);
        // overwrite, clear with "", unmerge
        f.ok(
                u,
                "POST",
                write(ft, 0),
                ranges(
                        formula(1, 1, 0, 0, "1"),
                        formula(0, 0, 0, 0, ""),
                        "{\"op_type\":\"merge\",\"row_from\":2,\"row_to\":2,\"col_from\":0,\"col_to\":0,\"merge\":false}"));
        cells = f.ok(u, "GET", cells(ft, 0, 0, 9, 0, 9), null).get("cells");
        assertThat(EtSheetsTest.find(cells, 1, 1).get("cell_text").asText()).isEqualTo("2.00");
        assertThat(cells.get(0).get("row_from").asInt()).isEqualTo(1);
        assertThat(EtSheetsTest.find(cells, 2, 0).get("row_to").asInt()).isEqualTo(2);
    }

    @Test
    void oneRangePerCellAsAPublicClientWrites() {
        String ft = f.create(u, "client.ksheet");
        StringBuilder items = new StringBuilder();
        for (int r = 0; r < 40; r++) {
            for (int c = 0; c < 50; c++) {
                items.append(items.length() == 0 ? "" : ",").append(formula(r, r, c, c, Integer.toString(r * 100 + c)));
            }
        }
        f.ok(u, "POST", write(ft, 0), "{\"ranges\":[" + items + "]}"); // exactly 2,000 cells
        JsonNode cells = f.ok(u, "GET", cells(ft, 0, 0, 39, 0, 49), null).get("cells");
        assertThat(cells).hasSize(2000);
        assertThat(cells.get(1999).get("cell_text").asText()).isEqualTo("3949");
    }

    @Test
    void writesAreAtomicAndLimited() {
        String ft = f.create(u, "atomic.ksheet");
        f.ok(u, "POST", write(ft, 0), ranges(formula(0, 0, 0, 0, "kept")));
        // the second range fails: nothing of the first is applied
        f.err(
                u,
                "POST",
                write(ft, 0),
                ranges(formula(0, 0, 0, 0, "changed"), formula(1, 1, 1, 1, "=SUM(")),
                30011,
                500);
        f.ok(
                u,
                "POST",
                write(ft, 0),
                ranges("{\"op_type\":\"merge\",\"row_from\":5,\"row_to\":6,\"col_from\":0,\"col_to\":1}"));
        assertThat(f.err(
                                u,
                                "POST",
                                write(ft, 0),
                                ranges(
                                        formula(0, 0, 0, 0, "changed"),
                                        "{\"op_type\":\"merge\",\"row_from\":6,\"row_to\":7,\"col_from\":1,\"col_to\":2}"),
                                30011,
                                500)
                        .get("hint")
                        .asText())
                .contains("overlaps");
        assertThat(f.ok(u, "GET", cells(ft, 0, 0, 0, 0, 0), null)
                        .get("cells")
                        .get(0)
                        .get("cell_text")
                        .asText())
                .isEqualTo("kept");
        assertThat(f.err(
                                u,
                                "POST",
                                write(ft, 0),
                                ranges(formula(0, 1, 0, 1, "=1+"), formula(0, 0, 0, 0, "x")),
                                30011,
                                500)
                        .get("hint")
                        .asText())
                .isEqualTo("formula parse error");
        // 2,001 cells over two ranges
        assertThat(f.err(
                                u,
                                "POST",
                                write(ft, 0),
                                ranges(formula(0, 999, 0, 1, "x"), formula(0, 0, 5, 5, "y")),
                                10001,
                                400)
                        .get("hint")
                        .asText())
                .isEqualTo("more than 2000 cells");
        for (String bad : new String[] {
            "{}",
            "{\"ranges\":[]}",
            "{\"ranges\":{}}",
            "[1]",
            "{\"ranges\":[1]}",
            ranges("{\"op_type\":\"paint\",\"row_from\":0,\"row_to\":0,\"col_from\":0,\"col_to\":0}"),
            ranges("{\"op_type\":\"formula\",\"row_from\":0,\"row_to\":0,\"col_from\":0,\"col_to\":0}"),
            ranges("{\"op_type\":\"formula\",\"row_from\":0,\"row_to\":0,\"col_from\":0,\"formula\":\"1\"}"),
            ranges(
                    "{\"op_type\":\"formula\",\"row_from\":\"0\",\"row_to\":0,\"col_from\":0,\"col_to\":0,\"formula\":\"1\"}"),
            ranges(formula(-1, 0, 0, 0, "x")),
            ranges(formula(2, 1, 0, 0, "x")),
            ranges(formula(0, 0, 0, 20000, "x")),
            ranges("{\"op_type\":\"format\",\"row_from\":0,\"row_to\":0,\"col_from\":0,\"col_to\":0}"),
            ranges(
                    "{\"op_type\":\"picture\",\"row_from\":0,\"row_to\":0,\"col_from\":0,\"col_to\":0,\"url\":\"javascript:alert(1)\"}"),
            ranges(formula(0, 0, 0, 0, "x".repeat(40_000)))
        }) {
            f.err(u, "POST", write(ft, 0), bad, 10001, 400);
        }
        f.err(u, "POST", write(ft, 1), ranges(formula(0, 0, 0, 0, "x")), 10001, 400);
        f.err(u, "POST", write(ft, 0), "{\"ranges\":[", 10001, 400);
        assertThat(f.ok(u, "GET", cells(ft, 0, 0, 10, 0, 10), null).get("cells"))
                .hasSize(2);
    }

    @Test
    void scopesOwnersAndKinds() {
        String ft = f.create(u, "scoped.ksheet");
        // edit_personal_files guards writes (§F0 (row 2)), access_personal_files reads
        TestServer.User readOnly = new TestServer.User(
                u.userId(),
                ts.adminOk(
                                "POST",
                                "/tokens",
                                "{\"app_id\":\"" + app.appId() + "\",\"user_id\":\"" + u.userId()
                                        + "\",\"scopes\":[\"access_personal_files\"]}")
                        .get("access_token")
                        .asText());
        assertThat(f.ok(readOnly, "GET", "/ksheet/" + ft + "/sheets", null).get("sheets_info"))
                .hasSize(1);
        f.err(readOnly, "POST", write(ft, 0), ranges(formula(0, 0, 0, 0, "x")), 10003, 403);
        f.err(readOnly, "POST", "/ksheet/" + ft + "/sheets", "{}", 10003, 403);
        // other users: 30012; kinds: 10001
        TestServer.User other = ts.user(app);
        f.err(other, "GET", "/ksheet/" + ft + "/sheets", null, 30012, 404);
        f.err(other, "POST", write(ft, 0), ranges(formula(0, 0, 0, 0, "x")), 30012, 404);
        String xlsx = f.upload(u, "not.xlsx", Workbooks.sample());
        assertThat(f.err(u, "GET", "/ksheet/" + xlsx + "/sheets", null, 10001, 400)
                        .get("hint")
                        .asText())
                .isEqualTo("document is not a ksheet");
        String dbt = f.create(u, "t.dbt");
        f.err(u, "POST", write(dbt, 0), ranges(formula(0, 0, 0, 0, "x")), 10001, 400);
        // the et family refuses a ksheet
        f.err(u, "GET", "/et/" + ft + "/sheets/0/cells?row_from=0&row_to=0&col_from=0&col_to=0", null, 10001, 400);
    }

    @Test
    void meteredOnTheR10mTier() {
        String ft = f.create(u, "quota.ksheet");
        var r = f.send(u, "GET", "/ksheet/" + ft + "/sheets", null);
        assertThat(r.headers().firstValue("RateLimit-Policy")).hasValue("\"daily\";q=10000;w=86400");
        var w = f.send(u, "POST", write(ft, 0), ranges(formula(0, 0, 0, 0, "x")));
        assertThat(w.headers().firstValue("RateLimit-Policy")).hasValue("\"daily\";q=10000;w=86400");
        TestServer.App formal = ts.app("formal");
        TestServer.User fu = ts.user(formal);
        String ff = f.create(fu, "formal.ksheet");
        assertThat(f.send(fu, "GET", "/ksheet/" + ff + "/sheets", null)
                        .headers()
                        .firstValue("RateLimit-Policy"))
                .hasValue("\"daily\";q=10000000;w=86400");
    }
}
