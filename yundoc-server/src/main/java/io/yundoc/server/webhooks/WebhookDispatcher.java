package io.yundoc.server.webhooks;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.yundoc.server.auth.AppRecord;
import io.yundoc.server.auth.AppStore;
import io.yundoc.server.core.ApiException;
import io.yundoc.server.core.OutboundGuard;
import io.yundoc.server.core.ServerClock;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
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
 * the claim lease ({@code --webhook-claim-lease}) and expire, so deliveries of an instance that died are sent by another one (or after a restart).
 */
public final class WebhookDispatcher implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(WebhookDispatcher.class.getName());
    static final long[] BACKOFF_MS = {10_000, 60_000, 300_000};
    static final Duration TIMEOUT = Duration.ofSeconds(5);
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
    private final ScheduledExecutorService ticker;
    private final ExecutorService senders = Executors.newVirtualThreadPerTaskExecutor();
    private final Semaphore slots = new Semaphore(IN_FLIGHT);
    private final Map<String, Counter> outcomes = new ConcurrentHashMap<>();
    private final MeterRegistry registry;
    private volatile boolean stopped;
    /** How long a claimed delivery is this instance's (--webhook-claim-lease): above one attempt (connect + answer ≤ 10 s). */
    private final long claimLeaseMs;

    public WebhookDispatcher(
            WebhookService service,
            AppStore apps,
            ServerClock clock,
            MeterRegistry registry,
            boolean embedded,
            Duration claimLease) {
        this.service = service;
        this.claimLeaseMs = claimLease.toMillis();
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
                })
                .description("webhook deliveries waiting to be sent or retried")
                .register(registry);
        if (embedded) {
            store.releaseAllClaims();
        }
        this.ticker = Executors.newSingleThreadScheduledExecutor(
                r -> Thread.ofPlatform().daemon().name("yundoc-webhooks").unstarted(r));
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
        return outcomes.computeIfAbsent(
                o,
                k -> Counter.builder("yundoc_webhook_deliveries")
                        .tag("outcome", k)
                        .description(
                                "webhook delivery attempts by outcome: delivered, retried (will be tried again), failed (given up), "
                                        + "refused (target not allowed)")
                        .register(registry));
    }

    private void tick() {
        if (stopped) {
            return;
        }
        try {
            int free = slots.availablePermits();
            List<WebhookStore.Claimed> claimed = store.claim(
                    clock.millis(),
                    System.currentTimeMillis(),
                    System.currentTimeMillis() + claimLeaseMs,
                    instance,
                    Math.min(free, PER_TICK));
            for (WebhookStore.Claimed c : claimed) {
                slots.acquireUninterruptibly();
                var unusedSend = senders.submit(() -> {
                    try {
                        send(c);
                    } catch (RuntimeException e) {
                        LOG.log(Level.WARNING, "webhook delivery " + c.deliveryId() + " failed to run", e);
                    } finally {
                        slots.release();
                        pollSoon();
                    }
                });
            }
        } catch (RuntimeException e) {
            // the database briefly out of reach: the next tick tries again; nothing was claimed
            LOG.log(Level.FINE, "webhook poll failed", e);
        }
    }

    /**
     * A finished delivery lets the next one of its subscription go: poll now rather than at the next tick, or a
     * subscription could not get past 5 deliveries a second (one per 200 ms tick), far below a busy table's changes.
     */
    private void pollSoon() {
        if (!stopped) {
            try {
                ticker.execute(this::tick);
            } catch (RejectedExecutionException e) {
                // stopping
            }
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
        } catch (GeneralSecurityException e) {
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
        String host = uri.getHost();
        boolean tls = "https".equalsIgnoreCase(uri.getScheme());
        int port = uri.getPort() > 0 ? uri.getPort() : (tls ? 443 : 80);
        String path = (uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath())
                + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
        // HTTP/1.0 with Connection: close: the answer is the rest of the stream (no chunked coding to decode)
        String head = "POST " + path + " HTTP/1.0\r\n"
                + "Host: " + host + (uri.getPort() > 0 ? ":" + uri.getPort() : "") + "\r\n"
                + "Content-Type: application/json; charset=utf-8\r\n"
                + "User-Agent: " + USER_AGENT + "\r\n"
                + "X-Wps-Timestamp: " + ts + "\r\n"
                + "X-Wps-Nonce: " + nonce + "\r\n"
                + "X-Wps-Signature: " + sign(app.appKey(), ts, nonce, body) + "\r\n"
                + "X-Yundoc-Webhook-Id: " + c.webhookId() + "\r\n"
                + "X-Yundoc-Delivery-Id: " + c.deliveryId() + "\r\n"
                + "Content-Length: " + body.length + "\r\n"
                + "Connection: close\r\n\r\n";
        int status;
        String answer;
        // the guard resolves the host once and connects to an address it vetted: a DNS answer that changes between
        // the check and the connect (rebinding) cannot point the delivery somewhere else
        try (Socket socket = service.guard().connect(host, port, tls, (int) TIMEOUT.toMillis())) {
            OutputStream out = socket.getOutputStream();
            out.write(head.getBytes(StandardCharsets.ISO_8859_1));
            out.write(body);
            out.flush();
            InputStream in = new BufferedInputStream(socket.getInputStream(), 8192);
            status = statusOf(line(in));
            long length = -1;
            for (int i = 0; i < 200; i++) {
                String h = line(in);
                if (h.isEmpty()) {
                    break;
                }
                if (h.regionMatches(true, 0, "Content-Length:", 0, 15)) {
                    try {
                        length = Long.parseLong(h.substring(15).trim());
                    } catch (NumberFormatException ignored) {
                        length = -1;
                    }
                }
            }
            // up to Content-Length (a receiver that keeps the connection open is not waited for), else to the close
            answer = readSome(socket, in, length < 0 ? ANSWER_KEPT : (int) Math.min(length, ANSWER_KEPT));
        } catch (OutboundGuard.Refused e) {
            finish(c, "failed", attempt, null, "refused: callback_url not allowed", null, "refused");
            return;
        } catch (SocketTimeoutException e) {
            again(c, attempt, null, "timeout");
            return;
        } catch (IOException e) {
            if (Thread.currentThread().isInterrupted() || stopped) {
                return; // stopping: the claim expires and the delivery is sent later
            }
            again(c, attempt, null, "connection failed: " + e.getClass().getSimpleName());
            return;
        }
        if (status >= 200 && status < 300) {
            finish(c, "delivered", attempt, status, null, answer, "delivered");
        } else if (status >= 500 || status == 429) {
            again(c, attempt, status, "HTTP " + status, answer);
        } else {
            finish(c, "failed", attempt, status, "HTTP " + status + " (not retried)", answer, "failed");
        }
    }

    private static int statusOf(String statusLine) throws IOException {
        String[] parts = statusLine.split(" ", 3);
        if (parts.length < 2 || !parts[0].startsWith("HTTP/")) {
            throw new IOException("not an HTTP answer");
        }
        try {
            return Integer.parseInt(parts[1].trim());
        } catch (NumberFormatException e) {
            throw new IOException("not an HTTP status", e);
        }
    }

    /** One header line (CR LF or LF), at most 16 KiB. */
    private static String line(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int ch;
        while ((ch = in.read()) >= 0 && ch != '\n') {
            if (b.size() > 16 * 1024) {
                throw new IOException("header line too long");
            }
            if (ch != '\r') {
                b.write(ch);
            }
        }
        if (ch < 0 && b.size() == 0) {
            throw new IOException("connection closed");
        }
        return b.toString(StandardCharsets.ISO_8859_1);
    }

    /** The start of the answer (for the dev-mode list), read within the delivery's time; the rest is dropped. */
    private String readSome(Socket socket, InputStream in, int max) {
        var closer = ticker.schedule(
                () -> {
                    try {
                        socket.close();
                    } catch (IOException ignored) {
                        // closing only cuts a slow answer short
                    }
                },
                TIMEOUT.toMillis(),
                TimeUnit.MILLISECONDS);
        try {
            byte[] b = in.readNBytes(max);
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
            LOG.info("webhook delivery " + c.deliveryId() + " of " + c.webhookId() + " given up after " + attempt
                    + " attempts: " + error);
            return;
        }
        if (store.retry(
                c.deliveryId(), instance, attempt, status, error, answer, clock.millis() + BACKOFF_MS[attempt - 1])) {
            outcome("retried").increment();
        }
    }

    private void finish(
            WebhookStore.Claimed c,
            String state,
            int attempt,
            Integer status,
            String error,
            String answer,
            String outcome) {
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
