package io.yundoc.server.tables;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.yundoc.server.TestServer;
import io.yundoc.server.TestServerExtension;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Light tables over HTTP (docs/api-families.md §F2.1–§F2.5, §F0): answers, errors, round trips, hostile input. */
class TablesHttpTest {
    static final String API = "/api/v1/openapi";
    /** The verbatim create-dbt.html example (§F2.4). */
    static final String DOC_EXAMPLE = "{\"name\":\"测试创建sheet\",\"views\":[{\"name\":\"测试创建grid视图\",\"type\":\"grid\"},"
            + "{\"name\":\"测试创建kanban视图\",\"type\":\"kanban\"},{\"name\":\"测试创建gallery视图\",\"type\":\"gallery\"}],"
            + "\"fields\":[{\"name\":\"字段列表1\",\"type\":\"SingleLineText\"},{\"name\":\"字段列表2\",\"type\":\"SingleSelect\","
            + "\"items\":[{\"value\":\"A\"},{\"value\":\"B\"},{\"value\":\"C\"}]}]}";

    @RegisterExtension
    static final TestServerExtension SERVER = TestServerExtension.embedded();

    static TestServer ts;
    static TestServer.App app;

    @BeforeAll
    static void start() {
        ts = SERVER.get();
        app = ts.app("test");
    }

    static HttpResponse<String> call(TestServer.User u, String method, String path, String body) {
        return ts.openapi(u, method, path, body);
    }

    static JsonNode ok(TestServer.User u, String method, String path, String body) {
        return ts.openapiOk(u, method, path, body);
    }

    static JsonNode detail(TestServer.User u, String method, String path, String body) {
        JsonNode d = ok(u, method, path, body);
        assertThat(d.has("detail")).as("data.detail wrapper (§F2.3): " + d).isTrue();
        return d.get("detail");
    }

    /** The error code, after checking the envelope and that code and HTTP status agree (api.md §2). */
    static int code(TestServer.User u, String method, String path, String body) {
        HttpResponse<String> r = call(u, method, path, body);
        JsonNode n = TestServer.json(r);
        int code = n.path("code").asInt();
        if (code != 0) {
            assertThat(n.has("data")).isFalse();
            assertThat(n.path("msg").asText()).isNotEmpty();
            assertThat(r.body()).doesNotContain("Exception").doesNotContain("\tat ");
            int want = switch (code) {
                case 10001 -> 400;
                case 10003 -> 403;
                case 30011 -> 500;
                case 30012 -> 404;
                case 30016, 30002 -> 429;
                case 20007 -> 401;
                default -> r.statusCode();
            };
            assertThat(r.statusCode()).as(r.body()).isEqualTo(want);
        }
        return code;
    }

    static String hint(TestServer.User u, String method, String path, String body) {
        return TestServer.json(call(u, method, path, body)).path("hint").asText();
    }

    static String newDbt(TestServer.User u) {
        JsonNode f = ok(
                u,
                "POST",
                "/personal/files",
                "{\"filename\":\"t" + System.nanoTime() + ".dbt\",\"path_from_root\":true}");
        return f.path("id").path("open_id").asText();
    }

    /** A table with a text primary field, a Number, a SingleSelect, a Checkbox, a Link, an Attachment; its id. */
    static int table(TestServer.User u, String ft) {
        JsonNode s = detail(
                        u,
                        "POST",
                        "/dbt/" + ft + "/sheets",
                        "{\"name\":\"orders" + System.nanoTime() + "\","
                                + "\"views\":[{\"name\":\"all\",\"type\":\"grid\"}],\"fields\":[{\"name\":\"名称\",\"type\":\"SingleLineText\"},"
                                + "{\"name\":\"数量\",\"type\":\"Number\"},{\"name\":\"状态\",\"type\":\"SingleSelect\",\"items\":[{\"value\":\"open\"},"
                                + "{\"value\":\"done\"}]},{\"name\":\"ok\",\"type\":\"Checkbox\"},{\"name\":\"rel\",\"type\":\"Link\"},"
                                + "{\"name\":\"files\",\"type\":\"Attachment\"},{\"name\":\"tags\",\"type\":\"MultipleSelect\",\"items\":[\"x\",\"y\"]}]}")
                .get("sheet");
        return s.get("id").asInt();
    }

