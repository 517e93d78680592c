package io.yundoc.server.sheets;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.yundoc.server.TestServer;
import io.yundoc.server.TestServerExtension;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Data tables inside a .ksheet (docs/api-families.md §F1.6 with the dbt rules of §F2.1–§F2.5). */
class KsheetTablesTest {
    @RegisterExtension
    static final TestServerExtension SERVER = TestServerExtension.embedded();

    static TestServer ts;
    static SheetFixture f;
    static TestServer.App app;
    static TestServer.User u;
    /** verbatim from dbt/create-dbt.html */
    static final String DOC_EXAMPLE =
            "{\"name\":\"测试创建sheet\",\"views\":[{\"name\":\"测试创建grid视图\",\"type\":\"grid\"},{\"name\":\"测试创建kanban视图\",\"type\":\"kanban\"},"
                    + "{\"name\":\"测试创建gallery视图\",\"type\":\"gallery\"}],\"fields\":[{\"name\":\"字段列表1\",\"type\":\"SingleLineText\"},"
                    + "{\"name\":\"字段列表2\",\"type\":\"SingleSelect\",\"items\":[{\"value\":\"A\"},{\"value\":\"B\"},{\"value\":\"C\"}]}]}";

    @BeforeAll
    static void start() {
        ts = SERVER.get();
        f = new SheetFixture(ts);
        app = ts.app("test");
        u = ts.user(app);
    }

    static String table(String ft) {
        JsonNode t = f.ok(
                        u,
                        "POST",
                        "/ksheet/" + ft + "/sheets",
                        "{\"name\":\"订单\",\"views\":[{\"name\":\"表格视图\",\"type\":\"grid\"}],"
                                + "\"fields\":[{\"name\":\"名称\",\"type\":\"MultiLineText\"},{\"name\":\"数量\",\"type\":\"Number\"},"
                                + "{\"name\":\"状态\",\"type\":\"SingleSelect\",\"items\":[{\"value\":\"open\"},{\"value\":\"done\"}]},"
                                + "{\"name\":\"标签\",\"type\":\"MultipleSelect\",\"items\":[\"x\",\"y\"]},{\"name\":\"完成\",\"type\":\"Checkbox\"},"
                                + "{\"name\":\"关联\",\"type\":\"Link\"},{\"name\":\"附件\",\"type\":\"Attachment\"},{\"name\":\"_sync_key\",\"type\":\"SingleLineText\"}]}")
                .get("detail")
                .get("sheet");
        return t.get("id").asText();
    }

