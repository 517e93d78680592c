package io.yundoc.server.files;

import io.yundoc.protocol.ErrorCode;
import io.yundoc.server.blob.BlobIndexStore;
import io.yundoc.server.blob.BlobRecord;
import io.yundoc.server.blob.BlobStore;
import io.yundoc.server.core.ApiException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * Puts file content into the blob store for both spaces: streamed, size-limited (30008), committed before any
 * metadata refers to it; and collects blobs no metadata refers to any more.
 *
 * <p><b>Safe collection, across instances.</b> Blobs are content-addressed, so a new upload can reuse a blob that a
 * delete is about to collect: its {@link #commit} finds the bytes already there, and its metadata transaction comes
 * later. So {@link #commit} first <i>pins</i> the key with a row in {@code blob_pins}, and {@link #collect} deletes
 * a blob only when no live pin and no row of {@link #REFERENCES} names it. Both take the key's row in
 * {@code blob_locks} first (SELECT ... FOR UPDATE on PostgreSQL, where several instances share the tables; SQLite
 * runs write transactions one at a time), and the collector deletes the bytes before its transaction commits, so an
 * upload either sees the pin-free key after the bytes are gone (and writes them again) or pins it before the
 * collector looks. A failed deletion rolls the index row back; no file or version row ever points at deleted bytes
 * (a crash between deleting the bytes and the commit leaves an index row nothing refers to, which the next
 * collection removes).
 * Pins are released by the caller once its metadata is committed, or expire {@link #PIN_MILLIS} after they were
 * taken (callers that never release); skipped keys are retried by the next collection.
 */
public final class ContentStore {
    private static final Logger LOG = Logger.getLogger(ContentStore.class.getName());
    /** Every (table, column) that refers to a blob key. A new table that does must be added here. */
    static final List<String[]> REFERENCES = List.of(
            new String[] {"files", "blob_key"},
            new String[] {"file_versions", "blob_key"},
            new String[] {"office_tasks", "input_blob"},
            new String[] {"office_outputs", "blob_key"},
            new String[] {"office_previews", "blob_key"});

    static final long PIN_MILLIS = TimeUnit.MINUTES.toMillis(10);
    private final BlobStore blobs;
    private final long maxUpload;
    private final Jdbi jdbi;
    private final boolean postgres;
    private final LongSupplier clockMillis;
    private final Set<String> deferred = ConcurrentHashMap.newKeySet();

    /**
     * @param jdbi the metadata database holding the pins
     * @param postgres whether it is PostgreSQL (row locks) or SQLite (serial write transactions)
     * @param clockMillis the server clock, for pin expiry
     */
    public ContentStore(BlobStore blobs, long maxUpload, Jdbi jdbi, boolean postgres, LongSupplier clockMillis) {
        this.blobs = blobs;
        this.maxUpload = maxUpload;
        this.jdbi = jdbi;
        this.postgres = postgres;
        this.clockMillis = clockMillis;
    }

    public long maxUpload() {
        return maxUpload;
    }

    /** Streams into a pending blob; over the limit → 30008 and nothing kept. */
    public BlobStore.PendingBlob receive(InputStream in) throws IOException {
        return receive(in, maxUpload);
    }

    /** {@link #receive(InputStream)} with a lower limit of the caller's (conversion inputs and outputs). */
    public BlobStore.PendingBlob receive(InputStream in, long max) throws IOException {
        long limit = Math.min(max, maxUpload);
        try {
            return blobs.write(in, limit);
        } catch (BlobStore.BlobTooLargeException e) {
            throw new ApiException(ErrorCode.FILE_SIZE_LIMITED, "file larger than " + limit + " bytes");
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
     * Pins the blob against collection, then makes it durable, and returns its index row for the metadata
     * transaction. Call {@link #release} once that transaction has ended (or let the pin expire). Must not be called
     * inside a transaction of the caller's (SQLite would wait on itself).
     */
    public BlobRecord commit(BlobStore.PendingBlob p, long now) {
        String pinId = UUID.randomUUID().toString();
        jdbi.useTransaction(h -> {
            lockKey(h, p.key());
            h.createUpdate("INSERT INTO blob_pins (pin_id, blob_key, expires_at) VALUES (:id, :k, :exp)")
                    .bind("id", pinId)
                    .bind("k", p.key())
                    .bind("exp", clockMillis.getAsLong() + PIN_MILLIS)
                    .execute();
        });
        try {
            p.commit();
        } catch (IOException e) {
            unpin(pinId);
            throw new UncheckedIOException(e);
        } catch (RuntimeException e) {
            unpin(pinId);
            throw e;
        }
        return new BlobRecord(p.key(), p.size(), p.sha1(), p.md5(), now);
    }

    /** Pins a blob that is already stored against collection (released by {@link #release}, or expiring). */
    public void pin(String key) {
        jdbi.useTransaction(h -> {
            lockKey(h, key);
            h.createUpdate("INSERT INTO blob_pins (pin_id, blob_key, expires_at) VALUES (:id, :k, :exp)")
                    .bind("id", UUID.randomUUID().toString())
                    .bind("k", key)
                    .bind("exp", clockMillis.getAsLong() + PIN_MILLIS)
                    .execute();
        });
    }

    /**
     * Ends one pin of {@code key} taken by {@link #commit}: the metadata referring to the blob is committed (or was
     * abandoned). Pins count: any one of the key's pins goes. Best effort: a pin left behind expires.
     */
    public void release(String key) {
        try {
            jdbi.useHandle(h -> h.createUpdate("DELETE FROM blob_pins WHERE pin_id IN "
                            + "(SELECT pin_id FROM blob_pins WHERE blob_key = :k ORDER BY expires_at LIMIT 1)")
                    .bind("k", key)
                    .execute());
        } catch (RuntimeException e) {
            LOG.log(
                    Level.WARNING,
                    "pin of blob " + key + " not released; it expires in " + PIN_MILLIS / 60_000 + " min",
                    e);
        }
    }

    private void unpin(String pinId) {
        try {
            jdbi.useHandle(h -> h.createUpdate("DELETE FROM blob_pins WHERE pin_id = :id")
                    .bind("id", pinId)
                    .execute());
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "pin " + pinId + " not released; it expires in " + PIN_MILLIS / 60_000 + " min", e);
        }
    }

    /** Takes the key's lock row (created on first use) until the end of {@code h}'s transaction. */
    private void lockKey(Handle h, String key) {
        h.createUpdate("INSERT INTO blob_locks (blob_key) VALUES (:k) ON CONFLICT (blob_key) DO NOTHING")
                .bind("k", key)
                .execute();
        if (postgres) {
            h.createQuery("SELECT blob_key FROM blob_locks WHERE blob_key = :k FOR UPDATE")
                    .bind("k", key)
                    .mapTo(String.class)
                    .findOne();
        }
    }

    public static void index(Handle h, BlobRecord b) {
        BlobIndexStore.record(h, b);
    }

    private enum Outcome {
        DELETED,
        KEPT,
        PINNED
    }

    /**
     * Deletes those of {@code keys} (plus keys skipped earlier) that no metadata row refers to. Call it after the
     * transaction that removed the rows has committed. Failures are logged, never thrown: the data is already gone
     * from the client's point of view, and a leftover blob is only wasted space.
     */
    public int collect(Jdbi db, Collection<String> keys) {
        int deleted = 0;
        Set<String> todo = new LinkedHashSet<>(keys);
        todo.addAll(deferred);
        for (String key : todo) {
            if (key == null) {
                continue;
            }
            deferred.remove(key);
            try {
                Outcome o = db.inTransaction(h -> collectOne(h, key));
                if (o == Outcome.PINNED) {
                    deferred.add(key);
                } else if (o == Outcome.DELETED) {
                    deleted++;
                }
            } catch (IOException | RuntimeException e) {
                LOG.log(Level.WARNING, "blob " + key + " not collected; it stays as an orphan", e);
            }
        }
        return deleted;
    }

    private Outcome collectOne(Handle h, String key) throws IOException {
        lockKey(h, key);
        long now = clockMillis.getAsLong();
        if (h.createQuery("SELECT 1 FROM blob_pins WHERE blob_key = :k AND expires_at > :now LIMIT 1")
                .bind("k", key)
                .bind("now", now)
                .mapTo(Integer.class)
                .findFirst()
                .isPresent()) {
            return Outcome.PINNED;
        }
        for (String[] ref : REFERENCES) {
            if (h.createQuery("SELECT 1 FROM " + ref[0] + " WHERE " + ref[1] + " = :k LIMIT 1")
                    .bind("k", key)
                    .mapTo(Integer.class)
                    .findFirst()
                    .isPresent()) {
                return Outcome.KEPT;
            }
        }
        h.createUpdate("DELETE FROM blob_pins WHERE blob_key = :k")
                .bind("k", key)
                .execute(); // expired ones
        h.createUpdate("DELETE FROM blobs WHERE blob_key = :k").bind("k", key).execute();
        // still holding the key's lock: an upload of the same bytes waits, then finds them gone and writes them again
        blobs.delete(key);
        return Outcome.DELETED;
    }
}