    @Test
    void blankDbtHasTheDocumentedTable() {
        TestServer.User u = ts.user(app);
        String ft = newDbt(u);
        JsonNode d = detail(u, "GET", "/dbt/" + ft + "/schemas", null);
        assertThat(d.toString())
                .isEqualTo(
                        "{\"sheets\":[{\"id\":1,\"name\":\"数据表\",\"primaryFieldId\":\"B\",\"fields\":[{\"id\":\"B\","
                                + "\"name\":\"名称\",\"type\":\"MultiLineText\"}],\"views\":[{\"id\":\"B\",\"name\":\"表格视图\",\"type\":\"grid\"}]}]}");
        // the data routes are R10M: 10,000 a day for a test app (docs/api-families.md §F0, row 0.3)
        HttpResponse<String> r = call(u, "GET", "/dbt/" + ft + "/schemas", null);
        assertThat(r.headers().firstValue("RateLimit-Policy").orElse("")).contains("q=10000");
    }

    @Test
    void createSheetWithTheDocumentedExample() {
        TestServer.User u = ts.user(app);
        String ft = newDbt(u);
        JsonNode s = detail(u, "POST", "/dbt/" + ft + "/sheets", DOC_EXAMPLE).get("sheet");
        assertThat(s.get("id").asInt()).isEqualTo(2);
        assertThat(s.get("name").asText()).isEqualTo("测试创建sheet");
        assertThat(s.get("primaryFieldId").asText()).isEqualTo("B");
        assertThat(s.get("fields").get(1).get("items").toString())
                .isEqualTo("[{\"id\":\"A\",\"value\":\"A\"},{\"id\":\"B\",\"value\":\"B\"},"
                        + "{\"id\":\"C\",\"value\":\"C\"}]");
        assertThat(s.get("views").findValuesAsText("type")).containsExactly("grid", "kanban", "gallery");
        JsonNode sheets = detail(u, "GET", "/dbt/" + ft + "/schemas", null).get("sheets");
        assertThat(sheets.findValuesAsText("name")).contains("数据表", "测试创建sheet");
        // same name again, kanban without a SingleSelect, unknown type, missing views: all 10001
        assertThat(code(u, "POST", "/dbt/" + ft + "/sheets", DOC_EXAMPLE)).isEqualTo(10001);
        assertThat(code(
                        u,
                        "POST",
                        "/dbt/" + ft + "/sheets",
                        "{\"name\":\"k\",\"views\":[{\"name\":\"k\",\"type\":\"kanban\"}],"
                                + "\"fields\":[{\"name\":\"a\",\"type\":\"SingleLineText\"}]}"))
                .isEqualTo(10001);
        assertThat(hint(
                        u,
                        "POST",
                        "/dbt/" + ft + "/sheets",
                        "{\"name\":\"t\",\"views\":[{\"name\":\"v\",\"type\":\"grid\"}],"
                                + "\"fields\":[{\"name\":\"a\",\"type\":\"Formula\"}]}"))
                .isEqualTo("unsupported field type");
        assertThat(code(
                        u,
                        "POST",
                        "/dbt/" + ft + "/sheets",
                        "{\"name\":\"t\",\"fields\":[{\"name\":\"a\",\"type\":\"Number\"}]}"))
                .isEqualTo(10001);
        assertThat(
                        code(
                                u,
                                "POST",
                                "/dbt/" + ft + "/sheets",
                                "{\"name\":\"t\",\"views\":[{\"name\":\"v\",\"type\":\"grid\"}],"
                                        + "\"fields\":[{\"name\":\"a\",\"type\":\"Number\"},{\"name\":\"a\",\"type\":\"Number\"}]}"))
                .isEqualTo(10001);
        // nothing of the refused creates was kept
        assertThat(detail(u, "GET", "/dbt/" + ft + "/schemas", null).get("sheets"))
                .hasSize(2);
    }

