package io.yundoc.server.webhooks;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import io.yundoc.server.TestServer;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.assertj.core.data.Offset;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Webhooks over HTTP (docs/api-families.md §F2.6–§F2.7): subscription routes and their errors, real deliveries to a
 * loopback receiver with the signature checked, order, retries on the dev clock, give-up, metrics, the dev hooks.
 */
class WebhooksHttpTest {
    static final String API = "/api/v1/openapi";
    static TestServer ts;
    static TestServer.App app;
    static Receiver rx;

    @BeforeAll
    static void start() {
        // loopback is a private target: the operator's allow-list admits it (design.md --cloud-allow)
        ts = new TestServer(b -> b.cloudAllow(List.of("127.0.0.1/32")));
        app = ts.app("test");
        rx = new Receiver();
    }

    @AfterAll
    static void stop() {
        rx.close();
        ts.close();
    }

    static HttpResponse<String> call(TestServer.User u, String method, String path, String body) {
        return ts.openapi(u, method, path, body);
    }

    static JsonNode ok(TestServer.User u, String method, String path, String body) {
        return ts.openapiOk(u, method, path, body);
    }

    static int code(TestServer.User u, String method, String path, String body) {
        return TestServer.json(call(u, method, path, body)).path("code").asInt();
    }

    static String newDbt(TestServer.User u) {
        return ok(
                        u,
                        "POST",
                        "/personal/files",
                        "{\"filename\":\"w" + System.nanoTime() + ".dbt\",\"path_from_root\":true}")
                .path("id")
                .path("open_id")
                .asText();
    }

    static String subscribe(TestServer.User u, String ft, String event, String url) {
        String id = ok(u, "POST", "/dbt/" + ft + "/webhook/sheets/1/" + event, "{\"callback_url\":\"" + url + "\"}")
                .get("webhook_id")
                .asText();
        assertThat(id).matches("[0-9a-f]{24}");
        return id;
    }

