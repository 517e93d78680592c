package io.yundoc.server.blob;

import io.yundoc.server.core.ServerClock;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.jdbi.v3.core.Jdbi;

/**
 * Garbage collection of content-addressed blobs: a blob goes only when no file version (in either space) and no
 * file row refers to it. Safe against crashes and concurrent uploads:
 * <ul>
 *   <li>the reference check is repeated inside the transaction that deletes the {@code blobs} row, and the bytes
 *   are deleted only after that commit: a crash in between leaves an unreferenced file (a leak), never a row
 *   pointing at missing bytes;</li>
 *   <li>blobs whose row is younger than the grace period are never collected, and every upload "touches" the row of
 *   content that already exists ({@link #touch}) before it relies on the stored bytes, under the same per-key lock
 *   the collector holds while deleting, so an upload of identical content cannot lose its bytes half-way.</li>
 * </ul>
 * Callable from anywhere (personal and app-space deletes alike); it also runs periodically.
 */
public final class BlobCollector implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(BlobCollector.class.getName());
    private static final ReentrantLock[] LOCKS = new ReentrantLock[64];

    static {
        for (int i = 0; i < LOCKS.length; i++) {
            LOCKS[i] = new ReentrantLock();
        }
    }

    private final Jdbi jdbi;
    private final BlobStore store;
    private final ServerClock clock;
    private final long graceSeconds;
    private final Thread timer;
    private volatile boolean running = true;

    public BlobCollector(Jdbi jdbi, BlobStore store, ServerClock clock, long graceSeconds, long periodSeconds) {
        this.jdbi = jdbi;
        this.store = store;
        this.clock = clock;
        this.graceSeconds = graceSeconds;
        this.timer = periodSeconds <= 0 ? null : Thread.ofPlatform().daemon().name("yundoc-blob-gc").start(() -> {
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

    private static ReentrantLock lock(String key) {
        return LOCKS[Math.floorMod(key.hashCode(), LOCKS.length)];
    }

    /**
     * Runs {@code commit} (making the bytes of {@code key} durable) after refreshing the blob's row, if any, under
     * the key's lock: the collector either deleted the blob before (and the commit writes the bytes anew) or sees
     * a fresh row afterwards and leaves it alone.
     */
    public void touch(String key, IoAction commit) throws IOException {
        ReentrantLock l = lock(key);
        l.lock();
        try {
            long now = clock.epochSeconds();
            jdbi.useHandle(h -> h.createUpdate("UPDATE blobs SET created_at = :t WHERE blob_key = :k AND created_at < :t")
                    .bind("t", now).bind("k", key).execute());
            commit.run();
        } finally {
            l.unlock();
        }
    }

    /** What {@link #touch} runs under the lock. */
    @FunctionalInterface
    public interface IoAction {
        void run() throws IOException;
    }

    private static final String UNREFERENCED = "NOT EXISTS (SELECT 1 FROM file_versions v WHERE v.blob_key = b.blob_key) "
            + "AND NOT EXISTS (SELECT 1 FROM files f WHERE f.blob_key = b.blob_key)";

    /** One mark-and-sweep pass; returns how many blobs were deleted. */
    public int collect() {
        long cutoff = clock.epochSeconds() - graceSeconds;
        List<String> candidates = jdbi.withHandle(h -> h.createQuery("SELECT b.blob_key FROM blobs b WHERE b.created_at < :c AND "
                + UNREFERENCED).bind("c", cutoff).mapTo(String.class).list());
        int deleted = 0;
        for (String key : candidates) {
            ReentrantLock l = lock(key);
            l.lock();
            try {
                long again = clock.epochSeconds() - graceSeconds;
                int n = jdbi.inTransaction(h -> h.createUpdate("DELETE FROM blobs WHERE blob_key = :k AND created_at < :c AND "
                        + UNREFERENCED.replace("b.blob_key", "blobs.blob_key")).bind("k", key).bind("c", again).execute());
                if (n == 1) {
                    try {
                        store.delete(key); // only after the row is gone for good
                        deleted++;
                    } catch (IOException e) {
                        LOG.log(Level.WARNING, "could not delete blob bytes " + key + " (row already removed; bytes leak)", e);
                    }
                }
            } finally {
                l.unlock();
            }
        }
        return deleted;
    }

    @Override
    public void close() {
        running = false;
        if (timer != null) {
            timer.interrupt();
        }
    }
}
