package io.yundoc.server.core;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.UnknownHostException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Makes sure the server never lives on without its listener. Helidon's accept loop catches whatever ends it (an
 * {@link Error} included), logs, and closes the server socket, while the JVM stays alive and keep-alive connections
 * accepted earlier are still served. So this connects to the server's own port: {@link #listening()} answers
 * {@code /health}, and a periodic check ends the process ({@link FatalErrors#halt}) when the port stopped accepting
 * connections without the server being asked to stop, so a supervisor restarts it.
 */
public final class ListenerWatchdog implements AutoCloseable {
    /** How long a probe that found the port accepting answers for {@link #listeningRecently}. */
    private static final long RECENT_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final InetSocketAddress address;
    private final Runnable onDead;
    private final ScheduledExecutorService timer;
    private volatile boolean stopping;
    /** When a probe last found the port accepting ({@link System#nanoTime}); see {@link #listeningRecently}. */
    private volatile long acceptedAt = Long.MIN_VALUE;

    private int refusals;

    /**
     * @param bind   the listener's bind address (the wildcard address is probed through loopback)
     * @param onDead what to do once the listener is found gone (the server passes {@link FatalErrors#halt})
     */
    public ListenerWatchdog(String bind, int port, long periodMillis, Runnable onDead) {
        this.address = new InetSocketAddress(probeAddress(bind), port);
        this.onDead = onDead;
        this.timer = Executors.newSingleThreadScheduledExecutor(r ->
                Thread.ofPlatform().daemon().name("yundoc-listener-watchdog").unstarted(r));
        // once check() has called onDead, nothing is left to watch: the future would only report cancellation
        var unused = timer.scheduleWithFixedDelay(this::check, periodMillis, periodMillis, TimeUnit.MILLISECONDS);
    }

    private static InetAddress probeAddress(String bind) {
        try {
            InetAddress a = InetAddress.getByName(bind);
            return a.isAnyLocalAddress() ? InetAddress.getLoopbackAddress() : a;
        } catch (UnknownHostException e) {
            return InetAddress.getLoopbackAddress();
        }
    }

    /**
     * False when the listening port refuses connections now. A probe that only times out (a full accept backlog under
     * load) counts as listening: the socket is still open.
     */
    public boolean listening() {
        try (Socket s = new Socket()) {
            s.connect(address, 1000);
            acceptedAt = System.nanoTime();
            return true;
        } catch (ConnectException e) {
            return false;
        } catch (IOException e) {
            return true;
        }
    }

    /**
     * {@link #listening()} for {@code /health}, which anyone may call as often as they like: a probe that found the
     * port accepting less than a second ago answers for it (a probe is a connection the server accepts and serves,
     * about 30 times the CPU of an API call), while a refusal is never remembered. So a dead listener shows on
     * {@code /health} within a second, and the periodic check ends the process as before.
     */
    public boolean listeningRecently() {
        long at = acceptedAt;
        if (at != Long.MIN_VALUE && System.nanoTime() - at < RECENT_NANOS) {
            return true;
        }
        return listening();
    }

    private void check() {
        // two refusals in a row, a period apart: the socket is closed, not momentarily busy
        refusals = listening() ? 0 : refusals + 1;
        if (refusals >= 2 && !stopping) {
            stopping = true;
            onDead.run();
        }
    }

    /** The server is stopping on purpose: its listener closing is expected from now on. */
    @Override
    public void close() {
        stopping = true;
        timer.shutdownNow();
    }
}
