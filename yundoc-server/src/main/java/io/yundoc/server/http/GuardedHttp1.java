package io.yundoc.server.http;

import io.helidon.common.buffers.BufferData;
import io.helidon.common.buffers.DataReader;
import io.helidon.common.buffers.DataWriter;
import io.helidon.common.concurrency.limits.FixedLimit;
import io.helidon.common.concurrency.limits.Limit;
import io.helidon.common.socket.HelidonSocket;
import io.helidon.common.socket.PeerInfo;
import io.helidon.common.task.InterruptableTask;
import io.helidon.http.BadRequestException;
import io.helidon.http.DirectHandler;
import io.helidon.http.Headers;
import io.helidon.http.HttpPrologue;
import io.helidon.http.RequestException;
import io.helidon.http.Status;
import io.helidon.webserver.ConnectionContext;
import io.helidon.webserver.ListenerContext;
import io.helidon.webserver.ProtocolConfigs;
import io.helidon.webserver.ProxyProtocolData;
import io.helidon.webserver.Router;
import io.helidon.webserver.http1.Http1Config;
import io.helidon.webserver.http1.Http1ConnectionListener;
import io.helidon.webserver.http1.Http1ConnectionProvider;
import io.helidon.webserver.spi.ServerConnection;
import io.helidon.webserver.spi.ServerConnectionSelector;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Helidon's HTTP/1.1 connections with two things Helidon 4.5 lacks, applied where the connection reads its socket:
 * <ul>
 * <li><b>Deadlines</b> (as nginx's {@code client_header_timeout} and {@code client_body_timeout}): a request head
 * (request line and header fields) must arrive whole within {@code headerTimeout} of the moment the server starts
 * waiting for it (the connection opened, or the previous answer began); a connection that sends nothing, or idles
 * between requests, is closed at that deadline too. Once the head is in, every read of the body may wait at most
 * {@code bodyIdleTimeout} for its next bytes. Helidon's own {@code SocketOptions.readTimeout} is not applied to
 * server sockets, and its idle-connection check only covers the request line. One watchdog thread looks at the
 * connections blocked in a read a few times per deadline and closes the socket of any past its deadline.</li>
 * <li><b>Chunk extensions</b> ({@code 1c;name=value}), which RFC 9112 §7.1.1 says a recipient must ignore when it does
 * not understand them: Helidon's {@code Http1Connection.readNextChunk} parses the whole chunk-size line as hex and
 * fails on them. Each chunk-size line is handed to it with the extensions cut off.</li>
 * </ul>
 * Each connection reads through its own {@link Guard} reader, which pulls the bytes Helidon's socket reader gives.
 */
public final class GuardedHttp1 implements ServerConnectionSelector, AutoCloseable {
    private static final Logger LOG = Logger.getLogger(GuardedHttp1.class.getName());
    private final ServerConnectionSelector http1;
    private final long headerNanos;
    private final long idleNanos;
    private final Set<Guard> open = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService watchdog;
    private final AtomicLong headTimeouts = new AtomicLong();
    private final AtomicLong idleTimeouts = new AtomicLong();

    private GuardedHttp1(Http1Config.Builder config, Duration headerTimeout, Duration bodyIdleTimeout) {
        this.headerNanos = headerTimeout.toNanos();
        this.idleNanos = bodyIdleTimeout.toNanos();
        // Helidon's own check of the path parses every path as a java.net.URI (5 % of the signed route's samples);
        // the receive listener makes the same check through PathCheck, without the parse for a path that cannot fail
        // it. One listener each way: Helidon 4.5 calls none of several (Http1ConnectionListenerUtil.ListFrameListener)
        Http1Config http1Config = config.validatePath(false)
                .addReceiveListener(new PhaseListener())
                .addSendListener(new PhaseListener())
                .build();
        this.http1 = new Http1ConnectionProvider()
                .create("@default", http1Config, ProtocolConfigs.create(List.of(http1Config)));
        // a deadline is enforced at most a tenth of it late (at most 1 s, at least 20 ms)
        long tick = Math.clamp(
                Math.min(headerNanos, idleNanos) / 10, TimeUnit.MILLISECONDS.toNanos(20), TimeUnit.SECONDS.toNanos(1));
        this.watchdog = Executors.newSingleThreadScheduledExecutor(r ->
                Thread.ofPlatform().daemon().name("yundoc-connection-deadlines").unstarted(r));
        // the task catches its own failures: its future would only ever report the cancellation at shutdown
        var unused = watchdog.scheduleWithFixedDelay(this::closeOverdue, tick, tick, TimeUnit.NANOSECONDS);
    }

    /**
     * The HTTP/1.1 selector for a listener: {@code config} as the protocol settings, the deadlines as described above.
     * The listener must have no other HTTP/1 protocol configured (so this is its only selector).
     */
    public static GuardedHttp1 create(Http1Config.Builder config, Duration headerTimeout, Duration bodyIdleTimeout) {
        if (headerTimeout.isNegative()
                || headerTimeout.isZero()
                || bodyIdleTimeout.isNegative()
                || bodyIdleTimeout.isZero()) {
            throw new IllegalArgumentException("timeouts must be positive");
        }
        return new GuardedHttp1(config, headerTimeout, bodyIdleTimeout);
    }

    /** Connections closed because a request head was not complete in time. */
    public long headTimeouts() {
        return headTimeouts.get();
    }

    /** Connections closed because body bytes stopped arriving. */
    public long idleTimeouts() {
        return idleTimeouts.get();
    }

    /** Connections open now. */
    public int openConnections() {
        return open.size();
    }

    @Override
    public int bytesToIdentifyConnection() {
        return http1.bytesToIdentifyConnection();
    }

    @Override
    public Support supports(BufferData data) {
        return http1.supports(data);
    }

    @Override
    public Set<String> supportedApplicationProtocols() {
        return http1.supportedApplicationProtocols();
    }

    @Override
    public ServerConnection connection(ConnectionContext ctx) {
        Guard guard = new Guard(ctx);
        return new GuardedConnection(http1.connection(guard), guard);
    }

    @Override
    public void close() {
        watchdog.shutdownNow();
    }

    private void closeOverdue() {
        long now = System.nanoTime();
        for (Iterator<Guard> it = open.iterator(); it.hasNext(); ) {
            Guard g = it.next();
            try {
                String reason = g.overdue(now);
                if (reason != null) {
                    (reason.equals(Guard.HEAD) ? headTimeouts : idleTimeouts).incrementAndGet();
                    LOG.log(
                            Level.FINE,
                            () -> "closing connection from " + g.remotePeer().address() + ": " + reason);
                    it.remove();
                    // closed on a thread of its own: a close can wait for the connection's blocked reader to be
                    // scheduled, and one such wait must not hold up every other deadline (a loaded 2-core CI machine
                    // saw the watchdog stop after 49 closes)
                    Thread.ofPlatform().daemon().name("yundoc-deadline-close").start(() -> closeQuietly(g));
                }
            } catch (RuntimeException e) {
                // the socket is already gone: the connection thread will notice
                it.remove();
            }
        }
    }

    private static void closeQuietly(Guard g) {
        try {
            g.serverSocket().close();
        } catch (RuntimeException e) {
            // already gone: the connection thread will notice
        }
    }

    /**
     * Checks each request's path ({@link PathCheck}) and moves a connection between its head and body phases; Helidon
     * calls it on the connection's thread.
     */
    private static final class PhaseListener implements Http1ConnectionListener {
        @Override
        public void prologue(ConnectionContext ctx, HttpPrologue prologue) {
            PathCheck.validate(prologue);
        }

        @Override
        public void headers(ConnectionContext ctx, Headers headers) {
            if (ctx instanceof Guard g) {
                g.headDone();
            }
        }

        @Override
        public void status(ConnectionContext ctx, Status status) {
            if (ctx instanceof Guard g && status.code() != 101) {
                g.answerStarted(); // what the connection reads next is the next request's head
            }
        }
    }

    /** The connection Helidon made, registered with the watchdog while it runs. */
    private final class GuardedConnection implements ServerConnection, InterruptableTask<Void> {
        private final ServerConnection delegate;
        private final Guard guard;

        GuardedConnection(ServerConnection delegate, Guard guard) {
            this.delegate = delegate;
            this.guard = guard;
        }

        @Override
        public void handle(Limit limit) throws InterruptedException {
            open.add(guard);
            try {
                delegate.handle(limit);
            } finally {
                open.remove(guard);
            }
        }

        @SuppressWarnings("removal")
        @Override
        public void handle(Semaphore requestSemaphore) throws InterruptedException {
            handle(FixedLimit.create(requestSemaphore));
        }

        @Override
        public Duration idleTime() {
            return delegate.idleTime();
        }

        @Override
        public void close(boolean interrupt) {
            delegate.close(interrupt);
        }

        @Override
        public boolean canInterrupt() {
            // Helidon's graceful stop interrupts connections that wait for a request line
            return delegate instanceof InterruptableTask<?> t && t.canInterrupt();
        }
    }

    /**
     * One connection: Helidon's context with this reader in place of the socket reader, and the state the watchdog
     * reads. Times are {@link System#nanoTime()}; 0 means "not now".
     */
    private final class Guard implements ConnectionContext {
        static final String HEAD = "request head not complete within the header timeout";
        static final String IDLE = "no request bytes within the body idle timeout";
        private final ConnectionContext ctx;
        private final DataReader socketReader;
        private final DataReader reader;
        private volatile boolean inHead = true;
        private volatile long headSince;
        private volatile long blockedSince;

        Guard(ConnectionContext ctx) {
            this.ctx = ctx;
            this.socketReader = ctx.dataReader();
            this.reader = new StrictReader(this::pull);
        }

        /** The next bytes from the socket reader, or null at the end of the stream. */
        private byte[] pull() {
            long now = System.nanoTime();
            if (inHead && headSince == 0) {
                headSince = now;
            }
            blockedSince = now;
            try {
                socketReader.ensureAvailable();
                return socketReader.readBytes(socketReader.available());
            } catch (DataReader.InsufficientDataAvailableException end) {
                return null;
            } finally {
                blockedSince = 0;
            }
        }

        void headDone() {
            inHead = false;
            headSince = 0;
        }

        void answerStarted() {
            inHead = true;
            headSince = 0;
        }

        /** Why this connection must close now, or null. */
        String overdue(long now) {
            long blocked = blockedSince;
            if (blocked == 0) {
                return null; // working (or writing an answer): deadlines apply to waiting for the client only
            }
            long head = headSince;
            if (inHead && head != 0 && now - head > headerNanos) {
                return HEAD;
            }
            if (!inHead && now - blocked > idleNanos) {
                return IDLE;
            }
            return null;
        }

        @Override
        public DataReader dataReader() {
            return reader;
        }

        @Override
        public ListenerContext listenerContext() {
            return ctx.listenerContext();
        }

        @Override
        public ExecutorService executor() {
            return ctx.executor();
        }

        @Override
        public DataWriter dataWriter() {
            return ctx.dataWriter();
        }

        @Override
        public Router router() {
            return ctx.router();
        }

        @Override
        public Optional<ProxyProtocolData> proxyProtocolData() {
            return ctx.proxyProtocolData();
        }

        @Override
        public HelidonSocket serverSocket() {
            return ctx.serverSocket();
        }

        @Override
        public PeerInfo remotePeer() {
            return ctx.remotePeer();
        }

        @Override
        public PeerInfo localPeer() {
            return ctx.localPeer();
        }

        @Override
        public boolean isSecure() {
            return ctx.isSecure();
        }

        @Override
        public String socketId() {
            return ctx.socketId();
        }

        @Override
        public String childSocketId() {
            return ctx.childSocketId();
        }
    }

    /**
     * The reader Helidon's HTTP/1 connection parses from. It adds what RFC 9112 asks and Helidon 4.5 does not do:
     * <ul>
     * <li>{@code readLine} is what {@code Http1Connection.readNextChunk} reads chunk-size lines and the line after
     * the last chunk with (nothing else calls it). A chunk-size line is handed on without its extensions
     * (§7.1.1: ignore those not understood) and refused with 400 unless it is hex that fits an int (Helidon would
     * throw a NumberFormatException, an "internal error"); trailer fields after the last chunk are read and
     * dropped (§7.1.2), where Helidon accepts only an empty line.</li>
     * <li>{@code findNewLine} finds the end of the request line and of each header line: a NUL in either is refused
     * with 400 (RFC 9110 §5.5), where Helidon answers a NUL in the method with a 500 and a stack trace.</li>
     * </ul>
     */
    static final class StrictReader extends DataReader {
        /** Trailer lines read after the last chunk before the request is refused. */
        private static final int MAX_TRAILER_LINES = 64;

        private boolean afterLastChunk;

        // Helidon 4.5 marks DataReader's constructors for removal (DataReader.create is the way in); subclassing is
        // still the only hook into what Http1Connection reads. Revisit on a Helidon upgrade that removes them.
        @SuppressWarnings("removal")
        StrictReader(Supplier<byte[]> bytes) {
            super(bytes);
        }

        @Override
        public String readLine() throws IncorrectNewLineException {
            String line = super.readLine();
            if (afterLastChunk) {
                afterLastChunk = false;
                for (int n = 0; !line.isEmpty(); n++) {
                    if (n == MAX_TRAILER_LINES) {
                        throw new BadRequestException("too many trailer fields");
                    }
                    line = super.readLine();
                }
                return line;
            }
            String size = chunkSize(line);
            afterLastChunk = size.equals("0");
            return size;
        }

        /** The chunk size of a chunk-size line without extensions and leading zeros; 400 if it is not one. */
        static String chunkSize(String line) {
            int end = line.indexOf(';');
            if (end < 0) {
                end = line.length();
            }
            while (end > 0 && (line.charAt(end - 1) == ' ' || line.charAt(end - 1) == '\t')) {
                end--; // BWS before the ';'
            }
            int start = 0;
            while (start < end - 1 && line.charAt(start) == '0') {
                start++;
            }
            if (end == 0 || end - start > 8) {
                throw new BadRequestException("malformed chunk size");
            }
            for (int i = start; i < end; i++) {
                char c = line.charAt(i);
                if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'))) {
                    throw new BadRequestException("malformed chunk size");
                }
            }
            String size = line.substring(start, end);
            if (Long.parseLong(size, 16) > Integer.MAX_VALUE) {
                throw new BadRequestException("chunk size too large");
            }
            return size;
        }

        @Override
        public int findNewLine(int max) throws IncorrectNewLineException {
            int eol = super.findNewLine(max);
            if (eol > 0 && eol < max && getBuffer(eol).indexOf((byte) 0) >= 0) {
                throw RequestException.builder()
                        .type(DirectHandler.EventType.BAD_REQUEST)
                        .message("NUL in the request head")
                        .build();
            }
            return eol;
        }
    }
}
