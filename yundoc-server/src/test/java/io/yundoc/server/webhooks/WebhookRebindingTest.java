package io.yundoc.server.webhooks;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.yundoc.server.TestServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.UnknownHostException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * DNS rebinding at the dispatcher (docs/api-families.md §F2.7 "Delivery targets"): a callback host that resolved to a
 * public address when the subscription was made and resolves to loopback or a private address when its delivery is
 * sent is not connected to, and the delivery is recorded as refused (given up at once, outcome {@code refused}). The
 * server's outbound name resolution is the test's (the resolver given to {@link TestServer}); no allow-list, so
 * loopback and private targets are refused.
 */
class WebhookRebindingTest {
    static final byte[] PUBLIC = {93, (byte) 184, (byte) 216, 34};

    static TestServer ts;
    static TestServer.App app;
    static final Names names = new Names();
    /** Counts every TCP connection made to it: a refused delivery makes none. */
    static ServerSocket listener;

    static final AtomicInteger connections = new AtomicInteger();

    /** Per name: how many lookups answer the public address; every later one answers {@code later}. */
    static final class Names {
        final Map<String, AtomicInteger> lookups = new ConcurrentHashMap<>();
        final Map<String, Integer> publicFor = new ConcurrentHashMap<>();
        final Map<String, byte[]> later = new ConcurrentHashMap<>();

        InetAddress[] resolve(String host) throws UnknownHostException {
            if (!host.endsWith(".rebind.test")) {
                return InetAddress.getAllByName(host);
            }
            int n = lookups.computeIfAbsent(host, h -> new AtomicInteger()).incrementAndGet();
            byte[] addr = n <= publicFor.getOrDefault(host, Integer.MAX_VALUE) ? PUBLIC : later.get(host);
            return new InetAddress[] {InetAddress.getByAddress(host, addr)};
        }

        int lookups(String host) {
            return lookups.computeIfAbsent(host, h -> new AtomicInteger()).get();
        }

        /** From now on, {@code more} lookups still answer the public address, then {@code address}. */
        void rebind(String host, int more, byte[] address) {
            later.put(host, address);
            publicFor.put(host, lookups(host) + more);
        }
    }

    @BeforeAll
    static void start() throws IOException {
        ts = new TestServer(b -> {}, names::resolve);
        app = ts.app("test");
        listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread.ofVirtual().start(() -> {
            while (!listener.isClosed()) {
                try (Socket s = listener.accept()) {
                    connections.incrementAndGet();
                } catch (IOException e) {
                    // closed
                }
            }
        });
    }

    @AfterAll
    static void stop() throws IOException {
        listener.close();
        ts.close();
    }

    static JsonNode ok(TestServer.User u, String method, String path, String body) {
        return ts.openapiOk(u, method, path, body);
    }

    static JsonNode delivery(String webhookId) {
        for (JsonNode x : ts.adminOk("GET", "/webhooks/deliveries", null).get("deliveries")) {
            if (x.get("webhook_id").asText().equals(webhookId)) {
                return x;
            }
        }
        return null;
    }

    static double refusedCount() {
        for (String line : ts.send("GET", "/metrics", null).body().lines().toList()) {
            if (line.startsWith("yundoc_webhook_deliveries_total{outcome=\"refused\"}")) {
                return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return 0;
    }

    /** Subscribes to records.create at {@code host} (public then), rebinds it, adds a record; the delivery's row. */
    static JsonNode deliverAfterRebinding(String host, int moreLookups, byte[] address) throws Exception {
        TestServer.User u = ts.user(app);
        String ft = ok(u, "POST", "/personal/files", "{\"filename\":\"r" + System.nanoTime() + ".dbt\"}")
                .path("id")
                .path("open_id")
                .asText();
        String url = "https://" + host + ":" + listener.getLocalPort() + "/hook";
        String wid = ok(
                        u,
                        "POST",
                        "/dbt/" + ft + "/webhook/sheets/1/records/create",
                        "{\"callback_url\":\"" + url + "\"}")
                .get("webhook_id")
                .asText();
        assertThat(names.lookups(host))
                .as("the subscription looked the name up")
                .isPositive();
        names.rebind(host, moreLookups, address);
        ok(u, "POST", "/dbt/" + ft + "/sheets/1/records", "{\"records\":[{\"fields\":{\"名称\":\"x\"}}]}");
        WebhooksHttpTest.waitFor(() -> {
            JsonNode d = delivery(wid);
            return d != null && !d.get("state").asText().equals("pending");
        });
        return delivery(wid);
    }

    @Test
    void aHostReboundToLoopbackAfterSubscribingIsNotDelivered() throws Exception {
        double before = refusedCount();
        int conns = connections.get();
        JsonNode d = deliverAfterRebinding("a.rebind.test", 0, new byte[] {127, 0, 0, 1});
        assertThat(d.get("state").asText()).isEqualTo("failed");
        assertThat(d.get("attempts").asInt())
                .as("given up at once, not retried")
                .isEqualTo(1);
        assertThat(d.get("last_error").asText()).startsWith("refused");
        assertThat(connections.get()).as("no connection to loopback").isEqualTo(conns);
        assertThat(refusedCount()).isEqualTo(before + 1);
    }

    @Test
    void aHostReboundToAPrivateAddressBetweenTheDeliverysCheckAndItsConnectIsNotFollowed() throws Exception {
        double before = refusedCount();
        // the delivery's URL check still sees the public address; the connector's own lookup gets 10.0.0.7
        JsonNode d = deliverAfterRebinding("b.rebind.test", 1, new byte[] {10, 0, 0, 7});
        assertThat(d.get("state").asText()).isEqualTo("failed");
        assertThat(d.get("attempts").asInt()).isEqualTo(1);
        assertThat(d.get("last_error").asText()).isEqualTo("refused: callback_url not allowed");
        assertThat(refusedCount()).isEqualTo(before + 1);
        // the connector vetted what it connects to: one lookup for the check, one for the connection, none after
        assertThat(names.lookups("b.rebind.test") - names.publicFor.get("b.rebind.test"))
                .isEqualTo(1);
    }
}
