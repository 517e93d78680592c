package io.yundoc.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A webhook endpoint on loopback for tests (docs/api-families.md §F2.7): yundoc POSTs light-table changes to
 * {@link #url(String)}; each delivery's {@code X-Wps-Signature} (HMAC-SHA256 with the app key over timestamp, nonce
 * and body) is checked, and a reused nonce refused, before the test sees it. Deliveries that fail the check are
 * answered 401 and listed in {@link #rejected()}. The server must admit loopback targets ({@code --cloud-allow
 * 127.0.0.1/32}; {@code YundocServerExtension} does).
 *
 * <pre>{@code
 * String id = client.tables().subscribe(ft, 1, "records/create", receiver.url("/hook"), List.of());
 * client.tables().createRecords(ft, 1, List.of(Map.of("名称", "item1")));
 * WebhookReceiver.Delivery d = receiver.await(Duration.ofSeconds(5));
 * assertEquals("records.create", d.event());
 * }</pre>
 */
public final class WebhookReceiver implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final String appKey;
    private final HttpServer server;
    private final BlockingQueue<Delivery> received = new LinkedBlockingQueue<>();
    private final List<Delivery> all = Collections.synchronizedList(new ArrayList<>());
    private final List<Delivery> rejected = Collections.synchronizedList(new ArrayList<>());
    private final Set<String> nonces = ConcurrentHashMap.newKeySet();
    private final AtomicInteger status = new AtomicInteger(200);

    /**
     * One delivery as received.
     *
     * @param path    the request path
     * @param headers header names in lower case, first value each
     * @param body    the raw body
     */
    @SuppressWarnings("ArrayRecordComponent") // a captured request, never compared or hashed
    public record Delivery(String path, Map<String, String> headers, byte[] body) {
        /** Returns the JSON payload. */
        public JsonNode payload() {
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        /** Returns {@code records.create}, {@code cells.fields.update}, …. */
        public String event() {
            return payload().path("event").asText();
        }

        /** Returns the subscription's id. */
        public String webhookId() {
            return headers.get("x-yundoc-webhook-id");
        }

        /** Returns the delivery's id, the same across its retries. */
        public String deliveryId() {
            return headers.get("x-yundoc-delivery-id");
        }

        /** Returns the payload's {@code data}. */
        public JsonNode data() {
            return payload().path("data");
        }
    }

    /**
     * Starts listening on 127.0.0.1 at a free port.
     *
     * @param appKey the subscribing app's key: deliveries must be signed with it
     */
    public WebhookReceiver(String appKey) {
        this.appKey = appKey;
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/", ex -> {
            byte[] body = ex.getRequestBody().readAllBytes();
            Map<String, String> headers = new HashMap<>();
            ex.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(Locale.ROOT), v.get(0)));
            Delivery d = new Delivery(ex.getRequestURI().getPath(), headers, body);
            int answer;
            if (!"POST".equals(ex.getRequestMethod())
                    || !signed(d)
                    || !nonces.add(headers.getOrDefault("x-wps-nonce", ""))) {
                rejected.add(d);
                answer = 401;
            } else {
                answer = status.get();
                if (answer >= 200 && answer < 300) {
                    all.add(d);
                    received.add(d);
                } else {
                    nonces.remove(
                            headers.get("x-wps-nonce")); // a refused attempt may be retried with a new nonce anyway
                }
            }
            ex.sendResponseHeaders(answer, -1);
            ex.close();
        });
        server.start();
    }

    private boolean signed(Delivery d) {
        String ts = d.headers().get("x-wps-timestamp");
        String nonce = d.headers().get("x-wps-nonce");
        String sig = d.headers().get("x-wps-signature");
        if (ts == null || nonce == null || sig == null) {
            return false;
        }
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(appKey.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            mac.update((ts + nonce).getBytes(StandardCharsets.UTF_8));
            byte[] want = HexFormat.of().formatHex(mac.doFinal(d.body())).getBytes(StandardCharsets.UTF_8);
            return MessageDigest.isEqual(want, sig.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * A callback URL on this receiver.
     *
     * @param path the path, starting with {@code /}
     * @return {@code http://127.0.0.1:<port><path>}
     */
    public String url(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    /**
     * The next accepted delivery not yet taken.
     *
     * @param timeout how long to wait
     * @return the delivery
     * @throws AssertionError when none arrives in time
     */
    public Delivery await(Duration timeout) {
        try {
            Delivery d = received.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (d == null) {
                throw new AssertionError("no webhook delivery within " + timeout);
            }
            return d;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    /** Returns every accepted delivery so far, in arrival order. */
    public List<Delivery> deliveries() {
        synchronized (all) {
            return List.copyOf(all);
        }
    }

    /** Returns deliveries refused for a missing or wrong signature or a reused nonce. */
    public List<Delivery> rejected() {
        synchronized (rejected) {
            return List.copyOf(rejected);
        }
    }

    /**
     * The HTTP status answered to signed deliveries from now on (e.g. 503 to watch retries); 200 by default.
     *
     * @param httpStatus the status
     */
    public void respondWith(int httpStatus) {
        status.set(httpStatus);
    }

    /** Forgets what was received (the extension calls it before each test). */
    public void clear() {
        received.clear();
        all.clear();
        rejected.clear();
        status.set(200);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
