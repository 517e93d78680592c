package io.yundoc.server.sheets;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.yundoc.server.TestServer;
import io.yundoc.server.TestServerExtension;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What goes with a document or a grant (docs/api-families.md §F1, §F2.6): a {@code .ksheet} removed for good (recycle-bin
 * purge, app-space destroy) takes its cells and data tables; a {@code .dbt} its tables, fields, views and records; a document removed for good takes its webhook
 * subscriptions; a revoked grant ends that app's subscriptions made with that user's authorization, and only those.
 */
class CleanupRulesTest {
    @RegisterExtension
    static final TestServerExtension SERVER = TestServerExtension.embedded(b -> b.cloudAllow(List.of("127.0.0.1/32")));

    static TestServer ts;
    static SheetFixture f;
    static TestServer.App app;

    @BeforeAll
    static void start() {
        ts = SERVER.get();
        f = new SheetFixture(ts);
        app = ts.app("test");
    }

    static long rows(String table, String fileId) {
        return ts.server
                .database()
                .jdbi()
                .withHandle(h -> h.createQuery("SELECT COUNT(*) FROM " + table + " WHERE file_id = :f")
                        .bind("f", fileId)
                        .mapTo(Long.class)
                        .one());
    }

    static long ksheetRows(String fileId) {
        long n = 0;
        for (String t : List.of(
                "ksheet_docs",
                "ksheet_sheets",
                "ksheet_cells",
                "ksheet_merges",
                "ksheet_fields",
                "ksheet_views",
                "ksheet_records")) {
            n += rows(t, fileId);
        }
        return n;
    }

    /** Cells, a merge and a data table with a record. */
    static void fill(TestServer.User u, String ft) {
        f.ok(
                u,
                "POST",
                "/ksheet/" + ft + "/sheets/0/cells",
                "{\"ranges\":[{\"op_type\":\"formula\",\"row_from\":0,\"row_to\":1,"
                        + "\"col_from\":0,\"col_to\":1,\"formula\":\"7\"},{\"op_type\":\"merge\",\"row_from\":3,\"row_to\":4,\"col_from\":0,\"col_to\":1}]}");
        String sid = f.ok(
                        u,
                        "POST",
                        "/ksheet/" + ft + "/sheets",
                        "{\"name\":\"t\",\"views\":[{\"name\":\"v\",\"type\":\"grid\"}],"
                                + "\"fields\":[{\"name\":\"名称\",\"type\":\"MultiLineText\"}]}")
                .get("detail")
                .get("sheet")
                .get("id")
                .asText();
        f.ok(u, "POST", "/ksheet/" + ft + "/sheets/" + sid + "/records", "{\"records\":[{\"fields\":{\"名称\":\"x\"}}]}");
    }

    @Test
    void aPurgedKsheetTakesItsCellsAndTablesAndTheBinAloneKeepsThem() {
        TestServer.User u = ts.user(app);
        String gone = f.create(u, "gone.ksheet");
        String kept = f.create(u, "kept.ksheet");
        fill(u, gone);
        fill(u, kept);
        long before = ksheetRows(gone);
        assertThat(rows("ksheet_cells", gone)).isEqualTo(4);
        assertThat(rows("ksheet_records", gone)).isEqualTo(1);
        f.ok(u, "DELETE", "/personal/files/" + gone, null);
        // in the recycle bin the document can still be restored: its content stays
        assertThat(ksheetRows(gone)).isEqualTo(before);
        ts.adminOk("POST", "/recycles/purge", "{\"user_id\":\"" + u.userId() + "\"}");
        assertThat(ksheetRows(gone)).isZero();
        assertThat(ksheetRows(kept)).isEqualTo(before);
        assertThat(f.ok(u, "GET", "/ksheet/" + kept + "/sheets/0/cells?row_from=0&row_to=0&col_from=0&col_to=0", null)
                        .get("cells")
                        .get(0)
                        .get("cell_text")
                        .asText())
                .isEqualTo("7");
    }

    @Test
    void anAppSpaceKsheetDestroyedTakesItsContent() {
        TestServer.User u = ts.user(app);
        var r = ts.signed(
                app,
                "POST",
                "/api/v1/openapi/appspace/files",
                "{\"filename\":\"destroyed.ksheet\"}".getBytes(StandardCharsets.UTF_8),
                "application/json");
        String ft = TestServer.json(r).get("data").get("file_token").asText();
        fill(u, ft);
        assertThat(ksheetRows(ft)).isPositive();
        var d = ts.signed(
                app, "DELETE", "/api/v1/openapi/appspace/files/" + ft + "/destroy", new byte[0], "application/json");
        assertThat(TestServer.json(d).get("code").asInt()).as(d.body()).isZero();
        assertThat(ksheetRows(ft)).isZero();
    }

    static long dbtRows(String fileId) {
        long n = 0;
        for (String t : List.of("dbt_documents", "dbt_sheets", "dbt_fields", "dbt_views", "dbt_records")) {
            n += rows(t, fileId);
        }
        return n;
    }

    /** A second table with a field, a view and records, and a record in the blank table. */
    static void fillDbt(TestServer.User u, String ft) {
        f.ok(u, "POST", "/dbt/" + ft + "/sheets/1/records", "{\"records\":[{\"fields\":{\"名称\":\"a\"}}]}");
        String sid = f.ok(
                        u,
                        "POST",
                        "/dbt/" + ft + "/sheets",
                        "{\"name\":\"t\",\"views\":[{\"name\":\"v\",\"type\":\"grid\"}],"
                                + "\"fields\":[{\"name\":\"名称\",\"type\":\"MultiLineText\"}]}")
                .get("detail")
                .get("sheet")
                .get("id")
                .asText();
        f.ok(
                u,
                "POST",
                "/dbt/" + ft + "/sheets/" + sid + "/records",
                "{\"records\":[{\"fields\":{\"名称\":\"x\"}},{\"fields\":{\"名称\":\"y\"}}]}");
    }

