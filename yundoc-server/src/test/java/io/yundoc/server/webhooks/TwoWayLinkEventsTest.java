package io.yundoc.server.webhooks;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.yundoc.server.TestServer;
import io.yundoc.server.TestServerExtension;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Two-way links and webhooks (docs/api-families.md §F2.7 notes): the counterpart field created in another table is a
 * {@code fields.create} there, and a write to one side is a {@code cells.*.update} of the records on the other side.
 */
class TwoWayLinkEventsTest {
    static final String API = "/api/v1/openapi";

    @RegisterExtension
    static final TestServerExtension SERVER = TestServerExtension.embedded(b -> b.cloudAllow(List.of("127.0.0.1/32")));

    static TestServer ts;
    static TestServer.App app;
    static Receiver rx;

    @BeforeAll
    static void start() {
        ts = SERVER.get();
        app = ts.app("test");
        rx = new Receiver();
    }

    @AfterAll
    static void stop() {
        rx.close();
    }

    static JsonNode ok(TestServer.User u, String method, String path, String body) {
        return ts.openapiOk(u, method, path, body);
    }

    @Test
    void theOtherSideHearsOfItsCounterpartAndItsCells() throws Exception {
        TestServer.User u = ts.user(app);
        String ft = ok(
                        u,
                        "POST",
                        "/personal/files",
                        "{\"filename\":\"l" + System.nanoTime() + ".dbt\",\"path_from_root\":true}")
                .path("id")
                .path("open_id")
                .asText();
        String p = ok(u, "POST", "/dbt/" + ft + "/sheets/1/records", "{\"records\":[{\"fields\":{\"名称\":\"ann\"}}]}")
                .get("detail")
                .get("records")
                .get(0)
                .get("id")
                .asText();
        ok(
                u,
                "POST",
                "/dbt/" + ft + "/webhook/sheets/1/fields/create",
                "{\"callback_url\":\"" + rx.url("/fields") + "\"}");
        int orders = ok(
                        u,
                        "POST",
                        "/dbt/" + ft + "/sheets",
                        "{\"name\":\"orders\",\"views\":[{\"name\":\"v\",\"type\":\"grid\"}],"
                                + "\"fields\":[{\"name\":\"title\",\"type\":\"SingleLineText\"},{\"name\":\"buyers\",\"type\":\"Link\",\"linkSheet\":1,"
                                + "\"twoWay\":true}]}")
                .get("detail")
                .get("sheet")
                .get("id")
                .asInt();
        Receiver.Delivery created = rx.next(10);
        assertThat(created.signedWith(app.appKey())).isTrue();
        assertThat(created.json().get("event").asText()).isEqualTo("fields.create");
        assertThat(created.json().get("sheet_id").asInt()).isEqualTo(1);
        assertThat(created.json().get("data").toString())
                .isEqualTo("{\"fields\":[{\"id\":\"C\",\"name\":\"orders\",\"type\":\"Link\"}]}");

        ok(
                u,
                "POST",
                "/dbt/" + ft + "/webhook/sheets/1/cells/fields/update",
                "{\"callback_url\":\"" + rx.url("/cells") + "\",\"fields\":[\"C\"]}");
        String o = ok(
                        u,
                        "POST",
                        "/dbt/" + ft + "/sheets/" + orders + "/records",
                        "{\"records\":[{\"fields\":{\"title\":\"o1\",\"buyers\":" + "{\"recordIds\":[\"" + p
                                + "\"]}}}]}")
                .get("detail")
                .get("records")
                .get(0)
                .get("id")
                .asText();
        Receiver.Delivery cells = rx.next(10);
        assertThat(cells.json().get("event").asText()).isEqualTo("cells.fields.update");
        assertThat(cells.json().get("data").toString())
                .isEqualTo("{\"records\":[{\"id\":\"" + p + "\",\"fields\":{\"orders\":{\"recordIds\":[\"" + o
                        + "\"]}}}]}");
        // unlinking clears the other side's cell: a null there
        ok(
                u,
                "PUT",
                "/dbt/" + ft + "/sheets/" + orders + "/records",
                "{\"records\":[{\"id\":\"" + o + "\",\"fields\":{\"buyers\":null}}]}");
        assertThat(rx.next(10).json().get("data").toString())
                .isEqualTo("{\"records\":[{\"id\":\"" + p + "\",\"fields\":{\"orders\":null}}]}");
        assertThat(rx.got.poll(300, TimeUnit.MILLISECONDS)).isNull();
    }
}