    @Test
    void createTableFromTheDocumentedExampleThenSchemas() {
        String ft = f.create(u, "tables.ksheet");
        JsonNode sheet = f.ok(u, "POST", "/ksheet/" + ft + "/sheets", DOC_EXAMPLE)
                .get("detail")
                .get("sheet");
        assertThat(sheet.get("id").asLong()).isEqualTo(2); // the grid sheet is 1
        assertThat(sheet.get("name").asText()).isEqualTo("测试创建sheet");
        assertThat(sheet.get("primaryFieldId").asText())
                .isEqualTo(sheet.get("fields").get(0).get("id").asText());
        assertThat(sheet.get("fields").get(0).get("id").asText()).matches("[A-Za-z]{1,4}");
        assertThat(sheet.get("fields").get(1).get("items")).hasSize(3);
        assertThat(sheet.get("fields").get(1).get("items").get(0).get("value").asText())
                .isEqualTo("A");
        assertThat(sheet.get("views")).hasSize(3);
        assertThat(sheet.get("views").get(1).get("type").asText()).isEqualTo("kanban");
        JsonNode schemas = f.ok(u, "GET", "/ksheet/" + ft + "/schemas", null);
        assertThat(schemas.get("detail").get("sheets")).hasSize(1);
        assertThat(schemas.get("detail").get("sheets").get(0)).isEqualTo(sheet);
        // the sheet list shows the data table with sheet_type db and no used range (§F1.3)
        JsonNode list = f.ok(u, "GET", "/ksheet/" + ft + "/sheets", null).get("sheets_info");
        assertThat(list).hasSize(2);
        assertThat(list.get(1).toString())
                .isEqualTo(
                        "{\"sheet_id\":2,\"sheet_idx\":1,\"sheet_name\":\"测试创建sheet\",\"sheet_type\":\"db\",\"is_visible\":true}");
        // cells of a data table: 10001 not a grid sheet
        assertThat(f.err(
                                u,
                                "GET",
                                "/ksheet/" + ft + "/sheets/1/cells?row_from=0&row_to=0&col_from=0&col_to=0",
                                null,
                                10001,
                                400)
                        .get("hint")
                        .asText())
                .isEqualTo("not a grid sheet");
        // bad tables
        for (String bad : new String[] {
            "{}",
            "{\"name\":\"x\",\"views\":[],\"fields\":[{\"name\":\"a\",\"type\":\"Number\"}]}",
            "{\"name\":\"x\",\"views\":[{\"name\":\"v\",\"type\":\"grid\"}],\"fields\":[]}",
            "{\"name\":\"x\",\"views\":[{\"name\":\"v\",\"type\":\"grid\"}],\"fields\":[{\"name\":\"a\",\"type\":\"Formula\"}]}",
            "{\"name\":\"x\",\"views\":[{\"name\":\"v\",\"type\":\"calendar\"}],\"fields\":[{\"name\":\"a\",\"type\":\"Number\"}]}",
            "{\"name\":\"x\",\"views\":[{\"name\":\"v\",\"type\":\"kanban\"}],\"fields\":[{\"name\":\"a\",\"type\":\"Number\"}]}",
            "{\"name\":\"x\",\"views\":[{\"name\":\"v\"}],\"fields\":[{\"name\":\"a\",\"type\":\"Number\"},{\"name\":\"a\",\"type\":\"Number\"}]}",
            "{\"name\":\"测试创建sheet\",\"views\":[{\"name\":\"v\"}],\"fields\":[{\"name\":\"a\",\"type\":\"Number\"}]}",
            "{\"name\":\"Sheet1\",\"views\":[{\"name\":\"v\"}],\"fields\":[{\"name\":\"a\",\"type\":\"Number\"}]}"
        }) {
            f.err(u, "POST", "/ksheet/" + ft + "/sheets", bad, 10001, 400);
        }
        assertThat(f.ok(u, "GET", "/ksheet/" + ft + "/schemas", null)
                        .get("detail")
                        .get("sheets"))
                .hasSize(1);
    }

