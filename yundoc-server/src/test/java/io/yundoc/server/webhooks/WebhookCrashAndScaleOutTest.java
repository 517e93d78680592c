package io.yundoc.server.webhooks;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.yundoc.server.ScaleOutBackends;
import io.yundoc.server.ServerProcess;
import io.yundoc.server.TestServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The outbox survives the process (docs/api-families.md §F2.7): a server killed with SIGKILL while a delivery waits
 * for its retry sends it after the restart; two instances on one PostgreSQL send each delivery once.
 */
@Tag("integration")
class WebhookCrashAndScaleOutTest {
    static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    static JsonNode call(int port, String method, String path, String body, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(30))
                .method(
                        method,
                        body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (headers.length > 0) {
            b.headers(headers);
        }
        HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
        JsonNode n = TestServer.JSON.readTree(r.body());
        assertThat(n.path("code").asInt())
                .as(method + " " + path + " → " + r.body())
                .isZero();
        return n.path("data");
    }

    static JsonNode admin(int port, String method, String path, String body) throws Exception {
        return call(port, method, "/admin/v1" + path, body, "Authorization", "Bearer test-admin-token");
    }

    @Test
    void aDeliveryPendingWhenTheServerIsKilledIsSentAfterTheRestart() throws Exception {
        Path dir = Files.createTempDirectory("yundoc-webhook-crash");
        System.setProperty("yundoc.test.cloudAllow", "127.0.0.1/32");
        try (Receiver rx = new Receiver()) {
            rx.status.set(503);
            ServerProcess.Started first = ServerProcess.start(dir);
            String appKey;
            try {
                int port = first.port();
                JsonNode app = admin(
                        port,
                        "POST",
                        "/apps",
                        "{\"name\":\"crash\",\"tier\":\"test\",\"redirect_uris\":[\"http://127.0.0.1/cb\"]}");
                appKey = app.get("app_key").asText();
                JsonNode user = admin(
                        port,
                        "POST",
                        "/users",
                        "{\"name\":\"crash-user\",\"password\":\"password-123\",\"nickname\":\"Crash\"}");
                String token = admin(
                                port,
                                "POST",
                                "/tokens",
                                "{\"app_id\":\"" + app.get("app_id").asText() + "\",\"user_id\":\""
                                        + user.get("user_id").asText()
                                        + "\",\"scopes\":[\"create_personal_files\",\"edit_personal_files\"]}")
                        .get("access_token")
                        .asText();
                String q = "?access_token=" + token;
                String ft = call(port, "POST", "/api/v1/openapi/personal/files" + q, "{\"filename\":\"crash.dbt\"}")
                        .path("id")
                        .path("open_id")
                        .asText();
                call(
                        port,
                        "POST",
                        "/api/v1/openapi/dbt/" + ft + "/webhook/sheets/1/records/create" + q,
                        "{\"callback_url\":\"" + rx.url("/crash") + "\"}");
                call(
                        port,
                        "POST",
                        "/api/v1/openapi/dbt/" + ft + "/sheets/1/records" + q,
                        "{\"records\":[{\"fields\":{\"名称\":\"survives\"}}]}");
                WebhooksHttpTest.waitFor(() -> rx.hits.get() >= 1); // tried once, answered 503: due again in 10 s
            } finally {
                first.kill();
            }
            rx.status.set(200);
            ServerProcess.Started second = ServerProcess.start(dir);
            try {
                // the retry may already be due by the time the second process serves (a start can take seconds)
                admin(second.port(), "POST", "/clock", "{\"advance_seconds\":11}");
                Receiver.Delivery d = rx.next(15);
                assertThat(d.signedWith(appKey)).isTrue();
                assertThat(d.json()
                                .get("data")
                                .get("records")
                                .get(0)
                                .get("fields")
                                .get("名称")
                                .asText())
                        .isEqualTo("survives");
                assertThat(rx.got.poll(1, TimeUnit.SECONDS)).as("sent once").isNull();
            } finally {
                second.kill();
            }
        } finally {
            System.clearProperty("yundoc.test.cloudAllow");
        }
    }

    @Test
    void twoInstancesOnOnePostgresSendEachDeliveryOnce() throws Exception {
        try (Receiver rx = new Receiver();
                TestServer a = new TestServer(b -> ScaleOutBackends.apply(b).cloudAllow(List.of("127.0.0.1/32")));
                TestServer b = new TestServer(
                        x -> ScaleOutBackends.apply(x.dataDir(a.server.config().dataDir()))
                                .cloudAllow(List.of("127.0.0.1/32")))) {
            rx.delayMs.set(150);
            TestServer.App app = a.app("test");
            TestServer.User u = a.user(app);
            int docs = 4;
            int perDoc = 10;
            for (int d = 0; d < docs; d++) {
                String ft = TestServer.json(a.send(
                                "POST",
                                "/api/v1/openapi/personal/files?access_token=" + u.token(),
                                "{\"filename\":\"so" + d + ".dbt\"}"))
                        .path("data")
                        .path("id")
                        .path("open_id")
                        .asText();
                for (int i = 0; i < perDoc; i++) {
                    // subscriptions through either instance
                    TestServer via = i % 2 == 0 ? a : b;
                    HttpResponse<String> r = via.send(
                            "POST",
                            "/api/v1/openapi/dbt/" + ft + "/webhook/sheets/1/records/create?access_token=" + u.token(),
                            "{\"callback_url\":\"" + rx.url("/so/" + d + "/" + i) + "\"}");
                    assertThat(TestServer.json(r).path("code").asInt())
                            .as(r.body())
                            .isZero();
                }
                // the writes alternate too: an instance wakes its dispatcher when its own write commits and may then
                // claim every due delivery before the other's next poll, so one writer alone can leave the other idle
                HttpResponse<String> r = (d % 2 == 0 ? a : b)
                        .send(
                                "POST",
                                "/api/v1/openapi/dbt/" + ft + "/sheets/1/records?access_token=" + u.token(),
                                "{\"records\":[{\"fields\":{\"名称\":\"x\"}}]}");
                assertThat(TestServer.json(r).path("code").asInt()).as(r.body()).isZero();
            }
            int expected = docs * perDoc;
            Map<String, Integer> byDelivery = new HashMap<>();
            for (int i = 0; i < expected; i++) {
                Receiver.Delivery d = rx.next(20);
                byDelivery.merge(d.header("X-Yundoc-Delivery-Id"), 1, Integer::sum);
            }
            assertThat(rx.got.poll(2, TimeUnit.SECONDS)).as("no delivery twice").isNull();
            assertThat(byDelivery)
                    .hasSize(expected)
                    .allSatisfy((k, v) -> assertThat(v).isEqualTo(1));
            Set<String> senders = new HashSet<>();
            a.adminOk("GET", "/webhooks/deliveries", null).get("deliveries").forEach(x -> {
                assertThat(x.get("state").asText()).isEqualTo("delivered");
                senders.add(x.get("instance").asText());
            });
            // both instances poll the one outbox and claim a few at a time: with a slow receiver both send some
            assertThat(senders).hasSize(2);
        }
    }
}
