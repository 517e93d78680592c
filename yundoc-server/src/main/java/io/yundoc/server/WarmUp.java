package io.yundoc.server;

import java.time.Duration;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * {@code serve --warm-up} (issue 19): while a server starts, a second thread starts a throw-away server on a temporary
 * data dir and a free loopback port, drives its hot routes ({@link Training}), stops it and deletes the dir. The two
 * servers share their classes, so the one-time work of a first request (class initialisation, call-site linking, the
 * first compilations) is done before the real server reports healthy, and nothing is written to the operator's data.
 * The real server's {@code /health} answers 503 with the check {@code warm-up: WARMING_UP} until this is done; a
 * warm-up that fails only logs, since the server itself is ready.
 */
final class WarmUp implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(WarmUp.class.getName());
    /** Callers driving the throw-away server: enough for the routes' concurrent paths, few enough for two cores. */
    private static final int CALLERS = 8;

    private final Duration duration;
    private final Thread thread;
    /** Set by {@link #close}: the warm-up ends at its next check, and what it was doing is not worth a log line. */
    private volatile boolean stopping;
    /** Requests the throw-away server answered 2xx, once the drive is over. */
    private volatile long answered;

    private WarmUp(Duration duration) {
        this.duration = duration;
        this.thread = Thread.ofPlatform().daemon().name("yundoc-warm-up").unstarted(() -> {
            try {
                answered = Training.onThrowAwayServer(duration, CALLERS, () -> stopping);
            } catch (Exception | LinkageError e) {
                if (e instanceof InterruptedException) {
                    Thread.currentThread().interrupt();
                }
                if (!stopping) {
                    LOG.info("warm-up stopped early; the server is ready without it: " + e);
                }
                // a start that fails says so in one line; the warm-up it stopped is not news then
                LOG.log(Level.FINE, "warm-up", e);
            }
        });
    }

    /** Starts the warm-up beside the caller. */
    static WarmUp begin(Duration duration) {
        WarmUp w = new WarmUp(duration);
        w.thread.start();
        return w;
    }

    /** The health check's value: {@code WARMING_UP} until the throw-away server is gone, then {@code UP}. */
    String status() {
        return thread.isAlive() ? "WARMING_UP" : "UP";
    }

    long answered() {
        return answered;
    }

    /** Waits until the warm-up is done (at most its duration and a minute for the throw-away server's start). */
    void await() throws InterruptedException {
        thread.join(duration.plusMinutes(1));
    }

    /** Stops a warm-up still running (the real server is closing) and waits for its throw-away server to go. */
    @Override
    public void close() throws InterruptedException {
        stopping = true;
        // no interrupt: one reaching the throw-away server's start (a failed real start closes this at once) landed
        // in libraries' class initialisation, and Hikari and Log4j logged it with stack traces on the console
        thread.join(Duration.ofSeconds(10));
    }
}
