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
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Sends the outbox (docs/api-families.md §F2.7): a poller (every 200 ms, and at once when a change commits or a line
 * finishes) claims subscriptions' lines — a subscription's first pending delivery and the ones right behind it, so
 * its deliveries go out in commit order — and a virtual thread per line POSTs them one after the other, over a
 * connection kept alive between deliveries to the same receiver.
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
    /** Subscriptions' lines claimed per poll: few, so instances polling side by side share a backlog. */
    static final int PER_TICK = 8;
    /** Deliveries of one subscription claimed together and sent one after the other on one connection. */
    static final int PER_LINE = 32;
    /** The longest one attempt takes (connect, then the answer): a line goes on only while its lease covers this. */
    static final long ATTEMPT_MAX_MS = 2 * TIMEOUT.toMillis();
    /** An answer body up to this is read to its end so the connection can serve the next delivery. */
    static final int DRAIN_MAX = 64 * 1024;
    /** Kept-alive connections per receiver, and how long one may wait for its next delivery (below common servers' 5 s). */
    static final int IDLE_PER_RECEIVER = 4;

    static final long IDLE_NANOS = TimeUnit.SECONDS.toNanos(4);

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
    private final AtomicBoolean pollQueued = new AtomicBoolean();
    private final Map<String, Deque<Connection>> idle = new ConcurrentHashMap<>();
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
        var unusedSweep = ticker.scheduleWithFixedDelay(() -> closeIdle(IDLE_NANOS), 5, 5, TimeUnit.SECONDS);
        service.onEnqueued(this::pollSoon);
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
        pollQueued.set(false); // a wake from here on asks for another poll
        try {
            int free = slots.availablePermits();
            long wall = System.currentTimeMillis();
            long claimUntil = wall + claimLeaseMs;
            List<List<WebhookStore.Claimed>> lines =
                    store.claim(clock.millis(), wall, claimUntil, instance, Math.min(free, PER_TICK), PER_LINE);
            for (List<WebhookStore.Claimed> line : lines) {
                slots.acquireUninterruptibly();
                var unusedSend = senders.submit(() -> {
                    try {
                        sendLine(line, claimUntil);
                    } catch (RuntimeException e) {
                        LOG.log(
                                Level.WARNING,
                                "webhook deliveries of " + line.get(0).webhookId() + " failed to run",
                                e);
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
     * Poll now rather than at the next tick: a line that finished lets its subscription's next deliveries go, and a
     * committed change has new ones (one poll however many ask at once).
     */
    private void pollSoon() {
        if (!stopped && pollQueued.compareAndSet(false, true)) {
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

    /**
     * Sends a claimed line in order, over one kept-alive connection where the receiver allows it. A delivery to be
     * retried ends the line (the ones behind it wait for it); so does a lease too short for one more attempt. The
     * outcomes, and the release of what was not tried, are written in one transaction.
     */
    private void sendLine(List<WebhookStore.Claimed> line, long claimUntil) {
        List<WebhookStore.Outcome> outcomes = new ArrayList<>();
        List<String> kinds = new ArrayList<>();
        Connection[] open = {null};
        try {
            for (WebhookStore.Claimed c : line) {
                if (stopped || (!outcomes.isEmpty() && System.currentTimeMillis() + ATTEMPT_MAX_MS > claimUntil)) {
                    break;
                }
                Result r = send(c, open);
                if (r == null) {
                    break; // stopping: what was sent is still recorded below
                }
                outcomes.add(r.outcome());
                kinds.add(r.kind());
                if (r.outcome().state() == null) {
                    break;
                }
            }
        } finally {
            if (open[0] != null) {
                release(open[0]);
            }
        }
        List<String> untried = line.subList(outcomes.size(), line.size()).stream()
                .map(WebhookStore.Claimed::deliveryId)
                .toList();
        boolean[] applied = complete(outcomes, untried, claimUntil);
        for (int i = 0; i < applied.length; i++) {
            if (applied[i]) {
                outcome(kinds.get(i)).increment();
            }
        }
    }

    /**
     * Writes a line's outcomes, trying again while the claim holds: the deliveries were sent, and outcomes left
     * unwritten would hold the subscription's line until the lease expires, then be sent again (a busy SQLite write
     * lock under load is the usual cause).
     */
    private boolean[] complete(List<WebhookStore.Outcome> outcomes, List<String> untried, long claimUntil) {
        for (int round = 1; ; round++) {
            try {
                return store.complete(instance, outcomes, untried, clock.millis());
            } catch (RuntimeException e) {
                long pause = Math.min(2000, 100L * round);
                if (stopped || System.currentTimeMillis() + pause >= claimUntil) {
                    throw e;
                }
                LOG.log(Level.FINE, "webhook outcomes not written yet, trying again", e);
                try {
                    Thread.sleep(pause);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
    }

    /** One attempt's outcome and its metric ({@code delivered}, {@code retried}, {@code failed}, {@code refused}). */
    private record Result(WebhookStore.Outcome outcome, String kind) {}

    private Result done(
            WebhookStore.Claimed c,
            String state,
            int attempt,
            Integer status,
            String error,
            String answer,
            String kind) {
        return new Result(new WebhookStore.Outcome(c.deliveryId(), state, attempt, status, error, answer, 0), kind);
    }

    /** A failed attempt: back in line after its backoff, or given up after the last one. */
    private Result again(WebhookStore.Claimed c, int attempt, Integer status, String error, String answer) {
        if (attempt > BACKOFF_MS.length) {
            LOG.info("webhook delivery " + c.deliveryId() + " of " + c.webhookId() + " given up after " + attempt
                    + " attempts: " + error);
            return done(
                    c,
                    "failed",
                    attempt,
                    status,
                    error + "; given up after " + attempt + " attempts",
                    answer,
                    "failed");
        }
        return new Result(
                new WebhookStore.Outcome(
                        c.deliveryId(), null, attempt, status, error, answer, clock.millis() + BACKOFF_MS[attempt - 1]),
                "retried");
    }

    /**
     * One attempt of one delivery, on {@code open[0]} when it is a connection to a vetted address of this URL's host
     * (left there for the next delivery when the receiver keeps it alive), else on a new one. Null when stopping.
     */
    private Result send(WebhookStore.Claimed c, Connection[] open) {
        int attempt = c.attempts() + 1;
        WebhookService.Target target;
        try {
            // the URL's rules and the SSRF guard, at each delivery
            target = service.target(c.callbackUrl());
        } catch (ApiException e) {
            return done(c, "failed", attempt, null, "refused: " + e.hint(), null, "refused");
        }
        AppRecord app = apps.find(c.appId()).orElse(null);
        if (app == null || app.disabled()) {
            return done(c, "failed", attempt, null, "the subscribing app is gone or disabled", null, "failed");
        }
        URI uri = target.uri();
        byte[] body = c.payload().getBytes(StandardCharsets.UTF_8);
        String ts = Long.toString(clock.epochSeconds());
        String nonce = hex(8);
        String host = uri.getHost();
        boolean tls = "https".equalsIgnoreCase(uri.getScheme());
        int port = uri.getPort() > 0 ? uri.getPort() : (tls ? 443 : 80);
        String key = (tls ? "https://" : "http://") + host + ":" + port;
        String path = (uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath())
                + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
        byte[] head = ("POST " + path + " HTTP/1.1\r\n"
                        + "Host: " + host + (uri.getPort() > 0 ? ":" + uri.getPort() : "") + "\r\n"
                        + "Content-Type: application/json; charset=utf-8\r\n"
                        + "User-Agent: " + USER_AGENT + "\r\n"
                        + "X-Wps-Timestamp: " + ts + "\r\n"
                        + "X-Wps-Nonce: " + nonce + "\r\n"
                        + "X-Wps-Signature: " + sign(app.appKey(), ts, nonce, body) + "\r\n"
                        + "X-Yundoc-Webhook-Id: " + c.webhookId() + "\r\n"
                        + "X-Yundoc-Delivery-Id: " + c.deliveryId() + "\r\n"
                        + "Content-Length: " + body.length + "\r\n\r\n")
                .getBytes(StandardCharsets.ISO_8859_1);
        if (open[0] != null && !open[0].fits(key, target.addresses())) {
            release(open[0]);
            open[0] = null;
        }
        if (open[0] == null) {
            open[0] = idle(key, target.addresses());
        }
        for (int round = 0; ; round++) {
            Connection conn = open[0];
            boolean reused = conn != null;
            Answer a;
            try {
                if (conn == null) {
                    // the guard resolves the host once and connects to an address it vetted: a DNS answer that changes
                    // between the check and the connect (rebinding) cannot point the delivery somewhere else
                    conn = new Connection(key, service.guard().connect(host, port, tls, (int) TIMEOUT.toMillis()));
                    open[0] = conn;
                }
                a = exchange(conn, head, body);
            } catch (OutboundGuard.Refused e) {
                return done(c, "failed", attempt, null, "refused: callback_url not allowed", null, "refused");
            } catch (IOException e) {
                if (conn != null) {
                    conn.close();
                }
                open[0] = null;
                if (Thread.currentThread().isInterrupted() || stopped) {
                    return null; // stopping: the claim is let go (or expires) and the delivery is sent later
                }
                if (reused && round == 0 && !(e instanceof SocketTimeoutException) && !(e instanceof Answered)) {
                    continue; // the receiver had closed the kept connection: once more on a new one
                }
                if (e instanceof SocketTimeoutException || e.getCause() instanceof SocketTimeoutException) {
                    return again(c, attempt, null, "timeout", null);
                }
                return again(
                        c, attempt, null, "connection failed: " + e.getClass().getSimpleName(), null);
            }
            if (!a.keepAlive()) {
                conn.close();
                open[0] = null;
            }
            int status = a.status();
            if (status >= 200 && status < 300) {
                return done(c, "delivered", attempt, status, null, a.body(), "delivered");
            } else if (status >= 500 || status == 429) {
                return again(c, attempt, status, "HTTP " + status, a.body());
            } else {
                return done(c, "failed", attempt, status, "HTTP " + status + " (not retried)", a.body(), "failed");
            }
        }
    }

    /** An exchange failed after the receiver had started answering: not a closed kept connection, not sent again. */
    private static final class Answered extends IOException {
        Answered(IOException cause) {
            super(cause.getMessage(), cause);
        }
    }

    /** A receiver's answer: status, the start of the body, and whether the connection can carry the next request. */
    private record Answer(int status, String body, boolean keepAlive) {}

    /** Writes one request and reads its answer (HTTP/1.1: Content-Length, chunked, or to the close). */
    private Answer exchange(Connection conn, byte[] head, byte[] body) throws IOException {
        // head and body in one write: as two, the body waits (Nagle) for the receiver's delayed ACK of the head,
        // about 40 ms a delivery, which held a subscription to some 25 deliveries a second
        byte[] request = Arrays.copyOf(head, head.length + body.length);
        System.arraycopy(body, 0, request, head.length, body.length);
        OutputStream out = conn.socket.getOutputStream();
        out.write(request);
        out.flush();
        InputStream in = conn.in;
        String statusLine = line(in);
        try {
            int status = statusOf(statusLine);
            boolean http11 = statusLine.startsWith("HTTP/1.1");
            long length = -1;
            boolean chunked = false;
            String connection = "";
            for (int i = 0; ; i++) {
                if (i >= 200) {
                    throw new IOException("too many header lines");
                }
                String h = line(in);
                if (h.isEmpty()) {
                    if (status >= 100 && status < 200) {
                        // an interim answer (100 Continue): the real one follows
                        statusLine = line(in);
                        status = statusOf(statusLine);
                        http11 = statusLine.startsWith("HTTP/1.1");
                        length = -1;
                        chunked = false;
                        connection = "";
                        i = 0;
                        continue;
                    }
                    break;
                }
                int colon = h.indexOf(':');
                if (colon <= 0) {
                    continue;
                }
                String name = h.substring(0, colon).trim().toLowerCase(Locale.ROOT);
                String value = h.substring(colon + 1).trim();
                switch (name) {
                    case "content-length" -> {
                        try {
                            length = Long.parseLong(value);
                        } catch (NumberFormatException ignored) {
                            length = -1;
                        }
                    }
                    case "transfer-encoding" ->
                        chunked = value.toLowerCase(Locale.ROOT).contains("chunked");
                    case "connection" -> connection = value.toLowerCase(Locale.ROOT);
                    default -> {}
                }
            }
            boolean keepAlive = http11 ? !connection.contains("close") : connection.contains("keep-alive");
            if (status == 204 || status == 304) {
                return new Answer(status, "", keepAlive);
            }
            Body b = readBody(conn, in, chunked, length);
            return new Answer(status, b.text(), keepAlive && b.complete());
        } catch (IOException e) {
            throw new Answered(e);
        }
    }

    /** The start of an answer's body, and whether all of it was read (the connection then serves again). */
    private record Body(String text, boolean complete) {}

    /**
     * The start of the answer (for the dev-mode list), read within the delivery's time; the rest is drained up to
     * {@link #DRAIN_MAX} so the connection can be kept, else dropped with the connection.
     */
    private Body readBody(Connection conn, InputStream in, boolean chunked, long length) {
        var closer = ticker.schedule(conn::close, TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        ByteArrayOutputStream kept = new ByteArrayOutputStream();
        boolean complete = false;
        try {
            if (chunked) {
                long total = 0;
                while (true) {
                    String size = line(in);
                    int semi = size.indexOf(';');
                    long n;
                    try {
                        n = Long.parseLong((semi >= 0 ? size.substring(0, semi) : size).trim(), 16);
                    } catch (NumberFormatException e) {
                        break;
                    }
                    if (n == 0) {
                        while (!line(in).isEmpty()) {
                            // trailers
                        }
                        complete = true;
                        break;
                    }
                    total += n;
                    if (n < 0 || total > DRAIN_MAX) {
                        break;
                    }
                    keep(kept, in.readNBytes((int) n), (int) n);
                    line(in); // the chunk's CR LF
                }
            } else if (length >= 0 && length <= DRAIN_MAX) {
                byte[] b = in.readNBytes((int) length);
                keep(kept, b, (int) length);
                complete = b.length == length;
            } else {
                // no length (to the close), or too long to drain: the start, then the connection goes
                kept.write(in.readNBytes(ANSWER_KEPT));
            }
        } catch (IOException e) {
            complete = false;
        } finally {
            closer.cancel(false);
        }
        return new Body(kept.toString(StandardCharsets.UTF_8), complete);
    }

    private static void keep(ByteArrayOutputStream kept, byte[] b, int expected) throws IOException {
        if (b.length < expected) {
            throw new IOException("answer cut short");
        }
        kept.write(b, 0, Math.min(b.length, Math.max(0, ANSWER_KEPT - kept.size())));
    }

    /** An open connection to a receiver, vetted by the guard when it was made. */
    private static final class Connection {
        final String key;
        final Socket socket;
        final InputStream in;
        long idleSince;

        Connection(String key, Socket socket) throws IOException {
            this.key = key;
            this.socket = socket;
            socket.setTcpNoDelay(true); // a request is one write; its answer should not wait for another
            this.in = new BufferedInputStream(socket.getInputStream(), 8192);
        }

        /** For a request to {@code key} whose host the guard just vetted as {@code addresses}. */
        boolean fits(String key, List<InetAddress> addresses) {
            return this.key.equals(key) && !socket.isClosed() && addresses.contains(socket.getInetAddress());
        }

        void close() {
            try {
                socket.close();
            } catch (IOException ignored) {
                // closing a connection we are done with
            }
        }
    }

    /** A kept-alive connection to this receiver (scheme, host, port) to a still-vetted address, or null. */
    private Connection idle(String key, List<InetAddress> addresses) {
        Deque<Connection> q = idle.get(key);
        if (q == null) {
            return null;
        }
        long now = System.nanoTime();
        Connection c;
        while ((c = q.pollFirst()) != null) {
            if (now - c.idleSince < IDLE_NANOS && c.fits(key, addresses)) {
                return c;
            }
            c.close();
        }
        return null;
    }

    /** Keeps a connection for the next line to the same receiver, a few per receiver, for {@link #IDLE_NANOS}. */
    private void release(Connection c) {
        if (stopped || c.socket.isClosed()) {
            c.close();
            return;
        }
        c.idleSince = System.nanoTime();
        Deque<Connection> q = idle.computeIfAbsent(c.key, k -> new ConcurrentLinkedDeque<>());
        if (q.size() >= IDLE_PER_RECEIVER) {
            c.close();
            return;
        }
        q.offerFirst(c);
        if (stopped) {
            closeIdle(0);
        }
    }

    /** Closes the kept connections idle for {@code nanos} or more. */
    private void closeIdle(long nanos) {
        long now = System.nanoTime();
        for (Deque<Connection> q : idle.values()) {
            // a concurrent deque: removing while walking it is safe
            q.removeIf(c -> {
                if (now - c.idleSince < nanos) {
                    return false;
                }
                c.close();
                return true;
            });
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

    @Override
    public void close() {
        stopped = true;
        ticker.shutdownNow();
        closeIdle(0);
        senders.shutdownNow();
        try {
            senders.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
