package io.yundoc.server.webhooks;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.yundoc.server.TestServer;
import io.yundoc.server.TestServerExtension;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Claims of the outbox (docs/api-families.md §F2.7): a delivery another instance claimed is left to it until the
 * claim expires, then this instance sends it; this instance's own claims last {@code --webhook-claim-lease}. Runs on
 * SQLite and, in the scale-out run, on PostgreSQL (row claiming with FOR UPDATE SKIP LOCKED).
 *
 * <p>Claims are held on the wall clock, not the server clock (§F2.7 "Claims": instances compare them, and a dev clock
 * move must not let one instance take another's delivery in flight), so moving the clock cannot expire a claim: the
 * other instance's claim is written into the row, and the test moves the clock only to make the retry due.
 */
class WebhookClaimLeaseTest {
    static final Duration LEASE = Duration.ofSeconds(5);

    @RegisterExtension
    static final TestServerExtension SERVER = TestServerExtension.embedded(
            b -> b.cloudAllow(List.of("127.0.0.1/32")).webhookClaimLease(LEASE));

    static TestServer ts;
    static TestServer.App app;

    @BeforeAll
    static void start() {
        ts = SERVER.get();
        app = ts.app("test");
    }

    static JsonNode ok(TestServer.User u, String method, String path, String body) {
        return ts.openapiOk(u, method, path, body);
    }

    static String newDbt(TestServer.User u) {
        return ok(
                        u,
                        "POST",
                        "/personal/files",
                        "{\"filename\":\"lease" + System.nanoTime() + ".dbt\",\"path_from_root\":true}")
                .path("id")
                .path("open_id")
                .asText();
    }

    static String subscribe(TestServer.User u, String ft, String event, String url) {
        return ok(u, "POST", "/dbt/" + ft + "/webhook/sheets/1/" + event, "{\"callback_url\":\"" + url + "\"}")
                .get("webhook_id")
                .asText();
    }

    static Map<String, Object> row(String webhookId) {
        return ts.server
                .database()
                .jdbi()
                .withHandle(h -> h.createQuery(
                                "SELECT state, claimed_by, claimed_until, attempts FROM webhook_deliveries WHERE webhook_id = :w")
                        .bind("w", webhookId)
                        .mapToMap()
                        .one());
    }

    @Test
    void aClaimOfAnotherInstanceIsLeftToItUntilItExpires() throws Exception {
        try (Receiver rx = new Receiver()) {
            rx.status.set(503);
            TestServer.User u = ts.user(app);
            String ft = newDbt(u);
            String wid = subscribe(u, ft, "records/create", rx.url("/lease"));
            ok(u, "POST", "/dbt/" + ft + "/sheets/1/records", "{\"records\":[{\"fields\":{\"名称\":\"leased\"}}]}");
            WebhooksHttpTest.waitFor(() -> rx.hits.get() >= 1);
            WebhooksHttpTest.waitFor(() -> ((Number) row(wid).get("attempts")).intValue() == 1); // retry due in 10 s
            // another instance claims it (it is sending, or it died while sending) for 4 s of wall time
            long until = System.currentTimeMillis() + 4000;
            ts.server
                    .database()
                    .jdbi()
                    .useHandle(h -> h.createUpdate(
                                    "UPDATE webhook_deliveries SET claimed_by = 'another-instance', claimed_until = :u WHERE webhook_id = :w")
                            .bind("u", until)
                            .bind("w", wid)
                            .execute());
            rx.status.set(200);
            ts.advanceClock(11); // due now on the server clock; the wall-clock claim still holds
            Thread.sleep(1500);
            assertThat(rx.hits.get())
                    .as("not sent while the other instance's claim holds")
                    .isEqualTo(1);
            rx.next(15);
            assertThat(System.currentTimeMillis()).isGreaterThanOrEqualTo(until);
            WebhooksHttpTest.waitFor(() -> "delivered".equals(row(wid).get("state")));
            assertThat(row(wid).get("claimed_by")).isNotEqualTo("another-instance");
            assertThat(rx.hits.get()).isEqualTo(2);
        }
    }

    @Test
    void thisInstancesClaimsLastTheConfiguredLease() throws Exception {
        try (Receiver slow = new Receiver()) {
            slow.delayMs.set(2000);
            TestServer.User u = ts.user(app);
            String ft = newDbt(u);
            String wid = subscribe(u, ft, "records/create", slow.url("/slow"));
            ok(u, "POST", "/dbt/" + ft + "/sheets/1/records", "{\"records\":[{\"fields\":{\"名称\":\"slow\"}}]}");
            WebhooksHttpTest.waitFor(() -> slow.hits.get() >= 1);
            long now = System.currentTimeMillis();
            Map<String, Object> r = row(wid);
            assertThat(r.get("state")).isEqualTo("pending"); // in flight: the receiver takes 2 s
            long claimedUntil = ((Number) r.get("claimed_until")).longValue();
            assertThat(claimedUntil - now)
                    .as("lease left")
                    .isLessThanOrEqualTo(LEASE.toMillis())
                    .isGreaterThan(0);
            slow.next(15);
            WebhooksHttpTest.waitFor(() -> "delivered".equals(row(wid).get("state")));
            assertThat(slow.hits.get()).as("sent once").isEqualTo(1);
        }
    }
}
