package io.yundoc.server.sheets;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.yundoc.server.TestServer;
import io.yundoc.server.TestServerExtension;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * et over {@code .xls} (docs/api-families.md §F1.1, §F1.3, §F1.4): the HSSF event reader answers what the xlsx reader
 * answers (values, types, formats, formulas with their cached values, merged areas, hidden sheets, pictures, the block
 * cache), and hostile files answer 30011 and leave the server healthy. The workbooks come from {@link Workbooks}.
 */
class EtXlsTest {
    @RegisterExtension
    static final TestServerExtension SERVER = TestServerExtension.embedded();

    static TestServer ts;
    static SheetFixture f;
    static TestServer.User u;
    static String sample;

    @BeforeAll
    static void start() {
        ts = SERVER.get();
        f = new SheetFixture(ts);
        u = ts.user(ts.app("test"));
        sample = f.upload(u, "goods.xls", Workbooks.sampleXls());
    }

    static String cells(String ft, int idx, int r1, int r2, int c1, int c2) {
        return "/et/" + ft + "/sheets/" + idx + "/cells?row_from=" + r1 + "&row_to=" + r2 + "&col_from=" + c1
                + "&col_to=" + c2;
    }

    @Test
    void sheetListWithUsedRangesAndVisibility() {
        JsonNode list = f.ok(u, "GET", "/et/" + sample + "/sheets", null).get("sheets_info");
        assertThat(list).hasSize(3);
        assertThat(list.get(0).toString())
                .isEqualTo("{\"sheet_id\":1,\"sheet_idx\":0,\"sheet_name\":\"商品\",\"sheet_type\":\"grid\","
                        + "\"is_visible\":true,\"row_from\":0,\"row_to\":4,\"col_from\":0,\"col_to\":5}");
        assertThat(list.get(1).get("sheet_name").asText()).isEqualTo("secret");
        assertThat(list.get(1).get("is_visible").asBoolean()).isFalse();
        assertThat(list.get(1).get("row_from").asInt()).isEqualTo(4);
        assertThat(list.get(1).get("col_from").asInt()).isEqualTo(2);
        assertThat(list.get(2).get("sheet_name").asText()).isEqualTo("empty");
        assertThat(list.get(2).get("row_to").asInt()).isEqualTo(-1);
        assertThat(list.get(2).get("col_to").asInt()).isEqualTo(-1);
    }

    @Test
    void cellsWithValuesFormatsFormulasAndMerges() {
        JsonNode cells = f.ok(u, "GET", cells(sample, 0, 0, 4, 0, 5), null).get("cells");
        assertThat(cells.get(0).toString())
                .isEqualTo(
                        "{\"row_from\":0,\"row_to\":0,\"col_from\":0,\"col_to\":1,\"cell_text\":\"商品编号\",\"formula\":\"商品编号\"}");
        assertThat(cells.get(1).toString())
                .isEqualTo(
                        "{\"row_from\":0,\"row_to\":0,\"col_from\":2,\"col_to\":2,\"cell_text\":\"名称\",\"formula\":\"名称\"}");
        JsonNode d2 = EtSheetsTest.find(cells, 1, 3);
        assertThat(d2.get("cell_text").asText()).isEqualTo("8,999.00");
        assertThat(d2.get("num_format").asText()).isEqualTo("#,##0.00");
        assertThat(d2.get("formula").asText()).isEqualTo("8999");
        JsonNode e2 = EtSheetsTest.find(cells, 1, 4);
        assertThat(e2.get("formula").asText()).isEqualTo("=D2*2");
        assertThat(e2.get("cell_text").asText()).isEqualTo("17998");
        assertThat(e2.has("num_format")).isFalse();
        assertThat(EtSheetsTest.find(cells, 1, 1).get("cell_text").asText()).isEqualTo("TRUE");
        assertThat(EtSheetsTest.find(cells, 3, 5).get("formula").asText()).isEqualTo("=A4+1");
        assertThat(EtSheetsTest.find(cells, 3, 5).get("cell_text").asText()).isEqualTo("4");
        assertThat(EtSheetsTest.find(cells, 4, 0).get("cell_text").asText()).isEqualTo("1.5");
        // a formula with a text result: the cached string (a STRING record after the FORMULA record)
        assertThat(EtSheetsTest.find(cells, 4, 1).get("cell_text").asText()).isEqualTo("名称!");
        assertThat(EtSheetsTest.find(cells, 4, 1).get("formula").asText()).isEqualTo("=C1&\"!\"");
        assertThat(cells).hasSize(2 + 5 + 2 + 2 + 2);
        JsonNode b1 = f.ok(u, "GET", cells(sample, 0, 0, 0, 1, 1), null).get("cells");
        assertThat(b1).hasSize(1);
        assertThat(b1.get(0).get("col_from").asInt()).isZero();
        assertThat(b1.get(0).get("col_to").asInt()).isEqualTo(1);
        assertThat(f.ok(u, "GET", cells(sample, 1, 0, 10, 0, 10), null)
                        .get("cells")
                        .get(0)
                        .get("cell_text")
                        .asText())
                .isEqualTo("hidden text");
        assertThat(f.ok(u, "GET", cells(sample, 2, 0, 10, 0, 10), null).get("cells"))
                .isEmpty();
        f.err(u, "GET", cells(sample, 3, 0, 1, 0, 1), null, 10001, 400);
    }