    @Test
    void recordsRoundTripWithValueRules() {
        String ft = f.create(u, "records.ksheet");
        String sid = table(ft);
        String base = "/ksheet/" + ft + "/sheets/" + sid + "/records";
        JsonNode created = f.ok(
                        u,
                        "POST",
                        base,
                        "{\"records\":[{\"fields\":{\"名称\":\"item1\",\"数量\":3,\"状态\":\"open\",\"标签\":[\"x\",\"y\"],\"完成\":false}},"
                                + "{\"fields\":{\"名称\":\"item2\",\"数量\":\"4.5\"}}]}")
                .get("detail")
                .get("records");
        assertThat(created).hasSize(2);
        String id1 = created.get(0).get("id").asText();
        String id2 = created.get(1).get("id").asText();
        assertThat(created.get(0).get("fields").toString())
                .isEqualTo("{\"名称\":\"item1\",\"数量\":3,\"状态\":\"open\",\"标签\":[\"x\",\"y\"],\"完成\":false}");
        assertThat(created.get(1).get("fields").get("数量").asDouble()).isEqualTo(4.5);
        // link: unknown ids ignored; attachment: a bad source skips the element (§F2.1)
        JsonNode updated = f.ok(
                        u,
                        "PUT",
                        base,
                        "{\"records\":[{\"id\":\"" + id2 + "\",\"fields\":{\"关联\":{\"recordIds\":[\"" + id1
                                + "\",\"nope\"]},"
                                + "\"附件\":[{\"fileName\":\"123.xlsx\",\"uploadId\":\"rxKtgtbuTC6D73xM4EgP45\",\"source\":\"upload_ks3\"},"
                                + "{\"fileName\":\"b.png\",\"uploadId\":\"u2\",\"source\":\"ftp\"},{\"fileName\":\"c.png\",\"uploadId\":\"u3\",\"size\":12}]}}]}")
                .get("detail")
                .get("records")
                .get(0);
        assertThat(updated.get("fields").get("名称").asText()).isEqualTo("item2"); // untouched fields stay
        assertThat(updated.get("fields").get("关联").toString()).isEqualTo("{\"recordIds\":[\"" + id1 + "\"]}");
        assertThat(updated.get("fields").get("附件")).hasSize(2);
        assertThat(updated.get("fields").get("附件").get(1).get("source").asText())
                .isEqualTo("upload_ks3");
        JsonNode one = f.ok(u, "GET", base + "/" + id2 + "?preferId=false", null)
                .get("detail")
                .get("record");
        assertThat(one).isEqualTo(updated);
        // preferId: keys and options by id
        JsonNode byId = f.ok(u, "GET", base + "/" + id1 + "?preferId=true", null)
                .get("detail")
                .get("record")
                .get("fields");
        assertThat(byId.fieldNames().next()).matches("[A-Za-z]{1,4}");
        assertThat(f.err(u, "GET", base + "/ZZZZ", null, 10001, 400).get("hint").asText())
                .isEqualTo("record not found");
        // wrong values: nothing is written (all or nothing)
        for (String bad : new String[] {
            "{\"records\":[{\"fields\":{\"名称\":\"ok\"}},{\"fields\":{\"数量\":\"many\"}}]}",
            "{\"records\":[{\"fields\":{\"没有\":1}}]}",
            "{\"records\":[{\"fields\":{\"状态\":\"maybe\"}}]}",
            "{\"records\":[{\"fields\":{\"完成\":\"yes\"}}]}",
            "{\"records\":[{\"fields\":{\"关联\":[\"" + id1 + "\"]}}]}",
            "{\"records\":[{\"fields\":{\"附件\":[{\"fileName\":\"x\"}]}}]}",
            "{\"records\":[]}",
            "{\"records\":[1]}",
            "{}"
        }) {
            f.err(u, "POST", base, bad, 10001, 400);
        }
        f.err(
                u,
                "PUT",
                base,
                "{\"records\":[{\"id\":\"" + id1
                        + "\",\"fields\":{\"名称\":\"changed\"}},{\"id\":\"nope\",\"fields\":{}}]}",
                10001,
                400);
        assertThat(f.ok(u, "GET", base, null).get("detail").get("records")).hasSize(2);
        assertThat(f.ok(u, "GET", base + "/" + id1, null)
                        .get("detail")
                        .get("record")
                        .get("fields")
                        .get("名称")
                        .asText())
                .isEqualTo("item1");
        // delete records: unknown id fails all; then bare array and objects
        f.err(u, "DELETE", base, "{\"records\":[\"" + id1 + "\",\"nope\"]}", 10001, 400);
        assertThat(f.ok(u, "DELETE", base, "{\"records\":[{\"id\":\"" + id1 + "\"}]}")
                        .get("detail")
                        .get("records")
                        .get(0)
                        .toString())
                .isEqualTo("{\"id\":\"" + id1 + "\",\"deleted\":true}");
        f.ok(u, "DELETE", base, "[\"" + id2 + "\"]");
        assertThat(f.ok(u, "GET", base, null).get("detail").get("records")).isEmpty();
        // ids are never reused
        String id3 = f.ok(u, "POST", base, "{\"records\":[{\"fields\":{\"名称\":\"again\"}}]}")
                .get("detail")
                .get("records")
                .get(0)
                .get("id")
                .asText();
        assertThat(id3).isNotIn(id1, id2);
    }