    @Test
    void aPurgedLightTableTakesItsRowsAndTheBinAloneKeepsThem() {
        TestServer.User u = ts.user(app);
        String gone = f.create(u, "gone.dbt");
        String kept = f.create(u, "kept.dbt");
        String sheet = f.create(u, "kept.ksheet");
        fillDbt(u, gone);
        fillDbt(u, kept);
        fill(u, sheet);
        long before = dbtRows(gone);
        long sheetBefore = ksheetRows(sheet);
        assertThat(rows("dbt_sheets", gone)).isEqualTo(2);
        assertThat(rows("dbt_records", gone)).isEqualTo(3);
        f.ok(u, "DELETE", "/personal/files/" + gone, null);
        assertThat(dbtRows(gone))
                .as("in the recycle bin it can still be restored")
                .isEqualTo(before);
        ts.adminOk("POST", "/recycles/purge", "{\"user_id\":\"" + u.userId() + "\"}");
        assertThat(dbtRows(gone)).isZero();
        assertThat(dbtRows(kept)).isEqualTo(before);
        assertThat(ksheetRows(sheet)).isEqualTo(sheetBefore);
        assertThat(f.ok(u, "GET", "/dbt/" + kept + "/sheets/1/records", null)
                        .get("detail")
                        .get("records"))
                .hasSize(1);
    }

    @Test
    void anAppSpaceLightTableDestroyedTakesItsRows() {
        TestServer.User u = ts.user(app);
        var r = ts.signed(
                app,
                "POST",
                "/api/v1/openapi/appspace/files",
                "{\"filename\":\"destroyed.dbt\"}".getBytes(StandardCharsets.UTF_8),
                "application/json");
        String ft = TestServer.json(r).get("data").get("file_token").asText();
        String stays = f.create(u, "stays.dbt");
        fillDbt(u, ft);
        fillDbt(u, stays);
        long before = dbtRows(stays);
        assertThat(dbtRows(ft)).isEqualTo(before);
        // no body: Content-Md5 is the path's, so this differs from the other test's destroy within the same second
        var d = ts.signed(app, "DELETE", "/api/v1/openapi/appspace/files/" + ft + "/destroy", null, "application/json");
        assertThat(TestServer.json(d).get("code").asInt()).as(d.body()).isZero();
        assertThat(dbtRows(ft)).isZero();
        assertThat(dbtRows(stays)).isEqualTo(before);
    }

    static String subscribe(TestServer.User u, String ft) {
        return f.ok(
                        u,
                        "POST",
                        "/dbt/" + ft + "/webhook/sheets/1/records/create",
                        "{\"callback_url\":\"http://127.0.0.1:9/hook\"}")
                .get("webhook_id")
                .asText();
    }

    @Test
    void aDocumentRemovedForGoodTakesItsSubscriptions() {
        TestServer.User u = ts.user(app);
        String gone = f.create(u, "gone.dbt");
        String kept = f.create(u, "kept.dbt");
        subscribe(u, gone);
        subscribe(u, gone);
        subscribe(u, kept);
        f.ok(u, "DELETE", "/personal/files/" + gone, null);
        assertThat(rows("webhooks", gone))
                .as("the bin keeps them: a restore brings the document back as it was")
                .isEqualTo(1);
        ts.adminOk("POST", "/recycles/purge", "{\"user_id\":\"" + u.userId() + "\"}");
        assertThat(rows("webhooks", gone)).isZero();
        assertThat(rows("webhooks", kept)).isEqualTo(1);
        assertThat(f.ok(u, "GET", "/dbt/" + kept + "/webhook/mine", null).get("webhooks"))
                .hasSize(1);
    }

    @Test
    void aRevokedGrantEndsThatAppsSubscriptionsOnThatUsersDocuments() {
        TestServer.User u = ts.user(app);
        TestServer.User otherUser = ts.user(app);
        TestServer.App otherApp = ts.app("test");
        TestServer.User sameUserOtherApp = ts.token(otherApp, u.userId());
        String ft = f.create(u, "revoked.dbt");
        String ft2 = f.create(otherUser, "stays.dbt");
        subscribe(u, ft);
        subscribe(otherUser, ft2);
        subscribe(sameUserOtherApp, ft);
        JsonNode grants = ts.adminOk("GET", "/grants?user_id=" + u.userId() + "&app_id=" + app.appId(), null)
                .get("grants");
        assertThat(grants).hasSize(1);
        ts.adminOk("DELETE", "/grants/" + grants.get(0).get("grant_id").asText(), null);
        long left = ts.server
                .database()
                .jdbi()
                .withHandle(h -> h.createQuery("SELECT COUNT(*) FROM webhooks WHERE app_id = :a AND user_id = :u")
                        .bind("a", app.appId())
                        .bind("u", u.userId())
                        .mapTo(Long.class)
                        .one());
        assertThat(left).isZero();
        assertThat(f.ok(otherUser, "GET", "/dbt/" + ft2 + "/webhook/mine", null).get("webhooks"))
                .as("another user's grant")
                .hasSize(1);
        assertThat(f.ok(sameUserOtherApp, "GET", "/dbt/" + ft + "/webhook/mine", null)
                        .get("webhooks"))
                .as("another app's grant")
                .hasSize(1);
    }
}