    @Test
    void recordsRoundTripWithFilterAndPaging() {
        TestServer.User u = ts.user(app);
        String ft = newDbt(u);
        int sid = table(u, ft);
        String recs = "/dbt/" + ft + "/sheets/" + sid + "/records";
        StringBuilder b = new StringBuilder("{\"records\":[");
        for (int i = 1; i <= 25; i++) {
            b.append(i > 1 ? "," : "")
                    .append("{\"fields\":{\"名称\":\"item")
                    .append(i)
                    .append("\",\"数量\":")
                    .append(i)
                    .append(",\"状态\":\"")
                    .append(i % 2 == 0 ? "done" : "open")
                    .append("\"}}");
        }
        JsonNode created = detail(u, "POST", recs, b.append("]}").toString()).get("records");
        assertThat(created).hasSize(25);
        assertThat(created.get(0).get("fields").toString()).isEqualTo("{\"名称\":\"item1\",\"数量\":1,\"状态\":\"open\"}");
        assertThat(created.get(24).get("fields").get("名称").asText()).isEqualTo("item25"); // request order
        Set<String> ids = new HashSet<>();
        created.forEach(r -> ids.add(r.get("id").asText()));
        assertThat(ids).hasSize(25).allMatch(id -> id.matches("[A-Za-z]{1,4}"));

        // paging: offset cursors, fresh per page, absent at the end; every record once
        List<String> seen = new ArrayList<>();
        Set<String> offsets = new HashSet<>();
        String offset = "";
        for (int page = 0; page < 10; page++) {
            JsonNode d = detail(u, "GET", recs + "?pageSize=10&offset=" + offset, null);
            d.get("records").forEach(r -> seen.add(r.get("id").asText()));
            if (!d.has("offset")) {
                break;
            }
            offset = d.get("offset").asText();
            assertThat(offsets.add(offset)).as("a repeated offset").isTrue();
        }
        assertThat(seen).hasSize(25).containsExactlyInAnyOrderElementsOf(ids);
        assertThat(offsets).hasSize(2);
        // maxRecords: the first N, no offset once reached
        JsonNode max = detail(u, "GET", recs + "?pageSize=5&maxRecords=5", null);
        assertThat(max.get("records")).hasSize(5);
        assertThat(max.has("offset")).isFalse();
        JsonNode max2 = detail(u, "GET", recs + "?pageSize=4&maxRecords=6", null);
        assertThat(max2.get("records")).hasSize(4);
        JsonNode rest = detail(
                u,
                "GET",
                recs + "?pageSize=4&maxRecords=6&offset=" + max2.get("offset").asText(),
                null);
        assertThat(rest.get("records")).hasSize(2);
        assertThat(rest.has("offset")).isFalse();
        // pageNum wins over offset; beyond the end: empty, no offset
        JsonNode p3 = detail(u, "GET", recs + "?pageSize=10&pageNum=3&offset=garbage", null);
        assertThat(p3.get("records")).hasSize(5);
        assertThat(p3.get("records").get(0).get("fields").get("名称").asText()).isEqualTo("item21");
        JsonNode p9 = detail(u, "GET", recs + "?pageSize=10&pageNum=9", null);
        assertThat(p9.get("records")).isEmpty();
        assertThat(p9.has("offset")).isFalse();
        // fields selection, by name and (preferId) by id
        JsonNode sel = detail(u, "GET", recs + "?pageSize=1&fields=数量", null)
                .get("records")
                .get(0);
        assertThat(sel.get("fields").toString()).isEqualTo("{\"数量\":1}");
        JsonNode schema =
                detail(u, "GET", "/dbt/" + ft + "/schemas", null).get("sheets").get(1);
        String qtyId = schema.get("fields").get(1).get("id").asText();
        JsonNode byId = detail(u, "GET", recs + "?pageSize=1&preferId=true&fields=" + qtyId, null)
                .get("records")
                .get(0);
        assertThat(byId.get("fields").toString()).isEqualTo("{\"" + qtyId + "\":1}");

        // complex_query with a filter: done and > 10 → 12, 14, …, 24
        String q =
                "{\"fields\":[\"名称\"],\"filter\":{\"mode\":\"AND\",\"criteria\":[{\"field\":\"状态\",\"op\":\"Equals\","
                        + "\"values\":[\"done\"]},{\"field\":\"数量\",\"op\":\"Greater\",\"values\":[10]}]},\"pageSize\":3}";
        List<String> names = new ArrayList<>();
        JsonNode d = detail(u, "POST", recs + "/complex_query", q);
        d.get("records").forEach(r -> names.add(r.get("fields").get("名称").asText()));
        String next = d.get("offset").asText();
        while (true) {
            d = detail(
                    u,
                    "POST",
                    recs + "/complex_query",
                    q.replace("\"pageSize\":3", "\"pageSize\":3,\"offset\":\"" + next + "\""));
            d.get("records").forEach(r -> names.add(r.get("fields").get("名称").asText()));
            if (!d.has("offset")) {
                break;
            }
            assertThat(d.get("offset").asText()).isNotEqualTo(next);
            next = d.get("offset").asText();
        }
        assertThat(names).containsExactly("item12", "item14", "item16", "item18", "item20", "item22", "item24");
        JsonNode or = detail(
                u,
                "POST",
                recs + "/complex_query",
                "{\"filter\":{\"mode\":\"OR\",\"criteria\":[{\"field\":\"名称\","
                        + "\"op\":\"Equals\",\"values\":[\"item3\"]},{\"field\":\"数量\",\"op\":\"Less\",\"values\":[\"2\"]}]}}");
        assertThat(or.get("records").findValuesAsText("名称")).containsExactly("item1", "item3");
        JsonNode empty = detail(
                u,
                "POST",
                recs + "/complex_query",
                "{\"filter\":{\"criteria\":[{\"field\":\"ok\",\"op\":\"Empty\"},"
                        + "{\"field\":\"名称\",\"op\":\"Contains\",\"values\":[\"item2\"]}]}}");
        assertThat(empty.get("records")).hasSize(7); // item2, item20..item25
    }