    @Test
    void listingPagesFieldsMaxRecordsAndComplexQuery() {
        String ft = f.create(u, "paging.ksheet");
        String sid = table(ft);
        String base = "/ksheet/" + ft + "/sheets/" + sid + "/records";
        StringBuilder recs = new StringBuilder();
        for (int i = 0; i < 250; i++) {
            recs.append(i == 0 ? "" : ",")
                    .append("{\"fields\":{\"名称\":\"r")
                    .append(i)
                    .append("\",\"数量\":")
                    .append(i)
                    .append(",\"_sync_key\":\"order:")
                    .append(i)
                    .append("\"}}");
        }
        List<String> ids = new ArrayList<>();
        f.ok(u, "POST", base, "{\"records\":[" + recs + "]}")
                .get("detail")
                .get("records")
                .forEach(r -> ids.add(r.get("id").asText()));
        // walk with offset: each record once, fresh cursors, no offset on the last page
        List<String> seen = new ArrayList<>();
        Set<String> cursors = new HashSet<>();
        String offset = null;
        do {
            JsonNode d = f.ok(
                            u,
                            "GET",
                            base + "?pageSize=100&fields=名称" + (offset == null ? "" : "&offset=" + offset),
                            null)
                    .get("detail");
            d.get("records").forEach(r -> {
                seen.add(r.get("id").asText());
                assertThat(r.get("fields").size()).isEqualTo(1);
            });
            offset = d.has("offset") ? d.get("offset").asText() : null;
            assertThat(offset == null || cursors.add(offset)).isTrue();
        } while (offset != null);
        assertThat(seen).isEqualTo(ids);
        // maxRecords ends the walk
        JsonNode first =
                f.ok(u, "GET", base + "?pageSize=100&maxRecords=150", null).get("detail");
        JsonNode second = f.ok(
                        u,
                        "GET",
                        base + "?pageSize=100&maxRecords=150&offset="
                                + first.get("offset").asText(),
                        null)
                .get("detail");
        assertThat(second.get("records")).hasSize(50);
        assertThat(second.has("offset")).isFalse();
        // pageNum wins over offset; beyond the end → empty
        JsonNode p3 = f.ok(
                        u,
                        "GET",
                        base + "?pageSize=100&pageNum=3&offset="
                                + first.get("offset").asText(),
                        null)
                .get("detail");
        assertThat(p3.get("records")).hasSize(50);
        assertThat(p3.get("records").get(0).get("id").asText()).isEqualTo(ids.get(200));
        assertThat(f.ok(u, "GET", base + "?pageSize=100&pageNum=4", null)
                        .get("detail")
                        .get("records"))
                .isEmpty();
        for (String bad : new String[] {
            "?pageSize=0",
            "?pageSize=1001",
            "?maxRecords=0",
            "?offset=@@",
            "?offset=B",
            "?viewId=nope",
            "?fields=nofield",
            "?pageNum=0",
            "?pageSize=x",
            "?preferId=maybe"
        }) {
            f.err(u, "GET", base + bad, null, 10001, 400);
        }
        // complex_query as the public sync client sends it (§F2.5)
        JsonNode q = f.ok(
                        u,
                        "POST",
                        base + "/complex_query",
                        "{\"fields\":[\"_sync_key\",\"数量\"],\"filter\":{\"mode\":\"AND\",\"criteria\":"
                                + "[{\"field\":\"_sync_key\",\"op\":\"Equals\",\"values\":[\"order:1\"]}]}}")
                .get("detail");
        assertThat(q.get("records")).hasSize(1);
        assertThat(q.get("records").get(0).get("fields").toString()).isEqualTo("{\"数量\":1,\"_sync_key\":\"order:1\"}");
        assertThat(q.has("offset")).isFalse();
        JsonNode or = f.ok(
                        u,
                        "POST",
                        base + "/complex_query",
                        "{\"filter\":{\"mode\":\"OR\",\"criteria\":[{\"field\":\"数量\",\"op\":\"Greater\",\"values\":[\"247\"]},"
                                + "{\"field\":\"数量\",\"op\":\"Less\",\"values\":[2]}]}}")
                .get("detail")
                .get("records");
        assertThat(or).hasSize(4);
        JsonNode paged = f.ok(
                        u,
                        "POST",
                        base + "/complex_query",
                        "{\"pageSize\":10,\"filter\":{\"mode\":\"AND\",\"criteria\":[{\"field\":\"名称\",\"op\":\"Contains\",\"values\":[\"r1\"]}]}}")
                .get("detail");
        assertThat(paged.get("records")).hasSize(10);
        JsonNode next = f.ok(
                        u,
                        "POST",
                        base + "/complex_query",
                        "{\"pageSize\":100,\"offset\":\"" + paged.get("offset").asText()
                                + "\",\"filter\":{\"mode\":\"AND\",\"criteria\":[{\"field\":\"名称\",\"op\":\"Contains\",\"values\":[\"r1\"]}]}}")
                .get("detail");
        // r1, r10-r19, r100-r199 match: 111 = 10 + 100 + 1, so a third page remains
        assertThat(next.get("records")).hasSize(100);
        assertThat(next.get("offset").asText()).isNotEqualTo(paged.get("offset").asText());
        assertThat(f.ok(
                                u,
                                "POST",
                                base + "/complex_query",
                                "{\"pageSize\":1000,\"filter\":{\"mode\":\"AND\",\"criteria\":[{\"field\":\"状态\",\"op\":\"Empty\"}]}}")
                        .get("detail")
                        .get("records"))
                .hasSize(250);
        for (String bad : new String[] {
            "{\"filter\":{\"mode\":\"XOR\",\"criteria\":[]}}",
            "{\"filter\":{\"criteria\":[{\"field\":\"x\",\"op\":\"Equals\",\"values\":[1]}]}}",
            "{\"filter\":{\"criteria\":[{\"field\":\"名称\",\"op\":\"Like\",\"values\":[1]}]}}",
            "{\"filter\":{\"criteria\":[{\"field\":\"名称\",\"op\":\"Equals\"}]}}"
        }) {
            f.err(u, "POST", base + "/complex_query", bad, 10001, 400);
        }
    }

