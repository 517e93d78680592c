package io.yundoc.server.files;

import static org.assertj.core.api.Assertions.assertThat;

import io.yundoc.server.blob.BlobRecord;
import io.yundoc.server.blob.BlobStore;
import io.yundoc.server.blob.LocalBlobStore;
import io.yundoc.server.core.Database;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Blob collection rules: only unreferenced blobs go, pinned ones wait and are retried, the index row goes first. */
class ContentStoreCollectTest {
    Path dir;
    Database db;
    LocalBlobStore blobs;
    ContentStore content;

    @BeforeEach
    void open() throws Exception {
        dir = Files.createTempDirectory("collect");
        db = Database.open(null, dir);
        blobs = new LocalBlobStore(dir.resolve("blobs"));
        content = new ContentStore(blobs, 1 << 20);
    }

    @AfterEach
    void close() throws Exception {
        db.close();
        try (var w = Files.walk(dir)) {
            w.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    BlobRecord store(String text) {
        try (BlobStore.PendingBlob p = content.receive(text.getBytes(StandardCharsets.UTF_8))) {
            BlobRecord b = content.commit(p, 1);
            db.jdbi().useHandle(h -> ContentStore.index(h, b));
            return b;
        }
    }

    void reference(String table, BlobRecord b) {
        if (table.equals("files")) {
            db.jdbi().useHandle(h -> h.execute("INSERT INTO files (file_id, space, owner_id, parent_id, name, name_key, kind, "
                    + "blob_key, ctime, mtime) VALUES ('f1', 'app', 'A', '', 'n', 'n', 'file', ?, 1, 1)", b.key()));
        } else {
            db.jdbi().useHandle(h -> h.execute("INSERT INTO file_versions (file_id, version, name, size, blob_key, ctime, mtime) "
                    + "VALUES ('f2', 1, 'n', 1, ?, 1, 1)", b.key()));
        }
    }

    long indexRows(BlobRecord b) {
        return db.jdbi().withHandle(h -> h.createQuery("SELECT COUNT(*) FROM blobs WHERE blob_key = :k").bind("k", b.key())
                .mapTo(Long.class).one());
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
}