    @Test
    void updateGetAndDeleteAreAllOrNothing() {
        TestServer.User u = ts.user(app);
        String ft = newDbt(u);
        String recs = "/dbt/" + ft + "/sheets/1/records";
        JsonNode c = detail(
                u, "POST", recs, "{\"records\":[{\"fields\":{\"名称\":\"item1\"}},{\"fields\":{\"名称\":\"item2\"}}]}");
        String a = c.get("records").get(0).get("id").asText();
        String b = c.get("records").get(1).get("id").asText();
        // the documented update example shape
        JsonNode up = detail(u, "PUT", recs, "{\"records\":[{\"id\":\"" + a + "\",\"fields\":{\"名称\":\"item1b\"}}]}");
        assertThat(up.get("records").get(0).toString())
                .isEqualTo("{\"id\":\"" + a + "\",\"fields\":{\"名称\":\"item1b\"}}");
        assertThat(detail(u, "GET", recs + "/" + a + "?preferId=false", null)
                        .get("record")
                        .get("fields")
                        .get("名称")
                        .asText())
                .isEqualTo("item1b");
        // one unknown id: nothing changes
        assertThat(code(
                        u,
                        "PUT",
                        recs,
                        "{\"records\":[{\"id\":\"" + a
                                + "\",\"fields\":{\"名称\":\"x\"}},{\"id\":\"ZZZZ\",\"fields\":{}}]}"))
                .isEqualTo(10001);
        assertThat(detail(u, "GET", recs + "/" + a, null)
                        .get("record")
                        .get("fields")
                        .get("名称")
                        .asText())
                .isEqualTo("item1b");
        // wrong type, unknown field: nothing created
        assertThat(code(u, "POST", recs, "{\"records\":[{\"fields\":{\"名称\":\"ok\"}},{\"fields\":{\"名称\":5}}]}"))
                .isEqualTo(10001);
        assertThat(code(u, "POST", recs, "{\"records\":[{\"fields\":{\"nope\":\"x\"}}]}"))
                .isEqualTo(10001);
        assertThat(detail(u, "GET", recs, null).get("records")).hasSize(2);
        // unknown record → 10001 with its hint (not 30012)
        assertThat(code(u, "GET", recs + "/QQQ", null)).isEqualTo(10001);
        assertThat(hint(u, "GET", recs + "/QQQ", null)).isEqualTo("record not found");
        // delete: ids or {"id"} objects; unknown → 10001 and nothing deleted
        assertThat(code(u, "DELETE", recs, "{\"records\":[\"" + a + "\",\"NOPE\"]}"))
                .isEqualTo(10001);
        JsonNode del = detail(u, "DELETE", recs, "{\"records\":[{\"id\":\"" + a + "\"}]}");
        assertThat(del.toString()).isEqualTo("{\"records\":[{\"id\":\"" + a + "\",\"deleted\":true}]}");
        assertThat(detail(u, "GET", recs, null).get("records").findValuesAsText("id"))
                .containsExactly(b);
        // ids are never reused
        String c2 = detail(u, "POST", recs, "{\"records\":[{\"fields\":{}}]}")
                .get("records")
                .get(0)
                .get("id")
                .asText();
        assertThat(c2).isNotIn(a, b);
    }