    @Test
    void fieldsViewsAndTablesRemoval() {
        String ft = f.create(u, "removal.ksheet");
        String sid = table(ft);
        String path = "/ksheet/" + ft + "/sheets/" + sid;
        JsonNode added = f.ok(u, "POST", path + "/fields", "{\"fields\":[{\"name\":\"H\",\"type\":\"Url\"}]}")
                .get("detail")
                .get("fields");
        String h = added.get(0).get("id").asText();
        f.ok(u, "POST", path + "/records", "{\"records\":[{\"fields\":{\"名称\":\"a\",\"H\":\"https://x\"}}]}");
        // the documented body, and a bare array
        f.ok(u, "DELETE", path + "/fields", "{\"fields\":[{\"id\":\"" + h + "\"}]}");
        JsonNode schema = f.ok(u, "GET", "/ksheet/" + ft + "/schemas", null)
                .get("detail")
                .get("sheets")
                .get(0);
        assertThat(schema.get("fields")).hasSize(8);
        assertThat(f.ok(u, "GET", path + "/records", null)
                        .get("detail")
                        .get("records")
                        .get(0)
                        .get("fields")
                        .has("H"))
                .isFalse();
        String primary = schema.get("primaryFieldId").asText();
        assertThat(f.err(u, "DELETE", path + "/fields", "[\"" + primary + "\"]", 30011, 500)
                        .get("hint")
                        .asText())
                .contains("primary");
        f.err(u, "DELETE", path + "/fields", "[\"nope\"]", 10001, 400);
        // views: add, delete, the last one → 30011
        String v2 = f.ok(u, "POST", path + "/views", "{\"views\":[{\"name\":\"看板\",\"type\":\"kanban\"}]}")
                .get("detail")
                .get("views")
                .get(0)
                .get("id")
                .asText();
        String v1 = schema.get("views").get(0).get("id").asText();
        f.ok(u, "DELETE", path + "/views/" + v1, null);
        f.err(u, "DELETE", path + "/views/" + v2, null, 30011, 500);
        f.err(u, "DELETE", path + "/views/nope", null, 10001, 400);
        // tables: delete the data table, then the grid sheet is the last → 30011
        f.ok(u, "DELETE", path, null);
        f.err(u, "DELETE", path, null, 10001, 400);
        f.err(u, "GET", path + "/records", null, 10001, 400);
        f.err(u, "DELETE", "/ksheet/" + ft + "/sheets/1", null, 30011, 500);
        f.err(u, "DELETE", "/ksheet/" + ft + "/sheets/x", null, 10001, 400);
        // grid routes are not data tables
        f.err(u, "GET", "/ksheet/" + ft + "/sheets/1/records", null, 10001, 400);
        // a new table never reuses the deleted table's id
        assertThat(Long.parseLong(table(ft))).isGreaterThan(Long.parseLong(sid));
    }

