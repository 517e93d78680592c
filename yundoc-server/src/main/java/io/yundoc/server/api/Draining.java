package io.yundoc.server.api;

import io.helidon.http.HeaderValues;
import io.helidon.webserver.http.ServerResponse;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The first half of a graceful stop (a rolling restart behind a load balancer). Once {@link #drain} began, every answer
 * closes its connection and {@code /health} says DRAINING, so the balancer opens new connections elsewhere, while the
 * listener still accepts; {@link #drain} returns when no request is in flight. Then Helidon's own stop (with its
 * shutdown grace period) closes the listener and waits for what is left.
 *
 * <p>Every route's handler enters here first ({@link Pipeline}). Not a Helidon {@code Filter}: behind a filter,
 * Helidon 4.5 loses the bytes a handler flushed before it closes the connection on purpose (the dev-mode
 * {@code drop_after_bytes} fault), which {@code FaultInjectionTest} checks.
 */
public final class Draining {
    private final AtomicInteger inFlight = new AtomicInteger();
    private volatile boolean draining;

    /** A request begins: counted until {@link #leave}; while draining its answer closes the connection. */
    void enter(ServerResponse res) {
        inFlight.incrementAndGet();
        if (draining) {
            res.header(HeaderValues.CONNECTION_CLOSE); // no further request on this connection
        }
    }

    /** The request is answered (or failed). */
    void leave() {
        if (inFlight.decrementAndGet() == 0 && draining) {
            synchronized (this) {
                notifyAll();
            }
        }
    }

    /** True once {@link #drain} began: {@code /health} answers 503 and every answer closes its connection. */
    public boolean draining() {
        return draining;
    }

    /** Starts draining and waits until no request is in flight or {@code timeout} passed; returns how many are left. */
    public synchronized int drain(Duration timeout) {
        draining = true;
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            for (long left = timeout.toNanos(); inFlight.get() > 0 && left > 0; left = deadline - System.nanoTime()) {
                TimeUnit.NANOSECONDS.timedWait(this, left);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return inFlight.get();
    }
}