    @Test
    void linkAndAttachmentValueRules() {
        TestServer.User u = ts.user(app);
        String ft = newDbt(u);
        int sid = table(u, ft);
        String recs = "/dbt/" + ft + "/sheets/" + sid + "/records";
        String target = detail(u, "POST", recs, "{\"records\":[{\"fields\":{\"名称\":\"t\"}}]}")
                .get("records")
                .get(0)
                .get("id")
                .asText();
        JsonNode r = detail(
                        u,
                        "POST",
                        recs,
                        "{\"records\":[{\"fields\":{\"名称\":\"l\",\"rel\":{\"recordIds\":[\"" + target
                                + "\",\"NOPE\",\"!!\",5]},\"files\":[{\"fileName\":\"123.xlsx\",\"uploadId\":\"rxKtgtbuTC6D73xM4EgP45\",\"source\":\"upload_ks3\"},"
                                + "{\"fileName\":\"skip.txt\",\"uploadId\":\"u2\",\"source\":\"ftp\"},{\"fileName\":\"c.txt\",\"uploadId\":\"u3\",\"type\":\"text/plain\","
                                + "\"size\":\"not checked\"}],\"tags\":[\"x\",\"y\",\"x\"]}}]}")
                .get("records")
                .get(0);
        assertThat(r.get("fields").get("rel").toString()).isEqualTo("{\"recordIds\":[\"" + target + "\"]}");
        assertThat(r.get("fields").get("files").findValuesAsText("fileName")).containsExactly("123.xlsx", "c.txt");
        assertThat(r.get("fields").get("files").get(1).get("source").asText()).isEqualTo("upload_ks3");
        assertThat(r.get("fields").get("files").get(1).get("size").asText()).isEqualTo("not checked");
        assertThat(r.get("fields").get("tags").toString()).isEqualTo("[\"x\",\"y\"]");
        // an attachment without uploadId, a link that is not {recordIds}, an unknown option: 10001
        assertThat(code(u, "POST", recs, "{\"records\":[{\"fields\":{\"files\":[{\"fileName\":\"a\"}]}}]}"))
                .isEqualTo(10001);
        assertThat(code(u, "POST", recs, "{\"records\":[{\"fields\":{\"rel\":[\"" + target + "\"]}}]}"))
                .isEqualTo(10001);
        assertThat(code(u, "POST", recs, "{\"records\":[{\"fields\":{\"状态\":\"maybe\"}}]}"))
                .isEqualTo(10001);
        // a linked record that is deleted drops out of the link
        detail(u, "DELETE", recs, "{\"records\":[\"" + target + "\"]}");
        JsonNode again =
                detail(u, "GET", recs + "/" + r.get("id").asText(), null).get("record");
        assertThat(again.get("fields").has("rel")).isFalse();
    }

