package io.yundoc.server.files;

import static org.assertj.core.api.Assertions.assertThat;

import io.yundoc.server.blob.BlobRecord;
import io.yundoc.server.blob.BlobStore;
import io.yundoc.server.blob.LocalBlobStore;
import io.yundoc.server.core.Database;
import io.yundoc.server.core.DirTree;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Blob collection rules: only unreferenced blobs go, pinned ones wait and are retried, the index row goes first. */
class ContentStoreCollectTest {
    Path dir;
    Database db;
    LocalBlobStore blobs;
    ContentStore content;

    final AtomicLong clock = new AtomicLong(1_000_000);

    /** The metadata database under test: SQLite here, PostgreSQL in {@link ContentStoreCollectPostgresTest}. */
    Database openDatabase(Path dir) {
        return Database.open(null, dir);
    }

    /** Another server instance's content store on the same database and blob store. */
    ContentStore instance() {
        return new ContentStore(blobs, 1 << 20, db.jdbi(), db.postgres(), clock::get);
    }

    @BeforeEach
    void open() throws Exception {
        dir = Files.createTempDirectory("collect");
        db = openDatabase(dir);
        blobs = new LocalBlobStore(dir.resolve("blobs"));
        content = instance();
    }

    @AfterEach
    void close() throws Exception {
        db.close();
        DirTree.delete(dir);
    }

    BlobRecord store(String text) {
        return store(content, text);
    }

    BlobRecord store(ContentStore through, String text) {
        try (BlobStore.PendingBlob p = through.receive(text.getBytes(StandardCharsets.UTF_8))) {
            BlobRecord b = through.commit(p, 1);
            db.jdbi().useHandle(h -> ContentStore.index(h, b));
            return b;
        }
    }

    void reference(String table, BlobRecord b) {
        if (table.equals("files")) {
            referenceFrom("f1", b);
        } else {
            db.jdbi()
                    .useHandle(h -> h.execute(
                            "INSERT INTO file_versions (file_id, version, name, size, blob_key, ctime, mtime) "
                                    + "VALUES ('f2', 1, 'n', 1, ?, 1, 1)",
                            b.key()));
        }
    }

    void referenceFrom(String fileId, BlobRecord b) {
        db.jdbi()
                .useHandle(h -> h.execute(
                        "INSERT INTO files (file_id, space, owner_id, parent_id, name, name_key, kind, "
                                + "blob_key, ctime, mtime) VALUES (?, 'app', 'A', '', ?, ?, 'file', ?, 1, 1)",
                        fileId,
                        fileId,
                        fileId,
                        b.key()));
    }

    long indexRows(BlobRecord b) {
        return db.jdbi()
                .withHandle(h -> h.createQuery("SELECT COUNT(*) FROM blobs WHERE blob_key = :k")
                        .bind("k", b.key())
                        .mapTo(Long.class)
                        .one());
    }

    @Test
    void referencedBlobsStayUnreferencedOnesGo() {
        BlobRecord inFile = store("in a file");
        BlobRecord inVersion = store("in a version");
        BlobRecord loose = store("loose");
        reference("files", inFile);
        reference("file_versions", inVersion);
        List.of(inFile, inVersion, loose).forEach(b -> content.release(b.key()));
        content.collect(db.jdbi(), List.of(inFile.key(), inVersion.key(), loose.key()));
        assertThat(blobs.exists(inFile.key())).isTrue();
        assertThat(blobs.exists(inVersion.key())).isTrue();
        assertThat(blobs.exists(loose.key())).isFalse();
        assertThat(indexRows(loose)).isZero();
        assertThat(indexRows(inFile)).isOne();
    }

    @Test
    void aPinnedBlobIsSkippedAndCollectedOnceReleased() {
        BlobRecord b = store("pinned");
        content.collect(db.jdbi(), List.of(b.key()));
        assertThat(blobs.exists(b.key())).as("pinned by its commit").isTrue();
        content.release(b.key());
        content.collect(db.jdbi(), List.of()); // the skipped key is retried by the next collection
        assertThat(blobs.exists(b.key())).isFalse();
    }

    @Test
    void twoPinsNeedTwoReleases() {
        BlobRecord first = store("shared");
        BlobRecord second = store("shared");
        assertThat(second.key()).isEqualTo(first.key());
        content.release(first.key());
        content.collect(db.jdbi(), List.of(first.key()));
        assertThat(blobs.exists(first.key())).isTrue();
        content.release(first.key());
        content.collect(db.jdbi(), List.of(first.key()));
        assertThat(blobs.exists(first.key())).isFalse();
    }

    @Test
    void aPinTakenThroughOneInstanceHoldsInAnother() {
        ContentStore other = instance();
        BlobRecord b = store("pinned elsewhere");
        other.collect(db.jdbi(), List.of(b.key()));
        assertThat(blobs.exists(b.key()))
                .as("the pin lives in the shared database")
                .isTrue();
        other.release(b.key());
        other.collect(db.jdbi(), List.of(b.key()));
        assertThat(blobs.exists(b.key())).isFalse();
        assertThat(indexRows(b)).isZero();
    }

    @Test
    void aPinNeverReleasedExpires() {
        BlobRecord b = store("forgotten");
        clock.addAndGet(ContentStore.PIN_MILLIS - 1);
        content.collect(db.jdbi(), List.of(b.key()));
        assertThat(blobs.exists(b.key())).isTrue();
        clock.addAndGet(2);
        content.collect(db.jdbi(), List.of(b.key()));
        assertThat(blobs.exists(b.key())).isFalse();
    }

    @Test
    void anUploadRacingACollectionOfTheSameBytesNeverLosesThem() throws Exception {
        ContentStore uploader = instance();
        ContentStore collector = instance();
        var pool = Executors.newFixedThreadPool(2);
        try {
            for (int i = 0; i < 40; i++) {
                String text = "raced " + i;
                BlobRecord old = store(text);
                content.release(old.key()); // unreferenced and unpinned: the collector may take it
                var start = new CountDownLatch(1);
                String fileId = "race" + i;
                var upload = pool.submit(() -> {
                    start.await();
                    BlobRecord b = store(uploader, text);
                    referenceFrom(fileId, b);
                    uploader.release(b.key());
                    return b;
                });
                var collect = pool.submit(() -> {
                    start.await();
                    return collector.collect(db.jdbi(), List.of(old.key()));
                });
                start.countDown();
                BlobRecord uploaded = upload.get(30, TimeUnit.SECONDS);
                collect.get(30, TimeUnit.SECONDS);
                assertThat(blobs.exists(uploaded.key()))
                        .as("round %d: a file row refers to these bytes", i)
                        .isTrue();
                collector.collect(db.jdbi(), List.of(uploaded.key()));
                assertThat(blobs.exists(uploaded.key()))
                        .as("round %d: still referenced", i)
                        .isTrue();
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