    @Test
    void membersReadButDoNotWriteAndAppSpaceKsheets() {
        String ft = f.create(u, "team.ksheet");
        String sid = table(ft);
        TestServer.User member = ts.user(app);
        String union = ts.unionId(member);
        f.ok(u, "POST", "/personal/files/" + ft + "/links", "{\"range\":\"anyone\",\"permission\":\"read\"}");
        f.ok(u, "PUT", "/personal/files/" + ft + "/links/members/" + union, "{\"permission\":\"write\"}");
        assertThat(f.ok(member, "GET", "/ksheet/" + ft + "/schemas", null)
                        .get("detail")
                        .get("sheets"))
                .hasSize(1);
        f.err(
                member,
                "POST",
                "/ksheet/" + ft + "/sheets/" + sid + "/records",
                "{\"records\":[{\"fields\":{\"名称\":\"x\"}}]}",
                10003,
                403);
        f.err(
                member,
                "POST",
                "/ksheet/" + ft + "/sheets/0/cells",
                "{\"ranges\":[{\"op_type\":\"formula\",\"row_from\":0,\"row_to\":0,\"col_from\":0,\"col_to\":0,\"formula\":\"1\"}]}",
                10003,
                403);
        // an app-space .ksheet of the token's app (§F0 (row 8)) is read and written; another app's is 30012
        var r = ts.signed(
                app,
                "POST",
                "/api/v1/openapi/appspace/files",
                "{\"filename\":\"app.ksheet\"}".getBytes(StandardCharsets.UTF_8),
                "application/json");
        String appFile = TestServer.json(r).get("data").get("file_token").asText();
        f.ok(
                u,
                "POST",
                "/ksheet/" + appFile + "/sheets/0/cells",
                "{\"ranges\":[{\"op_type\":\"formula\",\"row_from\":0,\"row_to\":0,\"col_from\":0,\"col_to\":0,\"formula\":\"app\"}]}");
        assertThat(f.ok(
                                u,
                                "GET",
                                "/ksheet/" + appFile + "/sheets/0/cells?row_from=0&row_to=0&col_from=0&col_to=0",
                                null)
                        .get("cells")
                        .get(0)
                        .get("cell_text")
                        .asText())
                .isEqualTo("app");
        TestServer.User stranger = ts.user(ts.app("test"));
        f.err(stranger, "GET", "/ksheet/" + appFile + "/sheets", null, 30012, 404);
    }
}
