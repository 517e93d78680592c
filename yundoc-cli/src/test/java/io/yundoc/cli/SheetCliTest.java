package io.yundoc.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.yundoc.client.Placement;
import io.yundoc.client.Sheets;
import io.yundoc.client.YundocClient;
import io.yundoc.client.YundocException;
import io.yundoc.testkit.YundocEmulator;
import io.yundoc.testkit.YundocServerExtension;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.poi.xssf.usermodel.XSSFWorkbook;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** {@code client.sheets()} and {@code yundoc sheet} against a real server (docs/api-families.md §F1, docs/cli.md). */
@ExtendWith(YundocServerExtension.class)
class SheetCliTest {
    static final ObjectMapper JSON = new ObjectMapper();
    YundocEmulator yundoc;

    @TempDir
    Path tmp;

    Cli cli;
    YundocClient client;

    @BeforeEach
    void setUp() {
        YundocEmulator.App app = yundoc.createApp();
        YundocEmulator.User user = yundoc.createUser(app);
        cli = new Cli(
                "--server",
                yundoc.url(),
                "--access-token",
                user.tokens().accessToken(),
                "--config-dir",
                tmp.resolve("config").toString());
        client = YundocClient.builder()
                .baseUrl(yundoc.url())
                .accessToken(user.tokens().accessToken())
                .build();
    }

    @Test
    void sdkWritesAndReadsAKsheet() {
        String ft =
                client.personal().create("sdk.ksheet", Placement.root()).id().openId();
        List<Sheets.SheetInfo> tabs = client.sheets().sheets(Sheets.Family.KSHEET, ft);
        assertThat(tabs).hasSize(1);
        assertThat(tabs.get(0).sheetName()).isEqualTo("Sheet1");
        assertThat(tabs.get(0).empty()).isTrue();
        client.sheets()
                .write(
                        ft,
                        0,
                        Sheets.CellWrites.builder()
                                .formula(Sheets.Range.cell(0, 0), "Total")
                                .formula(Sheets.Range.of(1, 2, 1, 1), "21")
                                .formula(Sheets.Range.cell(0, 1), "=SUM(B2:B3)")
                                .numFormat(Sheets.Range.cell(0, 1), "0.0")
                                .merge(Sheets.Range.of(4, 4, 0, 2))
                                .build());
        List<Sheets.Cell> cells = client.sheets().cells(Sheets.Family.KSHEET, ft, 0, Sheets.Range.of(0, 9, 0, 9));
        assertThat(cells).extracting(Sheets.Cell::text).containsExactly("Total", "42.0", "21", "21", "");
        assertThat(cells.get(1).formula()).isEqualTo("=SUM(B2:B3)");
        assertThat(cells.get(4).merged()).isTrue();
        // errors arrive as YundocException with the code and hint
        YundocException e = Assertions.assertThrows(
                YundocException.class,
                () -> client.sheets()
                        .write(
                                ft,
                                0,
                                Sheets.CellWrites.builder()
                                        .formula(Sheets.Range.cell(0, 0), "=SUM(")
                                        .build()));
        assertThat(e.code()).isEqualTo(30011);
        assertThat(e.hint()).isEqualTo("formula parse error");
        // data tables
        Sheets.DataTable t = client.sheets()
                .createTable(
                        ft,
                        "订单",
                        List.of(
                                Sheets.Field.of("名称", "SingleLineText"),
                                Sheets.Field.select("状态", "SingleSelect", List.of("open", "done"))),
                        List.of(Sheets.View.of("表格", "grid")));
        assertThat(client.sheets().schemas(ft))
                .extracting(Sheets.DataTable::name)
                .containsExactly("订单");
        List<Sheets.DataRecord> made =
                client.sheets().createRecords(ft, t.id(), List.of(Map.of("名称", "a", "状态", "open"), Map.of("名称", "b")));
        assertThat(made)
                .extracting(Sheets.DataRecord::id)
                .doesNotHaveDuplicates()
                .hasSize(2);
        Sheets.RecordPage page = client.sheets().records(ft, t.id(), 1, null);
        assertThat(page.records()).hasSize(1);
        assertThat(page.records().get(0).fields()).containsEntry("状态", "open");
        Sheets.RecordPage next = client.sheets().records(ft, t.id(), 1, page.offset());
        assertThat(next.records().get(0).id()).isEqualTo(made.get(1).id());
        assertThat(next.last()).isTrue();
    }

    @Test
    void cliWritesCsvThenListsAndReads() throws Exception {
        String ft =
                client.personal().create("cli.ksheet", Placement.root()).id().openId();
        Path csv = tmp.resolve("in.csv");
        Files.writeString(csv, "name,qty\r\n\"Smith, J\",3\n\"say \"\"hi\"\"\",=C3*2\n");
        Cli.Result w = cli.run("sheet", "write", ft, "--csv", csv.toString(), "--at", "B2");
        assertThat(w.exit()).as(w.toString()).isZero();
        assertThat(w.out()).contains("Wrote 6 cells in 1 request");
        Cli.Result ls = cli.run("sheet", "ls", ft);
        assertThat(ls.exit()).as(ls.toString()).isZero();
        assertThat(ls.out()).contains("Sheet1").contains("B2:C4");
        Cli.Result read = cli.run("sheet", "read", ft, "--range", "B2:C4");
        assertThat(read.exit()).as(read.toString()).isZero();
        assertThat(read.out()).contains("Smith, J").contains("say \"hi\"").contains("6");
        Cli.Result json = cli.run("sheet", "read", ft, "--range", "C4", "--json");
        JsonNode cells = JSON.readTree(json.out());
        assertThat(cells.get(0).get("cell_text").asText()).isEqualTo("6");
        assertThat(cells.get(0).get("formula").asText()).isEqualTo("=C3*2");
        // usage and API errors: exit 2 and 1
        assertThat(cli.run("sheet", "read", ft, "--range", "1A").exit()).isEqualTo(2);
        Cli.Result big = cli.run("sheet", "read", ft, "--range", "A1:A3000");
        assertThat(big.exit()).isEqualTo(1);
        assertThat(big.err()).contains("10001").contains("range too large");
    }

    @Test
    void cliReadsAnXlsxWorkbook() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (XSSFWorkbook wb = new XSSFWorkbook()) {
            var row = wb.createSheet("数据").createRow(0);
            row.createCell(0).setCellValue("x");
            row.createCell(1).setCellValue(2.5);
            wb.write(bytes);
        }
        String ft = client.personal()
                .upload("book.xlsx", bytes.toByteArray(), Placement.root())
                .id()
                .openId();
        Cli.Result ls = cli.run("sheet", "ls", ft, "--json");
        assertThat(ls.exit()).as(ls.toString()).isZero();
        assertThat(JSON.readTree(ls.out()).get(0).get("sheet_name").asText()).isEqualTo("数据");
        Cli.Result read = cli.run("sheet", "read", ft, "--range", "A1:B1");
        assertThat(read.out()).contains("x").contains("2.5");
        assertThat(cli.run(
                                "sheet",
                                "write",
                                ft,
                                "--csv",
                                Files.writeString(tmp.resolve("x.csv"), "1").toString())
                        .exit())
                .isEqualTo(1);
    }
}
