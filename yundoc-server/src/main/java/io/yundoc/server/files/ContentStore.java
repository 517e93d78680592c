package io.yundoc.server.files;

import io.yundoc.protocol.ErrorCode;
import io.yundoc.server.blob.BlobIndex;
import io.yundoc.server.blob.BlobRecord;
import io.yundoc.server.blob.BlobStore;
import io.yundoc.server.core.ApiException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * Puts file content into the blob store for both spaces: streamed, size-limited (30008), committed before any
 * metadata refers to it; and collects blobs no metadata refers to any more.
 *
 * <p><b>Safe collection.</b> Blobs are content-addressed, so a new upload can reuse a blob that a delete is about to
 * collect: its {@link #commit} finds the file already there, and its metadata transaction comes later. To keep that
 * reuse safe, {@link #commit} <i>pins</i> the key under a per-key lock, and {@link #collect} (under the same lock)
 * skips pinned keys and deletes a blob only when no row of {@link #REFERENCES} names it, with the index row removed
 * in a committed transaction <i>before</i> the file is deleted. A crash in between leaves an orphan file (wasted
 * space), never a row pointing at deleted bytes. Pins are released by the caller once its metadata is committed,
 * or expire {@link #PIN_MILLIS} after the last pin (callers that never release); skipped keys are retried by the next collection.
 * (Single-instance only: several instances on one store would need the lock in the shared database.)
 */
public final class ContentStore {
    private static final Logger LOG = Logger.getLogger(ContentStore.class.getName());
    /** Every (table, column) that refers to a blob key. A new table that does must be added here. */
    static final List<String[]> REFERENCES = List.of(new String[]{"files", "blob_key"},
            new String[]{"file_versions", "blob_key"});
    static final long PIN_MILLIS = TimeUnit.MINUTES.toMillis(10);
    private static final int STRIPES = 64;
    private final BlobStore blobs;
    private final long maxUpload;
    private final Object[] locks = new Object[STRIPES];
    private final ConcurrentHashMap<String, Pin> pins = new ConcurrentHashMap<>();
    private final Set<String> deferred = ConcurrentHashMap.newKeySet();

    /** In-flight users of a key and when it was last pinned (monotonic time). */
    private record Pin(int holders, long pinnedAtNanos) {
    }

    public ContentStore(BlobStore blobs, long maxUpload) {
        this.blobs = blobs;
        this.maxUpload = maxUpload;
        for (int i = 0; i < STRIPES; i++) {
            locks[i] = new Object();
        }
    }

    public long maxUpload() {
        return maxUpload;
    }

    /** Streams into a pending blob; over the limit → 30008 and nothing kept. */
    public BlobStore.PendingBlob receive(InputStream in) throws IOException {
        try {
            return blobs.write(in, maxUpload);
        } catch (BlobStore.BlobTooLargeException e) {
            throw new ApiException(ErrorCode.FILE_SIZE_LIMITED, "file larger than " + maxUpload + " bytes");
        }
    }

    public BlobStore.PendingBlob receive(byte[] bytes) {
        try {
            return blobs.write(new ByteArrayInputStream(bytes), Long.MAX_VALUE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Makes the blob durable and pins it against collection, then returns its index row for the metadata
     * transaction. Call {@link #release} once that transaction has ended (or let the pin expire).
     */
    public BlobRecord commit(BlobStore.PendingBlob p, long now) {
        synchronized (lock(p.key())) {
            pins.compute(p.key(), (k, old) -> new Pin(old == null ? 1 : old.holders() + 1, System.nanoTime()));
            try {
                p.commit();
            } catch (IOException e) {
                unpin(p.key());
                throw new UncheckedIOException(e);
            }
        }
        sweepPins();
        return new BlobRecord(p.key(), p.size(), p.sha1(), p.md5(), now);
    }

    /** Ends one pin taken by {@link #commit}: the metadata referring to the blob is committed (or was abandoned). */
    public void release(String key) {
        synchronized (lock(key)) {
            unpin(key);
        }
    }

    public static void index(Handle h, BlobRecord b) {
        BlobIndex.record(h, b);
    }

    /**
     * Deletes those of {@code keys} (plus keys skipped earlier) that no metadata row refers to. Call it after the
     * transaction that removed the rows has committed. Failures are logged, never thrown: the data is already gone
     * from the client's point of view, and a leftover blob is only wasted space.
     */
    public int collect(Jdbi jdbi, Collection<String> keys) {
        int deleted = 0;
        Set<String> todo = new LinkedHashSet<>(keys);
        todo.addAll(deferred);
        for (String key : todo) {
            if (key == null) {
                continue;
            }
            synchronized (lock(key)) {
                if (pinned(key)) {
                    deferred.add(key);
                    continue;
                }
                deferred.remove(key);
                try {
                    boolean unreferenced = jdbi.inTransaction(h -> {
                        for (String[] ref : REFERENCES) {
                            boolean used = h.createQuery("SELECT 1 FROM " + ref[0] + " WHERE " + ref[1] + " = :k LIMIT 1")
                                    .bind("k", key).mapTo(Integer.class).findFirst().isPresent();
                            if (used) {
                                return false;
                            }
                        }
                        h.createUpdate("DELETE FROM blobs WHERE blob_key = :k").bind("k", key).execute();
                        return true;
                    });
                    if (unreferenced) {
                        blobs.delete(key);
                        deleted++;
                    }
                } catch (IOException | RuntimeException e) {
                    LOG.log(Level.WARNING, "blob " + key + " not collected; it stays as an orphan", e);
                }
            }
        }
        return deleted;
    }

    private boolean pinned(String key) {
        Pin p = pins.get(key);
        return p != null && p.holders() > 0 && System.nanoTime() - p.pinnedAtNanos() < TimeUnit.MILLISECONDS.toNanos(PIN_MILLIS);
    }

    private void unpin(String key) {
        pins.computeIfPresent(key, (k, old) -> old.holders() <= 1 ? null : new Pin(old.holders() - 1, old.pinnedAtNanos()));
    }

    /** Drops expired pins so the map does not grow with every upload. */
    private void sweepPins() {
        if (pins.size() < 1024) {
            return;
        }
        List<String> stale = new ArrayList<>();
        pins.forEach((k, p) -> {
            if (System.nanoTime() - p.pinnedAtNanos() >= TimeUnit.MILLISECONDS.toNanos(PIN_MILLIS)) {
                stale.add(k);
            }
        });
        for (String k : stale) {
            synchronized (lock(k)) {
                pins.computeIfPresent(k, (key, p) ->
                        System.nanoTime() - p.pinnedAtNanos() >= TimeUnit.MILLISECONDS.toNanos(PIN_MILLIS) ? null : p);
            }
        }
    }

    private Object lock(String key) {
        return locks[Math.floorMod(key.hashCode(), STRIPES)];
    }
}