    @Test
    void fieldsViewsAndTheLastOfEach() {
        TestServer.User u = ts.user(app);
        String ft = newDbt(u);
        String sheet = "/dbt/" + ft + "/sheets/1";
        assertThat(code(u, "DELETE", sheet, null)).isEqualTo(30011); // the last table
        JsonNode f = detail(
                u,
                "POST",
                sheet + "/fields",
                "{\"fields\":[{\"name\":\"数量\",\"type\":\"Number\"},{\"name\":\"H\",\"type\":\"Url\"}]}");
        assertThat(f.get("fields").findValuesAsText("id")).containsExactly("C", "D");
        assertThat(code(u, "DELETE", sheet + "/fields", "{\"fields\":[{\"id\":\"B\"}]}"))
                .isEqualTo(30011); // primary
        assertThat(code(u, "DELETE", sheet + "/fields", "{\"fields\":[\"C\",\"ZZ\"]}"))
                .isEqualTo(10001);
        assertThat(detail(u, "DELETE", sheet + "/fields", "{\"fields\":[{\"id\":\"C\"}]}")
                        .toString())
                .isEqualTo("{\"fields\":[{\"id\":\"C\",\"deleted\":true}]}");
        assertThat(code(u, "DELETE", sheet + "/views/B", null)).isEqualTo(30011); // the last view
        JsonNode v = detail(u, "POST", sheet + "/views", "{\"views\":[{\"name\":\"g\",\"type\":\"gallery\"}]}");
        String vid = v.get("views").get(0).get("id").asText();
        assertThat(detail(u, "GET", sheet + "/records?viewId=" + vid, null).get("records"))
                .isEmpty();
        assertThat(code(u, "GET", sheet + "/records?viewId=NOPE", null)).isEqualTo(10001);
        assertThat(ok(u, "DELETE", sheet + "/views/B", null).toString()).isEqualTo("{}");
        assertThat(code(u, "DELETE", sheet + "/views/B", null)).isEqualTo(10001);
        JsonNode s2 = detail(u, "POST", "/dbt/" + ft + "/sheets", DOC_EXAMPLE).get("sheet");
        assertThat(ok(u, "DELETE", sheet, null).toString()).isEqualTo("{}");
        assertThat(code(u, "GET", sheet + "/records", null)).isEqualTo(10001);
        // table ids are never reused
        JsonNode s3 = detail(u, "POST", "/dbt/" + ft + "/sheets", DOC_EXAMPLE.replace("测试创建sheet", "again"))
                .get("sheet");
        assertThat(s3.get("id").asInt()).isEqualTo(s2.get("id").asInt() + 1);
    }

