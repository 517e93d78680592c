package io.yundoc.server.records;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.yundoc.server.TestServer;
import io.yundoc.server.TestServerExtension;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The one set of data-table rules (docs/api-families.md §F1.6, §F2.1–§F2.5) on both families, over HTTP: two-way
 * links, views with their own filter and sort, copying a document with its tables, and that a dbt and a ksheet answer
 * the same requests alike.
 */
class DataTableRulesHttpTest {
    static final String API = "/api/v1/openapi";

    @RegisterExtension
    static final TestServerExtension SERVER = TestServerExtension.embedded();

    static TestServer ts;
    static TestServer.App app;
    static TestServer.User u;

    @BeforeAll
    static void start() {
        ts = SERVER.get();
        app = ts.app("test");
        u = ts.user(app);
    }

    static HttpResponse<String> call(String method, String path, String body) {
        String sep = path.contains("?") ? "&" : "?";
        return ts.send(method, API + path + sep + "access_token=" + u.token(), body);
    }

    static JsonNode ok(String method, String path, String body) {
        HttpResponse<String> r = call(method, path, body);
        JsonNode n = TestServer.json(r);
        assertThat(n.path("code").asInt())
                .as(method + " " + path + " → " + r.body())
                .isZero();
        return n.get("data");
    }

    static JsonNode detail(String method, String path, String body) {
        return ok(method, path, body).get("detail");
    }

    /** The error code, after checking the envelope carries no stack trace. */
    static int code(String method, String path, String body) {
        HttpResponse<String> r = call(method, path, body);
        JsonNode n = TestServer.json(r);
        if (n.path("code").asInt() != 0) {
            assertThat(r.body()).doesNotContain("Exception").doesNotContain("\tat ");
        }
        return n.path("code").asInt();
    }

    /** A new document of the family ({@code dbt} or {@code ksheet}); its file token. */
    static String newDoc(String family) {
        JsonNode f = ok(
                "POST",
                "/personal/files",
                "{\"filename\":\"r" + System.nanoTime() + "." + family + "\",\"path_from_root\":true}");
        return f.path("id").path("open_id").asText();
    }

    static int table(String family, String ft, String name, String fields) {
        return detail(
                        "POST",
                        "/" + family + "/" + ft + "/sheets",
                        "{\"name\":\"" + name + "\",\"views\":[{\"name\":\"all\",\"type\":\"grid\"}]," + "\"fields\":"
                                + fields + "}")
                .get("sheet")
                .get("id")
                .asInt();
    }

    static JsonNode field(JsonNode sheet, String name) {
        for (JsonNode f : sheet.get("fields")) {
            if (f.get("name").asText().equals(name)) {
                return f;
            }
        }
        throw new AssertionError("no field " + name + " in " + sheet);
    }

    static JsonNode sheetOf(String family, String ft, int id) {
        for (JsonNode s :
                detail("GET", "/" + family + "/" + ft + "/schemas", null).get("sheets")) {
            if (s.get("id").asInt() == id) {
                return s;
            }
        }
        throw new AssertionError("no sheet " + id);
    }

    static List<String> linked(JsonNode record, String field) {
        List<String> out = new ArrayList<>();
        record.path("fields").path(field).path("recordIds").forEach(x -> out.add(x.asText()));
        return out;
    }

    static JsonNode record(String family, String ft, int sheet, String id) {
        return detail("GET", "/" + family + "/" + ft + "/sheets/" + sheet + "/records/" + id, null)
                .get("record");
    }