    @Test
    void recordsCreateIsDeliveredSignedAndInOrder() throws Exception {
        TestServer.User u = ts.user(app);
        String ft = newDbt(u);
        String wid = subscribe(u, ft, "records/create", rx.url("/orders"));
        for (int i = 1; i <= 3; i++) {
            ok(
                    u,
                    "POST",
                    "/dbt/" + ft + "/sheets/1/records",
                    "{\"records\":[{\"fields\":{\"名称\":\"item" + i + "\"}}," + "{\"fields\":{\"名称\":\"more" + i
                            + "\"}}]}");
        }
        List<String> firsts = new ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            Receiver.Delivery d = rx.next(10);
            assertThat(d.signedWith(app.appKey())).as("signature").isTrue();
            assertThat(d.signedWith("some-other-key")).isFalse();
            assertThat(d.header("Content-Type")).isEqualTo("application/json; charset=utf-8");
            assertThat(d.header("User-Agent")).startsWith("yundoc-webhook/");
            assertThat(d.header("X-Wps-Nonce")).matches("[0-9a-f]{16}");
            assertThat(Long.parseLong(d.header("X-Wps-Timestamp")))
                    .isCloseTo(ts.server.clock().epochSeconds(), Offset.offset(30L));
            assertThat(d.header("X-Yundoc-Webhook-Id")).isEqualTo(wid);
            assertThat(d.header("X-Yundoc-Delivery-Id")).isNotBlank();
            JsonNode p = d.json();
            assertThat(p.fieldNames())
                    .toIterable()
                    .containsExactly(
                            "webhook_id",
                            "event",
                            "file_token",
                            "sheet_id",
                            "view_id",
                            "operator",
                            "timestamp",
                            "data");
            assertThat(p.get("event").asText()).isEqualTo("records.create");
            assertThat(p.get("file_token").asText()).isEqualTo(ft);
            assertThat(p.get("sheet_id").asInt()).isEqualTo(1);
            assertThat(p.get("operator").get("open_id").asText()).isNotEmpty();
            // one delivery per request, with all its records, by field name
            assertThat(p.get("data").get("records")).hasSize(2);
            firsts.add(
                    p.get("data").get("records").get(0).get("fields").get("名称").asText());
        }
        assertThat(firsts).containsExactly("item1", "item2", "item3");
        assertThat(rx.got.poll(300, TimeUnit.MILLISECONDS)).isNull();
    }

    @Test
    void cellsUpdatesAreRestrictedToTheSubscribedFieldsAndRecords() throws Exception {
        TestServer.User u = ts.user(app);
        String ft = newDbt(u);
        ok(
                u,
                "POST",
                "/dbt/" + ft + "/sheets/1/fields",
                "{\"fields\":[{\"name\":\"数量\",\"type\":\"Number\"}]}"); // field C
        JsonNode recs = ok(
                        u,
                        "POST",
                        "/dbt/" + ft + "/sheets/1/records",
                        "{\"records\":[{\"fields\":{\"名称\":\"a\"}}," + "{\"fields\":{\"名称\":\"b\"}}]}")
                .get("detail")
                .get("records");
        String a = recs.get(0).get("id").asText();
        String b = recs.get(1).get("id").asText();
        ok(
                u,
                "POST",
                "/dbt/" + ft + "/webhook/sheets/1/cells/fields/update",
                "{\"callback_url\":\"" + rx.url("/fields") + "\",\"fields\":[\"C\"]}");
        ok(
                u,
                "POST",
                "/dbt/" + ft + "/webhook/sheets/1/cells/records/update",
                "{\"callback_url\":\"" + rx.url("/records") + "\",\"records\":[\"" + b + "\"]}");
        // names only: the fields subscription hears nothing, the records one hears b
        ok(
                u,
                "PUT",
                "/dbt/" + ft + "/sheets/1/records",
                "{\"records\":[{\"id\":\"" + a + "\",\"fields\":{\"名称\":\"a2\"}}," + "{\"id\":\"" + b
                        + "\",\"fields\":{\"名称\":\"b2\"}}]}");
        Receiver.Delivery d1 = rx.next(10);
        assertThat(d1.json().get("event").asText()).isEqualTo("cells.records.update");
        assertThat(d1.json().get("data").toString())
                .isEqualTo("{\"records\":[{\"id\":\"" + b + "\",\"fields\":{\"名称\":\"b2\"}}]}");
        ok(
                u,
                "PUT",
                "/dbt/" + ft + "/sheets/1/records",
                "{\"records\":[{\"id\":\"" + a + "\",\"fields\":{\"数量\":7,\"名称\":\"a3\"}}]}");
        Receiver.Delivery d2 = rx.next(10);
        assertThat(d2.json().get("event").asText()).isEqualTo("cells.fields.update");
        assertThat(d2.json().get("data").toString())
                .isEqualTo("{\"records\":[{\"id\":\"" + a + "\",\"fields\":{\"数量\":7}}]}");
        assertThat(rx.got.poll(300, TimeUnit.MILLISECONDS)).isNull();
        // unknown ids in the lists → 10001
        assertThat(code(
                        u,
                        "POST",
                        "/dbt/" + ft + "/webhook/sheets/1/cells/fields/update",
                        "{\"callback_url\":\"" + rx.url("/x") + "\",\"fields\":[\"ZZ\"]}"))
                .isEqualTo(10001);
        assertThat(code(
                        u,
                        "POST",
                        "/dbt/" + ft + "/webhook/sheets/1/cells/records/update",
                        "{\"callback_url\":\"" + rx.url("/x") + "\",\"records\":[]}"))
                .isEqualTo(10001);
    }

    @Test
    void schemaEventsFieldsCreateViewAndSheetRemove() throws Exception {
        TestServer.User u = ts.user(app);
        String ft = newDbt(u);
        JsonNode s2 = ok(
                        u,
                        "POST",
                        "/dbt/" + ft + "/sheets",
                        "{\"name\":\"two\",\"views\":[{\"name\":\"v1\",\"type\":\"grid\"},"
                                + "{\"name\":\"v2\",\"type\":\"grid\"}],\"fields\":[{\"name\":\"n\",\"type\":\"SingleLineText\"}]}")
                .get("detail")
                .get("sheet");
        int sid = s2.get("id").asInt();
        String base = "/dbt/" + ft + "/webhook/sheets/" + sid + "/";
        ok(u, "POST", base + "fields/create", "{\"callback_url\":\"" + rx.url("/f") + "\"}");
        ok(u, "POST", base + "views/C/remove", "{\"callback_url\":\"" + rx.url("/v") + "\"}");
        ok(u, "POST", base + "remove", "{\"callback_url\":\"" + rx.url("/s") + "\"}");
        assertThat(code(u, "POST", base + "views/ZZ/remove", "{\"callback_url\":\"" + rx.url("/v") + "\"}"))
                .isEqualTo(10001);
        ok(
                u,
                "POST",
                "/dbt/" + ft + "/sheets/" + sid + "/fields",
                "{\"fields\":[{\"name\":\"m\",\"type\":\"Number\"}]}");
        JsonNode f = rx.next(10).json();
        assertThat(f.get("event").asText()).isEqualTo("fields.create");
        assertThat(f.get("data").toString())
                .isEqualTo("{\"fields\":[{\"id\":\"C\",\"name\":\"m\",\"type\":\"Number\"}]}");
        ok(u, "DELETE", "/dbt/" + ft + "/sheets/" + sid + "/views/C", null);
        JsonNode v = rx.next(10).json();
        assertThat(v.get("event").asText()).isEqualTo("view.remove");
        assertThat(v.get("view_id").asText()).isEqualTo("C");
        ok(u, "DELETE", "/dbt/" + ft + "/sheets/" + sid, null);
        JsonNode s = rx.next(10).json();
        assertThat(s.get("event").asText()).isEqualTo("sheet.remove");
        assertThat(s.get("data").toString()).isEqualTo("{}");
        // the removed table's subscriptions ended with it
        assertThat(ok(u, "GET", "/dbt/" + ft + "/webhook/mine", null).get("webhooks"))
                .isEmpty();
    }

    @Test
    void tenPerDocumentMineAndUnsubscribe() {
        TestServer.User u = ts.user(app);
        TestServer.User other = ts.user(app);
        String ft = newDbt(u);
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            ids.add(subscribe(u, ft, "records/create", rx.url("/n" + i)));
        }
        // identical to a live one: the same id, nothing counted
        assertThat(subscribe(u, ft, "records/create", rx.url("/n3"))).isEqualTo(ids.get(3));
        HttpResponse<String> eleventh =
                call(u, "POST", "/dbt/" + ft + "/webhook/sheets/1/icon", "{\"callback_url\":\"" + rx.url("/x") + "\"}");
        assertThat(eleventh.statusCode()).isEqualTo(429);
        assertThat(TestServer.json(eleventh).get("code").asInt()).isEqualTo(30016);
        assertThat(TestServer.json(eleventh).get("msg").asText()).isEqualTo("TooManyWebhooks");
        assertThat(eleventh.headers().firstValue("Retry-After")).isEmpty();
        // webhook routes are tier W: 500 a day for a test app
        assertThat(eleventh.headers().firstValue("RateLimit-Policy").orElse("")).contains("q=500");
        JsonNode mine = ok(u, "GET", "/dbt/" + ft + "/webhook/mine", null).get("webhooks");
        assertThat(mine).hasSize(10);
        assertThat(mine.get(0).fieldNames())
                .toIterable()
                .containsExactly(
                        "webhook_id", "event", "sheet_id", "view_id", "callback_url", "fields", "records", "ctime");
        // another user sees none of them and cannot remove them; the owner can
        assertThat(code(other, "GET", "/dbt/" + ft + "/webhook/mine", null)).isEqualTo(30012);
        assertThat(code(u, "DELETE", "/dbt/" + ft + "/webhook/" + "0".repeat(24), null))
                .isEqualTo(10001);
        assertThat(ok(u, "DELETE", "/dbt/" + ft + "/webhook/" + ids.get(0), null)
                        .toString())
                .isEqualTo("{}");
        assertThat(code(u, "DELETE", "/dbt/" + ft + "/webhook/" + ids.get(0), null))
                .isEqualTo(10001);
        subscribe(u, ft, "description", rx.url("/d"));
    }

    @Test
    void callbackUrlsAreCheckedAgainstTheSsrfGuard() {
        TestServer.User u = ts.user(app);
        String ft = newDbt(u);
        for (String bad : new String[] {
            "ftp://127.0.0.1/x",
            "https://10.0.0.1/x",
            "https://169.254.169.254/latest/meta-data",
            "https://[::1]/x",
            "https://[::ffff:10.0.0.1]/x",
            "http://192.168.1.1/",
            "https://user:pw@example.com/",
            "https://no-such-host.invalid/x",
            "not a url",
            "/relative",
            "https://" + "a".repeat(2050) + ".com/",
            ""
        }) {
            assertThat(code(
                            u,
                            "POST",
                            "/dbt/" + ft + "/webhook/sheets/1/records/create",
                            "{\"callback_url\":\"" + bad + "\"}"))
                    .as(bad)
                    .isEqualTo(10001);
        }
        assertThat(code(u, "POST", "/dbt/" + ft + "/webhook/sheets/1/records/create", "{}"))
                .isEqualTo(10001);
        assertThat(code(
                        u,
                        "POST",
                        "/dbt/" + ft + "/webhook/sheets/9/records/create",
                        "{\"callback_url\":\"" + rx.url("/") + "\"}"))
                .isEqualTo(10001);
        // loopback without the allow-list: refused
        try (TestServer strict = new TestServer()) {
            TestServer.App a = strict.app("test");
            TestServer.User su = strict.user(a);
            String sft = TestServer.json(strict.send(
                            "POST", API + "/personal/files?access_token=" + su.token(), "{\"filename\":\"s.dbt\"}"))
                    .path("data")
                    .path("id")
                    .path("open_id")
                    .asText();
            HttpResponse<String> r = strict.send(
                    "POST",
                    API + "/dbt/" + sft + "/webhook/sheets/1/records/create?access_token=" + su.token(),
                    "{\"callback_url\":\"" + rx.url("/") + "\"}");
            assertThat(TestServer.json(r).get("code").asInt()).as(r.body()).isEqualTo(10001);
            assertThat(TestServer.json(r).get("hint").asText()).startsWith("callback_url not allowed");
        }
    }

    @Test
    void aReceiverDownIsRetriedOnTheServerClockThenServed() throws Exception {
        try (Receiver down = new Receiver()) {
            TestServer.User u = ts.user(app);
            String ft = newDbt(u);
            String wid = subscribe(u, ft, "records/create", down.url("/flaky"));
            down.status.set(503);
            ok(u, "POST", "/dbt/" + ft + "/sheets/1/records", "{\"records\":[{\"fields\":{\"名称\":\"first\"}}]}");
            ok(u, "POST", "/dbt/" + ft + "/sheets/1/records", "{\"records\":[{\"fields\":{\"名称\":\"second\"}}]}");
            waitFor(() -> down.hits.get() >= 1);
            stays(
                    Duration.ofSeconds(1),
                    () -> down.hits.get() == 1); // the second waits behind the first; no retry before 10 s
            ts.adminOk("POST", "/clock", "{\"advance_seconds\":11}");
            waitFor(() -> down.hits.get() >= 2);
            waitFor(() -> attempts(wid) == 2); // back in line, due 60 s after the second attempt
            down.status.set(200);
            ts.adminOk("POST", "/clock", "{\"advance_seconds\":61}");
            Receiver.Delivery d = down.next(10);
            assertThat(d.json()
                            .get("data")
                            .get("records")
                            .get(0)
                            .get("fields")
                            .get("名称")
                            .asText())
                    .isEqualTo("first");
            assertThat(down.next(10)
                            .json()
                            .get("data")
                            .get("records")
                            .get(0)
                            .get("fields")
                            .get("名称")
                            .asText())
                    .isEqualTo("second");
            // a line's outcomes are written together once its last answer is in: wait for them
            waitFor(() -> "delivered".equals(flaky("first").path("state").asText()));
            JsonNode first = flaky("first");
            assertThat(first.get("state").asText()).isEqualTo("delivered");
            assertThat(first.get("attempts").asInt()).isEqualTo(3);
            assertThat(first.get("last_status").asInt()).isEqualTo(200);
            assertThat(first.get("last_body").asText()).isEqualTo("answer 200");
        }
    }

    @Test
    void aDeadReceiverIsGivenUpAfterThreeRetriesAndA4xxAtOnce() throws Exception {
        try (Receiver dead = new Receiver()) {
            TestServer.User u = ts.user(app);
            String ft = newDbt(u);
            String wid = subscribe(u, ft, "records/create", dead.url("/dead"));
            dead.status.set(500);
            ok(u, "POST", "/dbt/" + ft + "/sheets/1/records", "{\"records\":[{\"fields\":{\"名称\":\"x\"}}]}");
            waitFor(() -> dead.hits.get() >= 1);
            int n = 1;
            for (int s : new int[] {11, 61, 301}) {
                int tried = n++;
                waitFor(() -> attempts(wid) == tried);
                ts.adminOk("POST", "/clock", "{\"advance_seconds\":" + s + "}");
                waitFor(() -> dead.hits.get() > tried);
            }
            waitFor(() -> state(wid).equals("failed"));
            ts.adminOk("POST", "/clock", "{\"advance_seconds\":1000}");
            stays(Duration.ofMillis(600), () -> dead.hits.get() == 4); // given up: no fifth attempt
            // a 4xx is not retried; the subscription stays and the next change is delivered
            dead.status.set(404);
            ok(u, "POST", "/dbt/" + ft + "/sheets/1/records", "{\"records\":[{\"fields\":{\"名称\":\"y\"}}]}");
            waitFor(() -> dead.hits.get() == 5);
            waitFor(() -> state(wid).equals("failed"));
            ts.adminOk("POST", "/clock", "{\"advance_seconds\":20}");
            stays(Duration.ofMillis(600), () -> dead.hits.get() == 5); // a 4xx is final
            String metrics = ts.send("GET", "/metrics", null).body();
            assertThat(metrics)
                    .contains("yundoc_webhook_deliveries_total{outcome=\"failed\"}")
                    .contains("yundoc_webhook_deliveries_total{outcome=\"retried\"}")
                    .contains("yundoc_webhook_outbox_depth");
        }
    }

    @Test
    void theDevTestHookSendsTheSubscriptionsEvent() throws Exception {
        TestServer.User u = ts.user(app);
        String ft = newDbt(u);
        String wid = subscribe(u, ft, "icon", rx.url("/icon"));
        ts.adminOk("POST", "/webhooks/" + wid + "/test", "");
        Receiver.Delivery d = rx.next(10);
        assertThat(d.signedWith(app.appKey())).isTrue();
        assertThat(d.json().get("event").asText()).isEqualTo("sheet.icon");
        assertThat(d.json().get("test").asBoolean()).isTrue();
        HttpResponse<String> unknown =
                ts.send("POST", "/admin/v1/webhooks/nope/test", "", "Authorization", "Bearer test-admin-token");
        assertThat(TestServer.json(unknown).get("code").asInt()).isEqualTo(10001);
        waitFor(() -> ts.send("GET", "/metrics", null)
                .body()
                .contains("yundoc_webhook_deliveries_total{outcome=\"delivered\"}"));
    }

    /** The delivery to {@code …/flaky} whose payload names {@code name}, or a missing node. */
    private static JsonNode flaky(String name) {
        for (JsonNode x : ts.adminOk("GET", "/webhooks/deliveries", null).get("deliveries")) {
            if (x.get("callback_url").asText().endsWith("/flaky")
                    && x.get("payload").asText().contains(name)) {
                return x;
            }
        }
        return MissingNode.getInstance();
    }

    private static String state(String webhookId) {
        for (JsonNode x : ts.adminOk("GET", "/webhooks/deliveries", null).get("deliveries")) {
            if (x.get("webhook_id").asText().equals(webhookId)) {
                return x.get("state").asText(); // newest first
            }
        }
        return "";
    }

    /** The most attempts any delivery of the subscription has made so far. */
    private static int attempts(String webhookId) {
        int most = -1;
        for (JsonNode x : ts.adminOk("GET", "/webhooks/deliveries", null).get("deliveries")) {
            if (x.get("webhook_id").asText().equals(webhookId)) {
                most = Math.max(most, x.get("attempts").asInt());
            }
        }
        return most;
    }

    /** Waits (up to 15 s) until the condition holds. */
    static void waitFor(BooleanSupplier cond) {
        Awaitility.await()
                .atMost(Duration.ofSeconds(15))
                .pollInterval(Duration.ofMillis(50))
                .until(cond::getAsBoolean);
    }

    /** Checks that the condition holds throughout the period: nothing is sent that should not be. */
    static void stays(Duration period, BooleanSupplier cond) {
        Awaitility.await()
                .during(period)
                .atMost(period.plusSeconds(5))
                .pollInterval(Duration.ofMillis(50))
                .until(cond::getAsBoolean);
    }
}