    @Test
    void whoMayReachWhichDocument() {
        TestServer.User owner = ts.user(app);
        TestServer.User other = ts.user(app);
        String ft = newDbt(owner);
        assertThat(code(other, "GET", "/dbt/" + ft + "/schemas", null)).isEqualTo(30012);
        assertThat(code(other, "POST", "/dbt/" + ft + "/sheets/1/records", "{\"records\":[{\"fields\":{}}]}"))
                .isEqualTo(30012);
        assertThat(code(owner, "GET", "/dbt/nope/schemas", null)).isEqualTo(30012);
        assertThat(code(owner, "GET", "/dbt/..%2F/schemas", null)).isIn(30012, 30005);
        // a .ksheet is not a light table
        JsonNode ks = ok(
                owner,
                "POST",
                "/personal/files",
                "{\"filename\":\"k" + System.nanoTime() + ".ksheet\",\"path_from_root\":true}");
        assertThat(code(owner, "GET", "/dbt/" + ks.path("id").path("open_id").asText() + "/schemas", null))
                .isEqualTo(10001);
        // scopes: reads need access_personal_files, writes edit_personal_files (docs/api-families.md §F0, row 0.2)
        TestServer.User reader = ts.user(app, "access_personal_files");
        assertThat(code(reader, "POST", "/dbt/" + ft + "/sheets/1/records", "{\"records\":[{\"fields\":{}}]}"))
                .isEqualTo(10003);
        TestServer.User writer = ts.user(app, "edit_personal_files");
        assertThat(code(writer, "GET", "/dbt/" + ft + "/schemas", null)).isEqualTo(10003);
        // in the recycle bin: gone
        String ft2 = newDbt(owner);
        ok(owner, "DELETE", "/personal/files/" + ft2, null);
        assertThat(code(owner, "GET", "/dbt/" + ft2 + "/schemas", null)).isEqualTo(30012);
    }

    @Test
    void aLinkMemberMayReadButNotWrite() {
        TestServer.User owner = ts.user(app);
        TestServer.User member = ts.user(app);
        String ft = newDbt(owner);
        detail(owner, "POST", "/dbt/" + ft + "/sheets/1/records", "{\"records\":[{\"fields\":{\"名称\":\"shared\"}}]}");
        ok(owner, "POST", "/personal/files/" + ft + "/links", "{\"range\":\"anyone\",\"permission\":\"write\"}");
        String unionId = ts.unionId(member);
        ok(owner, "PUT", "/personal/files/" + ft + "/links/members/" + unionId, "{\"permission\":\"write\"}");
        assertThat(detail(member, "GET", "/dbt/" + ft + "/sheets/1/records", null)
                        .get("records"))
                .hasSize(1);
        assertThat(code(member, "POST", "/dbt/" + ft + "/sheets/1/records", "{\"records\":[{\"fields\":{}}]}"))
                .isEqualTo(10003);
        assertThat(code(member, "DELETE", "/dbt/" + ft + "/sheets/1/views/B", null))
                .isEqualTo(10003);
        // subscribing is a write too (§F2.8); an address literal needs no DNS here
        assertThat(code(
                        member,
                        "POST",
                        "/dbt/" + ft + "/webhook/sheets/1/records/create",
                        "{\"callback_url\":\"https://93.184.216.34/hook\"}"))
                .isEqualTo(10003);
        assertThat(code(
                        owner,
                        "POST",
                        "/dbt/" + ft + "/webhook/sheets/1/records/create",
                        "{\"callback_url\":\"https://93.184.216.34/hook\"}"))
                .isZero();
    }

    @Test
    void appSpaceDocumentsOfTheTokensOwnApp() {
        TestServer.App other = ts.app("test");
        HttpResponse<String> created = ts.signed(
                app,
                "POST",
                API + "/appspace/files",
                ("{\"filename\":\"app" + System.nanoTime() + ".dbt\"}").getBytes(StandardCharsets.UTF_8),
                "application/json");
        JsonNode c = TestServer.json(created);
        assertThat(c.path("code").asInt()).as(created.body()).isZero();
        String ft = c.path("data")
                .path("file_token")
                .asText(c.path("data").path("id").path("open_id").asText());
        assertThat(ft).isNotEmpty();
        TestServer.User mine = ts.user(app);
        detail(
                mine,
                "POST",
                "/dbt/" + ft + "/sheets/1/records",
                "{\"records\":[{\"fields\":{\"名称\":\"from the app\"}}]}");
        assertThat(detail(mine, "GET", "/dbt/" + ft + "/sheets/1/records", null).get("records"))
                .hasSize(1);
        TestServer.User foreign = ts.user(other);
        assertThat(code(foreign, "GET", "/dbt/" + ft + "/schemas", null)).isEqualTo(30012);
    }