    @ParameterizedTest
    @ValueSource(strings = {"dbt", "ksheet"})
    void twoWayLinksKeepBothSidesInStep(String family) {
        String ft = newDoc(family);
        int people = table(family, ft, "people", "[{\"name\":\"name\",\"type\":\"SingleLineText\"}]");
        int orders = table(
                family,
                ft,
                "orders",
                "[{\"name\":\"title\",\"type\":\"SingleLineText\"},"
                        + "{\"name\":\"buyers\",\"type\":\"Link\",\"linkSheet\":" + people
                        + ",\"twoWay\":true,\"twoWayName\":\"bought\"},"
                        + "{\"name\":\"oneway\",\"type\":\"Link\",\"linkSheet\":" + people + "}]");
        // the counterpart field exists on the other side and each names the other
        JsonNode buyers = field(sheetOf(family, ft, orders), "buyers");
        JsonNode bought = field(sheetOf(family, ft, people), "bought");
        assertThat(bought.get("type").asText()).isEqualTo("Link");
        assertThat(bought.get("linkSheet").asInt()).isEqualTo(orders);
        assertThat(bought.get("linkField").asText()).isEqualTo(buyers.get("id").asText());
        assertThat(buyers.get("linkField").asText()).isEqualTo(bought.get("id").asText());
        assertThat(field(sheetOf(family, ft, orders), "oneway").has("linkField"))
                .isFalse();

        String pRecs = "/" + family + "/" + ft + "/sheets/" + people + "/records";
        String oRecs = "/" + family + "/" + ft + "/sheets/" + orders + "/records";
        JsonNode ps = detail(
                        "POST",
                        pRecs,
                        "{\"records\":[{\"fields\":{\"name\":\"ann\"}},{\"fields\":{\"name\":\"bob\"}}]}")
                .get("records");
        String ann = ps.get(0).get("id").asText();
        String bob = ps.get(1).get("id").asText();
        // writing one side writes the other
        String o1 = detail(
                        "POST",
                        oRecs,
                        "{\"records\":[{\"fields\":{\"title\":\"o1\",\"buyers\":{\"recordIds\":[\"" + ann + "\",\""
                                + bob + "\"]},\"oneway\":{\"recordIds\":[\"" + ann + "\"]}}}]}")
                .get("records")
                .get(0)
                .get("id")
                .asText();
        assertThat(linked(record(family, ft, people, ann), "bought")).containsExactly(o1);
        assertThat(linked(record(family, ft, people, bob), "bought")).containsExactly(o1);
        String o2 = detail(
                        "POST",
                        oRecs,
                        "{\"records\":[{\"fields\":{\"title\":\"o2\",\"buyers\":{\"recordIds\":[\"" + ann + "\"]}}}]}")
                .get("records")
                .get(0)
                .get("id")
                .asText();
        assertThat(linked(record(family, ft, people, ann), "bought")).containsExactly(o1, o2);
        // removing a link removes its mirror; the other side's write comes back too
        detail(
                "PUT",
                oRecs,
                "{\"records\":[{\"id\":\"" + o1 + "\",\"fields\":{\"buyers\":{\"recordIds\":[\"" + bob + "\"]}}}]}");
        assertThat(linked(record(family, ft, people, ann), "bought")).containsExactly(o2);
        assertThat(linked(record(family, ft, people, bob), "bought")).containsExactly(o1);
        detail(
                "PUT",
                pRecs,
                "{\"records\":[{\"id\":\"" + bob + "\",\"fields\":{\"bought\":null}},{\"id\":\"" + ann
                        + "\",\"fields\":{\"bought\":{\"recordIds\":[\"" + o1 + "\",\"" + o2 + "\",\"NOPE\"]}}}]}");
        assertThat(linked(record(family, ft, orders, o1), "buyers")).containsExactly(ann);
        assertThat(linked(record(family, ft, orders, o2), "buyers")).containsExactly(ann);
        // a one-way link has no mirror
        assertThat(record(family, ft, people, ann).get("fields").size()).isEqualTo(2);
        // deleting the counterpart field leaves a one-way link that writes only its own side
        detail(
                "DELETE",
                "/" + family + "/" + ft + "/sheets/" + people + "/fields",
                "{\"fields\":[\"" + bought.get("id").asText() + "\"]}");
        assertThat(field(sheetOf(family, ft, orders), "buyers").has("linkField"))
                .isFalse();
        detail(
                "PUT",
                oRecs,
                "{\"records\":[{\"id\":\"" + o1 + "\",\"fields\":{\"buyers\":{\"recordIds\":[\"" + bob + "\"]}}}]}");
        assertThat(linked(record(family, ft, orders, o1), "buyers")).containsExactly(bob);
        // hostile definitions: 10001, nothing created
        String sheets = "/" + family + "/" + ft + "/sheets/" + orders + "/fields";
        for (String bad : new String[] {
            "{\"fields\":[{\"name\":\"x\",\"type\":\"Link\",\"twoWay\":\"yes\"}]}",
            "{\"fields\":[{\"name\":\"x\",\"type\":\"Link\",\"linkSheet\":" + people
                    + ",\"twoWay\":true,\"twoWayName\":\"name\"}]}",
            "{\"fields\":[{\"name\":\"x\",\"type\":\"Link\",\"linkSheet\":" + people
                    + ",\"twoWay\":true,\"twoWayName\":\"a\u0007b\"}]}",
            "{\"fields\":[{\"name\":\"x\",\"type\":\"Link\",\"linkSheet\":999,\"twoWay\":true}]}"
        }) {
            assertThat(code("POST", sheets, bad)).as(bad).isEqualTo(10001);
        }
        assertThat(sheetOf(family, ft, people).get("fields")).hasSize(1);
        // a two-way link inside one table: the counterpart is a second field of the same table, named after it
        JsonNode self = detail(
                        "POST", sheets, "{\"fields\":[{\"name\":\"related\",\"type\":\"Link\",\"twoWay\":true}]}")
                .get("fields");
        assertThat(self).hasSize(2);
        assertThat(self.get(1).get("name").asText()).isEqualTo("orders");
        detail(
                "PUT",
                oRecs,
                "{\"records\":[{\"id\":\"" + o1 + "\",\"fields\":{\"related\":{\"recordIds\":[\"" + o2 + "\"]}}}]}");
        assertThat(linked(record(family, ft, orders, o2), "orders")).containsExactly(o1);
        // deleting one side turns the other into a one-way link
        detail(
                "DELETE",
                "/" + family + "/" + ft + "/sheets/" + orders + "/fields",
                "{\"fields\":[\"" + self.get(0).get("id").asText() + "\"]}");
        assertThat(field(sheetOf(family, ft, orders), "orders").has("linkField"))
                .isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"dbt", "ksheet"})
    void viewsFilterAndSortTheirRecords(String family) {
        String ft = newDoc(family);
        int t = table(
                family,
                ft,
                "stock",
                "[{\"name\":\"name\",\"type\":\"SingleLineText\"},{\"name\":\"qty\",\"type\":\"Number\"},"
                        + "{\"name\":\"state\",\"type\":\"SingleSelect\",\"items\":[\"new\",\"used\"]}]");
        String base = "/" + family + "/" + ft + "/sheets/" + t;
        StringBuilder recs = new StringBuilder();
        for (int i = 0; i < 30; i++) {
            recs.append(i == 0 ? "" : ",")
                    .append("{\"fields\":{\"name\":\"n")
                    .append(i)
                    .append("\"")
                    .append(i % 5 == 4 ? "" : ",\"qty\":" + (i * 7 % 30))
                    .append(",\"state\":\"")
                    .append(i % 2 == 0 ? "new" : "used")
                    .append("\"}}");
        }
        detail("POST", base + "/records", "{\"records\":[" + recs + "]}");
        JsonNode views = detail(
                        "POST",
                        base + "/views",
                        "{\"views\":[{\"name\":\"big first\",\"type\":\"grid\","
                                + "\"filter\":{\"mode\":\"AND\",\"criteria\":[{\"field\":\"qty\",\"op\":\"Greater\",\"values\":[5]}]},"
                                + "\"sort\":[{\"field\":\"qty\",\"desc\":true}]},"
                                + "{\"name\":\"by state\",\"type\":\"kanban\",\"sort\":[{\"field\":\"state\"},{\"field\":\"qty\"}]}]}")
                .get("views");
        String big = views.get(0).get("id").asText();
        String byState = views.get(1).get("id").asText();
        assertThat(views.get(0)
                        .get("filter")
                        .get("criteria")
                        .get(0)
                        .get("field")
                        .asText())
                .matches("[A-Za-z]{1,4}");
        // the view's filter and sort: qty > 5, largest first
        List<Integer> expected = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            if (i % 5 != 4 && i * 7 % 30 > 5) {
                expected.add(i * 7 % 30);
            }
        }
        expected.sort((a, b) -> b - a);
        JsonNode all = detail("GET", base + "/records?viewId=" + big + "&pageSize=1000", null)
                .get("records");
        List<Integer> got = new ArrayList<>();
        all.forEach(r -> got.add(r.get("fields").get("qty").asInt()));
        assertThat(got).isEqualTo(expected);
        // paging through a sorted view: every record once, in order, fresh cursors, no offset at the end
        List<Integer> walked = new ArrayList<>();
        Set<String> cursors = new HashSet<>();
        String offset = null;
        do {
            JsonNode d = detail(
                    "GET",
                    base + "/records?viewId=" + big + "&pageSize=4" + (offset == null ? "" : "&offset=" + offset),
                    null);
            d.get("records").forEach(r -> walked.add(r.get("fields").get("qty").asInt()));
            offset = d.has("offset") ? d.get("offset").asText() : null;
            assertThat(offset == null || cursors.add(offset)).isTrue();
        } while (offset != null);
        assertThat(walked).isEqualTo(expected);
        // maxRecords and pageNum in a sorted view
        assertThat(detail("GET", base + "/records?viewId=" + big + "&maxRecords=3", null)
                        .get("records")
                        .findValuesAsText("qty"))
                .containsExactly(
                        String.valueOf(expected.get(0)),
                        String.valueOf(expected.get(1)),
                        String.valueOf(expected.get(2)));
        assertThat(detail("GET", base + "/records?viewId=" + big + "&pageSize=5&pageNum=2", null)
                        .get("records")
                        .get(0)
                        .get("fields")
                        .get("qty")
                        .asInt())
                .isEqualTo(expected.get(5));
        // a request's filter narrows the view's (complex_query with viewId)
        JsonNode both = detail(
                        "POST",
                        base + "/records/complex_query",
                        "{\"viewId\":\"" + big + "\",\"pageSize\":1000,\"filter\":"
                                + "{\"mode\":\"AND\",\"criteria\":[{\"field\":\"state\",\"op\":\"Equals\",\"values\":[\"new\"]}]}}")
                .get("records");
        assertThat(both).isNotEmpty();
        both.forEach(r -> {
            assertThat(r.get("fields").get("state").asText()).isEqualTo("new");
            assertThat(r.get("fields").get("qty").asInt()).isGreaterThan(5);
        });
        // sorting by option order, then qty; empty qty last within each option
        JsonNode kanban = detail("GET", base + "/records?viewId=" + byState + "&pageSize=1000", null)
                .get("records");
        assertThat(kanban).hasSize(30);
        assertThat(kanban.get(0).get("fields").get("state").asText()).isEqualTo("new");
        assertThat(kanban.get(29).get("fields").get("state").asText()).isEqualTo("used");
        assertThat(kanban.get(14).get("fields").has("qty")).isFalse(); // the last "new" record has no qty
        // without a view: table order, all records
        assertThat(detail("GET", base + "/records?pageSize=1000", null)
                        .get("records")
                        .get(0)
                        .get("fields")
                        .get("name")
                        .asText())
                .isEqualTo("n0");
        // the schema shows the view's filter and sort
        JsonNode schemaView = sheetOf(family, ft, t).get("views").get(1);
        assertThat(schemaView.get("sort").get(0).get("desc").asBoolean()).isTrue();
        // a field that a view filters on is deleted: the view shows more, it does not break
        String qtyId = field(sheetOf(family, ft, t), "qty").get("id").asText();
        detail("DELETE", base + "/fields", "{\"fields\":[\"" + qtyId + "\"]}");
        assertThat(detail("GET", base + "/records?viewId=" + big + "&pageSize=1000", null)
                        .get("records"))
                .hasSize(30);
        // hostile views: 10001, nothing kept
        for (String bad : new String[] {
            "{\"views\":[{\"name\":\"v\",\"type\":\"grid\",\"filter\":\"x\"}]}",
            "{\"views\":[{\"name\":\"v\",\"type\":\"grid\",\"filter\":{\"criteria\":[{\"field\":\"nope\",\"op\":\"Equals\",\"values\":[1]}]}}]}",
            "{\"views\":[{\"name\":\"v\",\"type\":\"grid\",\"filter\":{\"criteria\":[{\"field\":\"name\",\"op\":\"Like\",\"values\":[1]}]}}]}",
            "{\"views\":[{\"name\":\"v\",\"type\":\"grid\",\"sort\":{\"field\":\"name\"}}]}",
            "{\"views\":[{\"name\":\"v\",\"type\":\"grid\",\"sort\":[{\"field\":\"nope\"}]}]}",
            "{\"views\":[{\"name\":\"v\",\"type\":\"grid\",\"sort\":[{\"field\":\"name\",\"desc\":\"yes\"}]}]}",
            "{\"views\":[{\"name\":\"v\",\"type\":\"grid\",\"sort\":[" + "{\"field\":\"name\"},".repeat(10)
                    + "{\"field\":\"name\"}]}]}"
        }) {
            assertThat(code("POST", base + "/views", bad)).as(bad).isEqualTo(10001);
        }
        assertThat(sheetOf(family, ft, t).get("views")).hasSize(3);
    }

    @ParameterizedTest
    @ValueSource(strings = {"dbt", "ksheet"})
    void copyingADocumentCopiesItsTables(String family) {
        String ft = newDoc(family);
        int people = table(family, ft, "people", "[{\"name\":\"name\",\"type\":\"SingleLineText\"}]");
        int orders = table(
                family,
                ft,
                "orders",
                "[{\"name\":\"title\",\"type\":\"SingleLineText\"},"
                        + "{\"name\":\"buyers\",\"type\":\"Link\",\"linkSheet\":" + people + ",\"twoWay\":true}]");
        detail(
                "POST",
                "/" + family + "/" + ft + "/sheets/" + orders + "/views",
                "{\"views\":[{\"name\":\"sorted\",\"type\":\"grid\","
                        + "\"sort\":[{\"field\":\"title\",\"desc\":true}]}]}");
        String ann = detail(
                        "POST",
                        "/" + family + "/" + ft + "/sheets/" + people + "/records",
                        "{\"records\":[{\"fields\":{\"name\":\"ann\"}}]}")
                .get("records")
                .get(0)
                .get("id")
                .asText();
        detail(
                "POST",
                "/" + family + "/" + ft + "/sheets/" + orders + "/records",
                "{\"records\":[{\"fields\":{\"title\":\"o1\",\"buyers\":" + "{\"recordIds\":[\"" + ann
                        + "\"]}}},{\"fields\":{\"title\":\"o2\"}}]}");
        if (family.equals("ksheet")) {
            ok(
                    "POST",
                    "/ksheet/" + ft + "/sheets/0/cells",
                    "{\"ranges\":[{\"op_type\":\"formula\",\"row_from\":0,\"row_to\":0,\"col_from\":0,"
                            + "\"col_to\":0,\"formula\":\"grid\"}]}");
        }
        JsonNode schemas = detail("GET", "/" + family + "/" + ft + "/schemas", null);
        JsonNode before = detail("GET", "/" + family + "/" + ft + "/sheets/" + orders + "/records", null);

        String copy = ok("POST", "/personal/tasks/files/copy", "{\"file_ids\":[\"" + ft + "\"]}")
                .get("file_ids")
                .get(0)
                .asText();
        assertThat(copy).isNotEqualTo(ft);
        assertThat(detail("GET", "/" + family + "/" + copy + "/schemas", null)).isEqualTo(schemas);
        assertThat(detail("GET", "/" + family + "/" + copy + "/sheets/" + orders + "/records", null))
                .isEqualTo(before);
        if (family.equals("ksheet")) {
            assertThat(ok("GET", "/ksheet/" + copy + "/sheets/0/cells?row_from=0&row_to=0&col_from=0&col_to=0", null)
                            .get("cells")
                            .get(0)
                            .get("cell_text")
                            .asText())
                    .isEqualTo("grid");
        }
        // the copy is its own document: writes to it leave the original alone, and ids go on from the copied counters
        JsonNode added = detail(
                        "POST",
                        "/" + family + "/" + copy + "/sheets/" + orders + "/records",
                        "{\"records\":[{\"fields\":{\"title\":\"o3\",\"buyers\":{\"recordIds\":[\"" + ann + "\"]}}}]}")
                .get("records")
                .get(0);
        assertThat(before.get("records").findValuesAsText("id"))
                .doesNotContain(added.get("id").asText());
        assertThat(linked(record(family, copy, people, ann), "orders")).hasSize(2);
        assertThat(linked(record(family, ft, people, ann), "orders")).hasSize(1);
        assertThat(detail("GET", "/" + family + "/" + ft + "/sheets/" + orders + "/records", null))
                .isEqualTo(before);
        // a document never touched copies as a blank one
        String blank = newDoc(family);
        String blankCopy = ok("POST", "/personal/tasks/files/copy", "{\"file_ids\":[\"" + blank + "\"]}")
                .get("file_ids")
                .get(0)
                .asText();
        assertThat(detail("GET", "/" + family + "/" + blankCopy + "/schemas", null))
                .isEqualTo(detail("GET", "/" + family + "/" + blank + "/schemas", null));
    }

    /** The same requests on a dbt table and a ksheet data table get the same answers (ids and all). */
    @Test
    void bothFamiliesAnswerAlike() {
        List<List<String>> answers = new ArrayList<>();
        for (String family : new String[] {"dbt", "ksheet"}) {
            String ft = newDoc(family);
            String fields = "[{\"name\":\"name\",\"type\":\"SingleLineText\"},{\"name\":\"qty\",\"type\":\"Number\"},"
                    + "{\"name\":\"done\",\"type\":\"Checkbox\"},{\"name\":\"when\",\"type\":\"Date\"},"
                    + "{\"name\":\"tags\",\"type\":\"MultipleSelect\",\"items\":[\"x\",\"y\"]},{\"name\":\"rel\",\"type\":\"Link\"}]";
            JsonNode sheet = detail(
                            "POST",
                            "/" + family + "/" + ft + "/sheets",
                            "{\"name\":\"same\",\"views\":[{\"name\":\"v\",\"type\":\"grid\"}]," + "\"fields\":"
                                    + fields + "}")
                    .get("sheet");
            String base = "/" + family + "/" + ft + "/sheets/" + sheet.get("id").asText();
            List<String> out = new ArrayList<>();
            out.add(sheet.get("fields").toString() + sheet.get("views") + sheet.get("primaryFieldId"));
            out.add(detail(
                            "POST",
                            base + "/records",
                            "{\"records\":[{\"fields\":{\"name\":\"a\",\"qty\":\"2.50\",\"done\":\"true\","
                                    + "\"when\":1700000000000,\"tags\":[\"y\",\"x\",\"y\"]}},{\"fields\":{\"name\":\"\",\"rel\":{\"recordIds\":[\"A\",\"B\",\"Q\"]}}}]}")
                    .toString());
            out.add(detail(
                            "PUT",
                            base + "/records",
                            "{\"records\":[{\"id\":\"A\",\"fields\":{\"qty\":null,\"tags\":\"x\"}}]}")
                    .toString());
            out.add(detail("GET", base + "/records?preferId=true&pageSize=1", null)
                    .toString());
            out.add(detail(
                            "POST",
                            base + "/records/complex_query",
                            "{\"filter\":{\"mode\":\"OR\",\"criteria\":[{\"field\":\"name\",\"op\":\"Empty\"}]}}")
                    .toString());
            out.add(detail(
                            "POST",
                            base + "/fields",
                            "{\"fields\":[{\"name\":\"s\",\"type\":\"SingleSelect\",\"items\":[{\"value\":\"p\"}]}]}")
                    .toString());
            out.add(detail("DELETE", base + "/fields", "[\"C\"]").toString());
            out.add(detail("DELETE", base + "/records", "{\"records\":[{\"id\":\"B\"}]}")
                    .toString());
            for (String bad : new String[] {
                "{\"records\":[{\"fields\":{\"done\":\"yes\"}}]}",
                "{\"records\":[{\"fields\":{\"tags\":[\"z\"]}}]}",
                "{\"records\":[{\"fields\":{\"rel\":[\"A\"]}}]}"
            }) {
                out.add(bad + " → " + code("POST", base + "/records", bad));
            }
            answers.add(out);
        }
        assertThat(answers.get(1)).isEqualTo(answers.get(0));
    }
}