    @Test
    void picturesCarryTheirKeyAndServeTheirBytes() {
        JsonNode cells = f.ok(u, "GET", cells(sample, 0, 5, 9, 5, 9), null).get("cells");
        assertThat(cells).hasSize(1);
        assertThat(cells.get(0).toString())
                .isEqualTo(
                        "{\"row_from\":5,\"row_to\":5,\"col_from\":6,\"col_to\":6,\"cell_text\":\"\",\"pic_key\":\"image1.png\"}");
        assertThat(f.ok(u, "GET", cells(sample, 0, 6, 9, 5, 9), null).get("cells"))
                .isEmpty();
        JsonNode cell = f.ok(u, "GET", cells(sample, 0, 4, 9, 5, 9) + "&with_pic_url=true", null)
                .get("cells")
                .get(0);
        String url = cell.get("pic_url").asText();
        assertThat(url).startsWith(ts.base + "/dl/pic/").endsWith("/image1.png");
        String path = url.substring(ts.base.length());
        var r = ts.sendBytes("GET", path, null);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo(Workbooks.png());
        assertThat(r.headers().firstValue("Content-Type")).hasValue("image/png");
        // the sheets without drawings report none
        assertThat(f.ok(u, "GET", cells(sample, 1, 0, 10, 0, 10), null)
                        .get("cells")
                        .toString())
                .doesNotContain("pic_key");
    }

    @Test
    void theBlankXlsOfCreateIsReadAndAnXlsxNamedXlsToo() {
        String blank = f.create(u, "blank.xls");
        JsonNode list = f.ok(u, "GET", "/et/" + blank + "/sheets", null).get("sheets_info");
        assertThat(list).isNotEmpty();
        assertThat(list.get(0).get("row_to").asInt()).isEqualTo(-1);
        // the bytes decide the reader, not the name: a renamed xlsx reads as one
        String renamed = f.upload(u, "renamed.xls", Workbooks.sample());
        assertThat(f.ok(u, "GET", cells(renamed, 0, 1, 1, 4, 4), null)
                        .get("cells")
                        .get(0)
                        .get("formula")
                        .asText())
                .isEqualTo("=D2*2");
    }

    @Test
    void hostileXlsFilesAnswer30011AndTheServerStaysHealthy() {
        byte[] whole = Workbooks.sampleXls();
        for (var bad : Map.of(
                        "encrypted.xls",
                        Workbooks.encryptedXls(),
                        "truncated.xls",
                        Arrays.copyOf(whole, whole.length / 2),
                        "text.xls",
                        "not an OLE2 file".getBytes(StandardCharsets.UTF_8),
                        "word.xls",
                        Workbooks.ole2WithoutWorkbook(),
                        "encrypted-xlsx.xls",
                        Workbooks.encrypted())
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
    void repeatedRangeReadsDoNotReparse() {
        String ft = f.upload(u, "big.xls", Workbooks.bigXls(5000, 20));
        JsonNode info =
                f.ok(u, "GET", "/et/" + ft + "/sheets", null).get("sheets_info").get(0);
        assertThat(info.get("row_to").asInt()).isEqualTo(4999);
        assertThat(info.get("col_to").asInt()).isEqualTo(19);
        long before = EtSheetsTest.parses(ts);
        JsonNode first = f.ok(u, "GET", cells(ft, 0, 1000, 2999, 0, 19), null).get("cells");
        assertThat(first).hasSize(40_000);
        assertThat(first.get(0).get("cell_text").asText()).isEqualTo("1000000");
        assertThat(first.get(39_999).get("formula").asText()).isEqualTo("2999019");
        long afterFirst = EtSheetsTest.parses(ts);
        assertThat(afterFirst - before).isEqualTo(1);
        for (int i = 0; i < 5; i++) {
            assertThat(f.ok(u, "GET", cells(ft, 0, 1500 + i, 1600, 3, 4), null).get("cells"))
                    .hasSize((101 - i) * 2);
        }
        assertThat(EtSheetsTest.parses(ts)).isEqualTo(afterFirst);
    }
}