    @Test
    void hostileInput() {
        TestServer.User u = ts.user(app);
        String ft = newDbt(u);
        String recs = "/dbt/" + ft + "/sheets/1/records";
        for (String q : new String[] {
            "?pageSize=0",
            "?pageSize=1001",
            "?pageSize=x",
            "?maxRecords=0",
            "?pageNum=0",
            "?offset=%27%3B--",
            "?offset=AAAAAAAAAAAAAAAAAAAAAAAAAAA",
            "?preferId=maybe",
            "?fields=nope"
        }) {
            assertThat(code(u, "GET", recs + q, null)).as(q).isEqualTo(10001);
        }
        assertThat(code(u, "GET", "/dbt/" + ft + "/sheets/abc/records", null)).isEqualTo(10001);
        assertThat(code(u, "GET", "/dbt/" + ft + "/sheets/99999999999/records", null))
                .isEqualTo(10001);
        assertThat(code(u, "GET", "/dbt/" + ft + "/sheets/7/records", null)).isEqualTo(10001);
        for (String filter : new String[] {
            "{\"filter\":\"x\"}",
            "{\"filter\":{\"mode\":\"XOR\",\"criteria\":[]}}",
            "{\"filter\":{\"criteria\":{}}}",
            "{\"filter\":{\"criteria\":[{\"field\":\"名称\",\"op\":\"Like\",\"values\":[\"a\"]}]}}",
            "{\"filter\":{\"criteria\":[{\"field\":\"nope\",\"op\":\"Equals\",\"values\":[\"a\"]}]}}",
            "{\"filter\":{\"criteria\":[{\"field\":\"名称\",\"op\":\"Equals\"}]}}",
            "{\"filter\":{\"criteria\":[{\"field\":\"名称\",\"op\":\"Equals\",\"values\":[{\"a\":1}]}]}}",
            "{\"filter\":{\"criteria\":[" + "{\"field\":\"名称\",\"op\":\"Empty\"},".repeat(101) + "{}]}}",
            "[1,2]",
            "not json"
        }) {
            assertThat(code(u, "POST", recs + "/complex_query", filter))
                    .as(filter)
                    .isEqualTo(10001);
        }
        // batch limits, empty and missing bodies, a body over 1 MiB
        assertThat(code(u, "POST", recs, "{\"records\":[" + "{\"fields\":{}},".repeat(1000) + "{\"fields\":{}}]}"))
                .isEqualTo(10001);
        assertThat(code(u, "POST", recs, "{\"records\":[]}")).isEqualTo(10001);
        assertThat(code(u, "POST", recs, "")).isEqualTo(10001);
        assertThat(code(u, "POST", recs, "{\"records\":[{\"fields\":{\"名称\":\"" + "x".repeat(1 << 20) + "\"}}]}"))
                .isEqualTo(10001);
        assertThat(code(u, "POST", recs, "{\"records\":[{\"fields\":[1]}]}")).isEqualTo(10001);
        assertThat(code(u, "PUT", recs, "{\"records\":[{\"fields\":{}}]}")).isEqualTo(10001);
        assertThat(code(
                        u,
                        "POST",
                        "/dbt/" + ft + "/sheets",
                        "{\"name\":\"a\u0007b\",\"views\":[{\"name\":\"v\",\"type\":\"grid\"}],"
                                + "\"fields\":[{\"name\":\"a\",\"type\":\"Number\"}]}"))
                .isEqualTo(10001);
        assertThat(code(
                        u,
                        "POST",
                        "/dbt/" + ft + "/sheets",
                        "{\"name\":\"" + "n".repeat(101) + "\",\"views\":[{\"name\":\"v\",\"type\":\"grid\"}],"
                                + "\"fields\":[{\"name\":\"a\",\"type\":\"Number\"}]}"))
                .isEqualTo(10001);
        // and the server still answers
        assertThat(detail(u, "GET", recs, null).get("records")).isEmpty();
    }
}
