package io.yundoc.server.files;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.yundoc.server.blob.BlobStore;
import io.yundoc.server.blob.LocalBlobStore;
import io.yundoc.server.core.Database;
import io.yundoc.server.core.DirTree;
import io.yundoc.server.core.ServerClock;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A server stopping while the indexer reads a file (its interrupt closes the blob's channel, a
 * {@code ClosedByInterruptException}) gives the file back to the queue: it is not listed as unreadable, and the next
 * start indexes it. Found in CI, where a warm-up cut short by a failed start logged such a file as not indexable.
 */
class ContentIndexStopTest {
    static final String TEXT = "minutes of the harbour meeting";

    Path dir;
    Database db;
    LocalBlobStore blobs;
    String blobKey;

    /** The real local store, except that a read waits at {@code open} until the indexer is interrupted. */
    static final class ReadHeldUntilInterrupt implements BlobStore {
        final BlobStore store;
        final CountDownLatch reading = new CountDownLatch(1);

        ReadHeldUntilInterrupt(BlobStore store) {
            this.store = store;
        }

        @Override
        public PendingBlob write(InputStream in, long maxBytes) throws IOException {
            return store.write(in, maxBytes);
        }

        @Override
        public InputStream open(String key, long offset) throws IOException {
            reading.countDown();
            try {
                Thread.sleep(Duration.ofMinutes(1));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt(); // as it would be mid-read: the channel's first read sees it
            }
            return store.open(key, offset);
        }

        @Override
        public boolean exists(String key) {
            return store.exists(key);
        }

        @Override
        public void delete(String key) throws IOException {
            store.delete(key);
        }

        @Override
        public boolean healthy() {
            return store.healthy();
        }
    }

    @BeforeEach
    void open() throws Exception {
        dir = Files.createTempDirectory("index-stop");
        db = Database.open(null, dir);
        blobs = new LocalBlobStore(dir.resolve("blobs"));
        byte[] bytes = TEXT.getBytes(StandardCharsets.UTF_8);
        try (BlobStore.PendingBlob p = blobs.write(new ByteArrayInputStream(bytes), 1 << 20)) {
            p.commit();
            blobKey = p.key();
        }
        db.jdbi().useHandle(h -> {
            h.execute(
                    "INSERT INTO files (file_id, space, owner_id, parent_id, name, name_key, kind, size, blob_key, "
                            + "ctime, mtime) VALUES ('f1', 'app', 'A', '', 'minutes.txt', 'minutes.txt', 'file', ?, ?, 1, 1)",
                    bytes.length,
                    blobKey);
            ContentIndexStore.enqueue(h, "f1", 1);
        });
    }

    @AfterEach
    void close() throws Exception {
        db.close();
        DirTree.delete(dir);
    }

    ContentIndex index(BlobStore store) {
        return new ContentIndex(
                db.jdbi(),
                store,
                new ServerClock(Clock.systemUTC(), 0),
                false,
                Duration.ofSeconds(20),
                64L << 20,
                dir.resolve("extract"),
                new SimpleMeterRegistry());
    }

    String one(String sql) {
        return db.jdbi().withHandle(h -> h.createQuery(sql).mapTo(String.class).one());
    }

    @Test
    void aReadCutShortByTheStopGoesBackToTheQueueAndIsIndexedNextTime() throws Exception {
        ReadHeldUntilInterrupt held = new ReadHeldUntilInterrupt(blobs);
        ContentIndex stopping = index(held);
        try {
            assertThat(held.reading.await(30, TimeUnit.SECONDS))
                    .as("the indexer reached the file")
                    .isTrue();
        } finally {
            stopping.close();
        }
        assertThat(db.jdbi().withHandle(ContentIndexStore::failureCount))
                .as("files listed as not indexable")
                .isZero();
        assertThat(
                        one(
                                "SELECT attempts || '/' || COALESCE(claimed_until, 'none') FROM index_queue WHERE file_id = 'f1'"))
                .as("the queue row, given back untouched")
                .isEqualTo("0/none");

        try (ContentIndex next = index(blobs)) {
            assertThat(next.flush(30_000)).as("files still queued").isZero();
            assertThat(next.notIndexableCount()).isZero();
            assertThat(
                            one(
                                    "SELECT t.body FROM file_text t JOIN file_text_ids i ON i.rid = t.rowid WHERE i.file_id = 'f1'"))
                    .isEqualTo(TEXT);
        }
    }
}
