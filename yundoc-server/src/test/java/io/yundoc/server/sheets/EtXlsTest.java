package io.yundoc.server.sheets;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.yundoc.server.TestServer;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import org.apache.poi.hssf.record.crypto.Biff8EncryptionKey;
import org.apache.poi.hssf.usermodel.HSSFWorkbook;
import org.apache.poi.poifs.filesystem.POIFSFileSystem;
import org.apache.poi.ss.util.CellRangeAddress;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * et over {@code .xls} (docs/api-families.md §F1.1, §F1.3, §F1.4): the HSSF event reader answers what the xlsx reader
 * answers (values, types, formats, formulas with their cached values, merged areas, hidden sheets, the block cache),
 * and hostile files answer 30011 and leave the server healthy. The workbooks are written with HSSF's DOM in the test.
 */
class EtXlsTest {
    static TestServer ts;
    static SheetFixture f;
    static TestServer.User u;
    static String sample;

    @BeforeAll
    static void start() {
        ts = new TestServer();
        f = new SheetFixture(ts);
        u = ts.user(ts.app("test"));
        sample = f.upload(u, "goods.xls", sampleXls());
    }

    @AfterAll
    static void stop() {
        ts.close();
    }

    /** As {@link Workbooks#sample()} without the picture: 商品 (merge, formats, formulas, a boolean), secret (hidden), empty. */
    static byte[] sampleXls() {
        try (HSSFWorkbook wb = new HSSFWorkbook()) {
            var s = wb.createSheet("商品");
            var r0 = s.createRow(0);
            r0.createCell(0).setCellValue("商品编号");
            r0.createCell(2).setCellValue("名称");
            s.addMergedRegion(new CellRangeAddress(0, 0, 0, 1));
            var r1 = s.createRow(1);
            r1.createCell(0).setCellValue(1);
            r1.createCell(1).setCellValue(true);
            var money = wb.createCellStyle();
            money.setDataFormat(wb.createDataFormat().getFormat("#,##0.00"));
            var d2 = r1.createCell(3);
            d2.setCellValue(8999);
            d2.setCellStyle(money);
            r1.createCell(4).setCellFormula("D2*2");
            for (int row = 1; row <= 3; row++) {
                var r = row == 1 ? r1 : s.createRow(row);
                if (row > 1) {
                    r.createCell(0).setCellValue(row);
                }
                r.createCell(5).setCellFormula("A" + (row + 1) + "+1");
            }
            s.createRow(4).createCell(0).setCellValue(1.5);
            s.getRow(4).createCell(1).setCellFormula("C1&\"!\"");
            wb.getCreationHelper().createFormulaEvaluator().evaluateAll();
            wb.setSheetHidden(wb.getSheetIndex(wb.createSheet("secret")), true);
            wb.getSheet("secret").createRow(4).createCell(2).setCellValue("hidden text");
            wb.createSheet("empty");
            return bytes(wb);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static byte[] bytes(HSSFWorkbook wb) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        wb.write(out);
        return out.toByteArray();
    }

    static byte[] big(int rows, int cols) {
        try (HSSFWorkbook wb = new HSSFWorkbook()) {
            var s = wb.createSheet("big");
            for (int r = 0; r < rows; r++) {
                var row = s.createRow(r);
                for (int c = 0; c < cols; c++) {
                    row.createCell(c).setCellValue(r * 1000.0 + c);
                }
            }
            return bytes(wb);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The sample saved with a password (RC4 CryptoAPI, what Excel writes for an .xls with "password to open"). */
    static byte[] encrypted() {
        try (HSSFWorkbook wb = new HSSFWorkbook(new ByteArrayInputStream(sampleXls()))) {
            Biff8EncryptionKey.setCurrentUserPassword("secret-password");
            try {
                return bytes(wb);
            } finally {
                Biff8EncryptionKey.setCurrentUserPassword(null);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** An OLE2 container without a Workbook stream (what a Word 97 file looks like to this reader). */
    static byte[] ole2WithoutWorkbook() {
        try (var fs = new POIFSFileSystem()) {
            fs.createDocument(new ByteArrayInputStream(new byte[4096]), "WordDocument");
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            fs.writeFilesystem(out);
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
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
        byte[] whole = sampleXls();
        for (var bad : Map.of(
                        "encrypted.xls",
                        encrypted(),
                        "truncated.xls",
                        Arrays.copyOf(whole, whole.length / 2),
                        "text.xls",
                        "not an OLE2 file".getBytes(StandardCharsets.UTF_8),
                        "word.xls",
                        ole2WithoutWorkbook(),
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
        String ft = f.upload(u, "big.xls", big(5000, 20));
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
