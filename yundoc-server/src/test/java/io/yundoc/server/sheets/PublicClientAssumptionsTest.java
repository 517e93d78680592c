package io.yundoc.server.sheets;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.yundoc.server.TestServer;
import io.yundoc.server.TestServerExtension;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The public clients of docs/api-families.md §F6, replayed at HTTP level against the et and ksheet routes. */
class PublicClientAssumptionsTest {
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
        u = ts.user(app, "user_basic", "access_personal_files", "create_personal_files", "edit_personal_files");
    }

    /** Python OAuth sheet reader: sheets_info fields, pick by name, then cells of the range it logged. */
    @Test
    void pythonSheetReader() {
        String ks = f.create(u, "report.ksheet");
        f.ok(
                u,
                "POST",
                "/ksheet/" + ks + "/sheets/0/cells",
                "{\"ranges\":[{\"op_type\":\"formula\",\"row_from\":0,\"row_to\":9,\"col_from\":0,\"col_to\":3,\"formula\":\"v\"}]}");
        JsonNode info = f.ok(u, "GET", "/ksheet/" + ks + "/sheets", null).get("sheets_info");
        JsonNode sheet = null;
        for (JsonNode s : info) {
            if (s.get("sheet_name").asText().toLowerCase(Locale.ROOT).contains("sheet")) {
                sheet = s;
            }
        }
        assertThat(sheet).isNotNull();
        for (String k : new String[] {"sheet_id", "sheet_idx", "row_from", "row_to", "col_from", "col_to"}) {
            assertThat(sheet.get(k).isInt()).as(k).isTrue();
        }
        String range = "?row_from=" + sheet.get("row_from") + "&row_to=" + sheet.get("row_to") + "&col_from="
                + sheet.get("col_from") + "&col_to=" + sheet.get("col_to");
        assertThat(f.ok(u, "GET", "/ksheet/" + ks + "/sheets/" + sheet.get("sheet_idx") + "/cells" + range, null)
                        .get("cells"))
                .hasSize(40);
        // the same token's et cells on a ksheet: 10001 (a file is one kind, §F6 row 1)
        f.err(u, "GET", "/et/" + ks + "/sheets/0/cells" + range, null, 10001, 400);
        // and on a real workbook: data.cells[]
        String xlsx = f.upload(u, "real.xlsx", Workbooks.sample());
        assertThat(f.ok(u, "GET", "/et/" + xlsx + "/sheets/0/cells?row_from=0&row_to=1&col_from=0&col_to=5", null)
                        .get("cells"))
                .isNotEmpty();
    }

    /** Tencent-docs migrator: WPS-2-signed cell and sheet calls with the token in X-Access-Token → 20007, as on KDocs. */
    @Test
    void migratorSignsInsteadOfSendingAnAccessToken() {
        var created = ts.signed(
                app,
                "POST",
                "/api/v1/openapi/appspace/files",
                "{\"filename\":\"migrated.ksheet\"}".getBytes(StandardCharsets.UTF_8),
                "application/json");
        String ft = TestServer.json(created).get("data").get("file_token").asText();
        byte[] body =
                "{\"ranges\":[{\"op_type\":\"formula\",\"row_from\":0,\"row_to\":0,\"col_from\":0,\"col_to\":0,\"formula\":\"1\"}]}"
                        .getBytes(StandardCharsets.UTF_8);
        List<String> headers = new ArrayList<>(List.of(ts.wps2Headers(app, body, "application/json")));
        headers.add("X-Access-Token");
        headers.add(u.token());
        var r = ts.sendRaw(
                "POST", "/api/v1/openapi/ksheet/" + ft + "/sheets/0/cells", body, headers.toArray(String[]::new));
        assertThat(TestServer.json(r).get("code").asInt()).as(r.body()).isEqualTo(20007);
        assertThat(r.statusCode()).isEqualTo(401);
        var s = ts.sendRaw("GET", "/api/v1/openapi/ksheet/" + ft + "/sheets", null, "X-Access-Token", u.token());
        assertThat(TestServer.json(s).get("code").asInt()).isEqualTo(20007);
        // with the token where the docs put it, the app's own app-space ksheet is reachable (§F0 (row 8))
        assertThat(f.ok(u, "GET", "/ksheet/" + ft + "/sheets", null).get("sheets_info"))
                .hasSize(1);
    }

    /** Node extractor: et cells without bounds (10001, logged only), then the ksheet sheet list (code 0). */
    @Test
    void nodeExtractor() {
        String xlsx = f.upload(u, "extract.xlsx", Workbooks.sample());
        assertThat(f.code(u, "GET", "/et/" + xlsx + "/sheets/0/cells", null)).isEqualTo(10001);
        String ks = f.create(u, "extract.ksheet");
        assertThat(f.code(u, "GET", "/ksheet/" + ks + "/sheets", null)).isZero();
    }

    /** Cloudflare worker README: read et, write ksheet. */
    @Test
    void workerReadsEtAndWritesKsheet() {
        String xlsx = f.upload(u, "in.xlsx", Workbooks.sample());
        String ks = f.create(u, "out.ksheet");
        JsonNode cells = f.ok(u, "GET", "/et/" + xlsx + "/sheets/0/cells?row_from=1&row_to=1&col_from=3&col_to=3", null)
                .get("cells");
        String value = cells.get(0).get("formula").asText();
        f.ok(
                u,
                "POST",
                "/ksheet/" + ks + "/sheets/0/cells",
                "{\"ranges\":[{\"op_type\":\"formula\",\"row_from\":0,\"row_to\":0,\"col_from\":0,\"col_to\":0,\"formula\":\""
                        + value + "\"}]}");
        assertThat(f.ok(u, "GET", "/ksheet/" + ks + "/sheets/0/cells?row_from=0&row_to=0&col_from=0&col_to=0", null)
                        .get("cells")
                        .get(0)
                        .get("cell_text")
                        .asText())
                .isEqualTo("8999");
    }

    /** The sync service's "documented contract" tests, on the ksheet mirror of the dbt routes (§F1.6, §F2.3). */
    @Test
    void syncServiceDetailWrapper() {
        String ks = f.create(u, "sync.ksheet");
        JsonNode sheet = f.ok(
                        u,
                        "POST",
                        "/ksheet/" + ks + "/sheets",
                        "{\"name\":\"t\",\"views\":[{\"name\":\"v\",\"type\":\"grid\"}],"
                                + "\"fields\":[{\"name\":\"名称\",\"type\":\"MultiLineText\"},{\"name\":\"_sync_key\",\"type\":\"SingleLineText\"},{\"name\":\"_sync_hash\",\"type\":\"SingleLineText\"}]}")
                .get("detail")
                .get("sheet");
        JsonNode schemas = f.ok(u, "GET", "/ksheet/" + ks + "/schemas", null)
                .get("detail")
                .get("sheets")
                .get(0);
        for (String k : new String[] {"id", "name", "primaryFieldId", "fields"}) {
            assertThat(schemas.has(k)).as(k).isTrue();
        }
        String base = "/ksheet/" + ks + "/sheets/" + sheet.get("id").asText() + "/records";
        StringBuilder recs = new StringBuilder();
        for (int i = 0; i < 30; i++) {
            recs.append(i == 0 ? "" : ",")
                    .append("{\"fields\":{\"名称\":\"n")
                    .append(i)
                    .append("\",\"_sync_key\":\"order:")
                    .append(i)
                    .append("\"}}");
        }
        JsonNode created = f.ok(u, "POST", base, "{\"records\":[" + recs + "]}")
                .get("detail")
                .get("records");
        for (int i = 0; i < 30; i++) {
            assertThat(created.get(i).get("fields").get("_sync_key").asText()).isEqualTo("order:" + i); // request order
        }
        JsonNode put = f.ok(
                u,
                "PUT",
                base,
                "{\"records\":[{\"id\":\"" + created.get(3).get("id").asText()
                        + "\",\"fields\":{\"_sync_hash\":\"h\"}}]}");
        assertThat(put.get("detail")
                        .get("records")
                        .get(0)
                        .get("fields")
                        .get("_sync_hash")
                        .asText())
                .isEqualTo("h");
        // complex_query pages: every offset fresh
        List<String> offsets = new ArrayList<>();
        String offset = null;
        int total = 0;
        do {
            JsonNode d = f.ok(
                            u,
                            "POST",
                            base + "/complex_query",
                            "{\"pageSize\":7,\"fields\":[\"_sync_key\",\"_sync_hash\"],"
                                    + "\"filter\":{\"mode\":\"AND\",\"criteria\":[{\"field\":\"_sync_key\",\"op\":\"Contains\",\"values\":[\"order:\"]}]}"
                                    + (offset == null ? "" : ",\"offset\":\"" + offset + "\"") + "}")
                    .get("detail");
            total += d.get("records").size();
            offset = d.has("offset") ? d.get("offset").asText() : null;
            if (offset != null) {
                assertThat(offsets).doesNotContain(offset);
                offsets.add(offset);
            }
        } while (offset != null);
        assertThat(total).isEqualTo(30);
    }
}
