package io.yundoc.server.files;

import io.yundoc.server.blob.BlobIndexStore;
import io.yundoc.server.core.ServerClock;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.jdbi.v3.core.Jdbi;

/**
 * The periodic sweep behind blob garbage collection: finds blobs that no file or version refers to and that are
 * older than a grace period, and hands them to {@link ContentStore#collect}, the one place that deletes blobs
 * (under its per-key locks and pins, re-checking references in the deleting transaction, bytes removed only after
 * that commit). Deletes in either space call {@code ContentStore.collect} directly; this sweep catches what they
 * deferred and anything a crash left behind.
 */
public final class BlobCollector implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(BlobCollector.class.getName());

    private final Jdbi jdbi;
    private final ContentStore content;
    private final ServerClock clock;
    private final long graceSeconds;
    private final Thread timer;
    private volatile boolean running = true;

    public BlobCollector(Jdbi jdbi, ContentStore content, ServerClock clock, long graceSeconds, long periodSeconds) {
        this.jdbi = jdbi;
        this.content = content;
        this.clock = clock;
        this.graceSeconds = graceSeconds;
        this.timer = periodSeconds <= 0
                ? null
                : Thread.ofPlatform().daemon().name("yundoc-blob-gc").start(() -> {
                    while (running) {
                        try {
                            Thread.sleep(periodSeconds * 1000);
                            collect();
                        } catch (InterruptedException e) {
                            return;
                        } catch (RuntimeException e) {
                            LOG.log(Level.WARNING, "blob collection failed", e);
                        }
                    }
                });
    }

    /** One mark-and-sweep pass; returns how many blobs were deleted. */
    public int collect() {
        long cutoff = clock.epochSeconds() - graceSeconds;
        List<String> candidates = jdbi.withHandle(h -> BlobIndexStore.unreferencedBefore(h, cutoff));
        return candidates.isEmpty() ? 0 : content.collect(jdbi, candidates);
    }

    @Override
    public void close() {
        running = false;
        if (timer != null) {
            timer.interrupt();
        }
    }
}
