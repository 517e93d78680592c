package io.yundoc.server.webhooks;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.yundoc.server.auth.AppRecord;
import io.yundoc.server.auth.AppStore;
import io.yundoc.server.core.ApiException;
import io.yundoc.server.core.ServerClock;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Sends the outbox (docs/api-families.md §F2.7): a scheduled poller claims due deliveries — first in their
 * subscription's line, so each subscription's deliveries go out in commit order — and virtual threads POST them.
 * A 2xx within 5 s is success; a timeout, connection error, 5xx or 429 is retried after 10 s, 60 s and 300 s (due times
 * on the server clock, so a dev-mode clock move brings them forward), then given up; other answers (3xx, 4xx) and
 * a target the SSRF guard now refuses are given up at once. Claims are held on the wall clock for
 * {@link #CLAIM} and expire, so deliveries of an instance that died are sent by another one (or after a restart).
 */
public final class WebhookDispatcher implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(WebhookDispatcher.class.getName());
    static final long[] BACKOFF_MS = {10_000, 60_000, 300_000};
    static final Duration TIMEOUT = Duration.ofSeconds(5);
    /** How long a claimed delivery is this instance's: well above one attempt (connect + answer ≤ 10 s). */
    static final long CLAIM = 60_000;
    static final int IN_FLIGHT = 64;
    /** Claimed per poll: small, so instances polling side by side share a backlog. */
    static final int PER_TICK = 8;
    static final int ANSWER_KEPT = 1024;
    private static final String USER_AGENT = "yundoc-webhook/" + version();

    private final WebhookService service;
    private final WebhookStore store;
    private final AppStore apps;
    private final ServerClock clock;
    private static final SecureRandom RANDOM = new SecureRandom();
    private final String instance = hex(8);
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT)
            .followRedirects(HttpClient.Redirect.NEVER).version(HttpClient.Version.HTTP_1_1).build();
    private final ScheduledExecutorService ticker;
    private final ExecutorService senders = Executors.newVirtualThreadPerTaskExecutor();
    private final Semaphore slots = new Semaphore(IN_FLIGHT);
    private final Map<String, Counter> outcomes = new ConcurrentHashMap<>();
    private final MeterRegistry registry;
    private volatile boolean stopped;

    public WebhookDispatcher(WebhookService service, AppStore apps, ServerClock clock, MeterRegistry registry, boolean embedded) {
        this.service = service;
        this.store = service.store();
        this.apps = apps;
        this.clock = clock;
        this.registry = registry;
        for (String o : List.of("delivered", "retried", "failed", "refused")) {
            outcome(o);
        }
        Gauge.builder("yundoc_webhook_outbox_depth", store, s -> {
                    try {
                        return s.pending();
                    } catch (RuntimeException e) {
                        return Double.NaN;
                    }
                }).description("webhook deliveries waiting to be sent or retried").register(registry);
        if (embedded) {
            store.releaseAllClaims();
        }
        this.ticker = Executors.newSingleThreadScheduledExecutor(r -> Thread.ofPlatform().daemon().name("yundoc-webhooks").unstarted(r));
        // the futures are not kept: close() shuts the executor down, and tick/prune catch their own failures
        var unusedTick = ticker.scheduleWithFixedDelay(this::tick, 200, 200, TimeUnit.MILLISECONDS);
        var unusedPrune = ticker.scheduleWithFixedDelay(this::prune, 1, 60, TimeUnit.MINUTES);
    }

    private static String hex(int bytes) {
        byte[] b = new byte[bytes];
        RANDOM.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    private static String version() {
        String v = WebhookDispatcher.class.getPackage().getImplementationVersion();
        return v == null ? "0.1.0" : v;
    }

    private Counter outcome(String o) {
        return outcomes.computeIfAbsent(o, k -> Counter.builder("yundoc_webhook_deliveries").tag("outcome", k)
                .description("webhook delivery attempts by outcome: delivered, retried (will be tried again), failed (given up), "
                        + "refused (target not allowed)")
                .register(registry));
    }

    private void tick() {
        if (stopped) {
            return;
        }
        try {
            int free = slots.availablePermits();
            List<WebhookStore.Claimed> claimed = store.claim(clock.millis(), System.currentTimeMillis(),
                    System.currentTimeMillis() + CLAIM, instance, Math.min(free, PER_TICK));
            for (WebhookStore.Claimed c : claimed) {
                slots.acquireUninterruptibly();
                var unusedSend = senders.submit(() -> {
                    try {
                        send(c);
                    } catch (RuntimeException e) {
                        LOG.log(Level.WARNING, "webhook delivery " + c.deliveryId() + " failed to run", e);
                    } finally {
                        slots.release();
                    }
                });
            }
        } catch (RuntimeException e) {
            // the database briefly out of reach: the next tick tries again; nothing was claimed
            LOG.log(Level.FINE, "webhook poll failed", e);
        }
    }

    private void prune() {
        try {
            store.prune(clock.millis() - 7L * 86_400_000);
        } catch (RuntimeException e) {
            LOG.log(Level.FINE, "webhook prune failed", e);
        }
    }

    /** {@code X-Wps-Signature}: lowercase hex HMAC-SHA256(app_key, timestamp + nonce + body) (§F2.7). */
    public static String sign(String appKey, String timestamp, String nonce, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(appKey.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            mac.update(timestamp.getBytes(StandardCharsets.UTF_8));
            mac.update(nonce.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(mac.doFinal(body));
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private void send(WebhookStore.Claimed c) {
        int attempt = c.attempts() + 1;
        URI uri;
        try {
            uri = service.checkUrl(c.callbackUrl());
        } catch (ApiException e) {
            finish(c, "failed", attempt, null, "refused: " + e.hint(), null, "refused");
            return;
        }
        AppRecord app = apps.find(c.appId()).orElse(null);
        if (app == null || app.disabled()) {
            finish(c, "failed", attempt, null, "the subscribing app is gone or disabled", null, "failed");
            return;
        }
        byte[] body = c.payload().getBytes(StandardCharsets.UTF_8);
        String ts = Long.toString(clock.epochSeconds());
        String nonce = hex(8);
        HttpRequest req = HttpRequest.newBuilder(uri).timeout(TIMEOUT)
                .header("Content-Type", "application/json; charset=utf-8")
                .header("User-Agent", USER_AGENT)
                .header("X-Wps-Timestamp", ts)
                .header("X-Wps-Nonce", nonce)
                .header("X-Wps-Signature", sign(app.appKey(), ts, nonce, body))
                .header("X-Yundoc-Webhook-Id", c.webhookId())
                .header("X-Yundoc-Delivery-Id", c.deliveryId())
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
        int status;
        String answer;
        try {
            HttpResponse<InputStream> r = http.send(req, HttpResponse.BodyHandlers.ofInputStream());
            status = r.statusCode();
            answer = readSome(r.body());
        } catch (HttpTimeoutException e) {
            again(c, attempt, null, "timeout");
            return;
        } catch (IOException e) {
            again(c, attempt, null, "connection failed: " + e.getClass().getSimpleName());
            return;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return; // stopping: the claim expires and the delivery is sent later
        }
        if (status >= 200 && status < 300) {
            finish(c, "delivered", attempt, status, null, answer, "delivered");
        } else if (status >= 500 || status == 429) {
            again(c, attempt, status, "HTTP " + status, answer);
        } else {
            finish(c, "failed", attempt, status, "HTTP " + status + " (not retried)", answer, "failed");
        }
    }

    /** The start of the answer (for the dev-mode list), read within the delivery's time; the rest is dropped. */
    private String readSome(InputStream in) {
        var closer = ticker.schedule(() -> {
            try {
                in.close();
            } catch (IOException ignored) {
                // closing only cuts a slow answer short
            }
        }, TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        try (in) {
            byte[] b = in.readNBytes(ANSWER_KEPT);
            return new String(b, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        } finally {
            closer.cancel(false);
        }
    }

    private void again(WebhookStore.Claimed c, int attempt, Integer status, String error) {
        again(c, attempt, status, error, null);
    }

    private void again(WebhookStore.Claimed c, int attempt, Integer status, String error, String answer) {
        if (attempt > BACKOFF_MS.length) {
            finish(c, "failed", attempt, status, error + "; given up after " + attempt + " attempts", answer, "failed");
            LOG.info("webhook delivery " + c.deliveryId() + " of " + c.webhookId() + " given up after " + attempt + " attempts: " + error);
            return;
        }
        if (store.retry(c.deliveryId(), instance, attempt, status, error, answer, clock.millis() + BACKOFF_MS[attempt - 1])) {
            outcome("retried").increment();
        }
    }

    private void finish(WebhookStore.Claimed c, String state, int attempt, Integer status, String error, String answer, String outcome) {
        if (store.finish(c.deliveryId(), instance, state, attempt, status, error, answer, clock.millis())) {
            outcome(outcome).increment();
        }
    }

    @Override
    public void close() {
        stopped = true;
        ticker.shutdownNow();
        senders.shutdownNow();
        try {
            senders.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
