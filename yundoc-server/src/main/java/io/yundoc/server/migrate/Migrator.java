package io.yundoc.server.migrate;

import io.yundoc.protocol.Hex;
import io.yundoc.server.blob.BlobStore;
import io.yundoc.server.blob.LocalBlobStore;
import io.yundoc.server.blob.S3BlobStore;
import io.yundoc.server.core.DataDirLock;
import io.yundoc.server.core.Database;
import io.yundoc.server.core.DirTree;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code yundoc admin migrate}: moves an embedded installation (SQLite + blob files in a data dir) to scale-out
 * (PostgreSQL + S3). Blobs go first, each re-hashed on the way (its SHA-256 must equal its key); then every table
 * row is copied in ONE PostgreSQL transaction, so a failure leaves the target empty. Finally it verifies: per-table
 * row counts and an order-independent digest of every row, and every blob re-read from S3 with its size, SHA-256,
 * SHA-1 and MD5 compared with the index. The source is never modified (stop the embedded server first).
 */
public final class Migrator {
    /** Tables not copied: Flyway's own history (the target has its own from the same migrations). */
    private final Path from;

    private final String toDb;
    private final String toBlobs;
    private final PrintStream out;

    public Migrator(Path from, String toDb, String toBlobs, PrintStream out) {
        this.from = from;
        this.toDb = toDb;
        this.toBlobs = toBlobs;
        this.out = out;
    }

    /** The verification outcome. */
    public record Result(boolean ok, Map<String, long[]> rowCounts, long blobs, long bytes, List<String> problems) {}

    public Result run() throws Exception {
        if (!Files.isRegularFile(from.resolve("yundoc.db"))) {
            throw new IllegalArgumentException(from + " holds no yundoc.db: not an embedded data dir");
        }
        if (toDb == null || !toDb.startsWith("jdbc:postgresql:")) {
            throw new IllegalArgumentException("--to needs a jdbc:postgresql:// URL");
        }
        Path spool = Files.createTempDirectory("yundoc-migrate");
        // a server still writing to the source would leave later writes behind: it must be stopped first
        try (DataDirLock sourceLock = DataDirLock.acquire(from);
                Database src = Database.open(null, from);
                Database dst = Database.open(toDb, spool);
                LocalBlobStore srcBlobs = new LocalBlobStore(from.resolve("blobs"));
                BlobStore dstBlobs = toBlobs == null ? null : new S3BlobStore(toBlobs, spool, false)) {
            List<String> tables = MigrationStore.tables(src);
            MigrationStore.requireEmpty(dst, tables);
            long[] copied = dstBlobs == null ? new long[2] : copyBlobs(src, srcBlobs, dstBlobs);
            out.printf("blobs:  %d copied (%d bytes)%n", copied[0], copied[1]);
            MigrationStore.copyRows(src, dst, tables, (t, n) -> out.printf("table:  %-16s %8d rows copied%n", t, n));
            Result r = verify(src, dst, dstBlobs, tables);
            int queued = MigrationStore.queueForIndexing(dst, Instant.now().getEpochSecond());
            out.printf("search: %d files queued for re-indexing on the target's first start%n", queued);
            out.println();
            out.println("verification:");
            r.rowCounts()
                    .forEach((t, c) -> out.printf(
                            "  %-16s %8d rows  %s%n", t, c[1], c[0] == c[1] ? "ok" : "MISMATCH (source " + c[0] + ")"));
            if (dstBlobs != null) {
                out.printf(
                        "  %-16s %8d verified by re-reading from S3 (%d bytes; sha256, sha1, md5, size)%n",
                        "blobs in store", r.blobs(), r.bytes());
            } else {
                out.println("  blobs stay in " + from.resolve("blobs") + " (no s3:// target given)");
            }
            for (String p : r.problems()) {
                out.println("  PROBLEM: " + p);
            }
            out.println(r.ok() ? "migration verified: OK" : "migration FAILED verification");
            return r;
        } finally {
            DirTree.deleteQuietly(spool);
        }
    }

    private long[] copyBlobs(Database src, BlobStore srcBlobs, BlobStore dstBlobs) throws Exception {
        List<String[]> rows = MigrationStore.blobRows(src);
        long n = 0;
        long bytes = 0;
        for (String[] r : rows) {
            String key = r[0];
            try (InputStream in = srcBlobs.open(key, 0);
                    BlobStore.PendingBlob p = dstBlobs.write(in, Long.MAX_VALUE)) {
                if (!p.key().equals(key) || p.size() != Long.parseLong(r[1])) {
                    throw new IllegalStateException("source blob " + key + " is damaged (content hashes to " + p.key()
                            + ", " + p.size() + " bytes): not migrated");
                }
                p.commit();
                bytes += p.size();
                n++;
            }
        }
        return new long[] {n, bytes};
    }

    private Result verify(Database src, Database dst, BlobStore dstBlobs, List<String> tables) throws Exception {
        Map<String, long[]> counts = new LinkedHashMap<>();
        List<String> problems = new ArrayList<>();
        for (MigrationStore.TableCheck c : MigrationStore.fingerprints(src, dst, tables)) {
            long[] a = c.source();
            long[] b = c.target();
            counts.put(c.table(), new long[] {a[0], b[0]});
            if (a[0] != b[0]) {
                problems.add(c.table() + ": " + a[0] + " rows in the source, " + b[0] + " in the target");
            } else if (a[1] != b[1] || a[2] != b[2]) {
                problems.add(c.table() + ": row contents differ");
            }
        }
        long blobs = 0;
        long bytes = 0;
        if (dstBlobs != null) {
            List<String[]> rows = MigrationStore.blobRows(dst);
            for (String[] r : rows) {
                MessageDigest sha256 = Hex.digest("SHA-256");
                MessageDigest sha1 = Hex.digest("SHA-1");
                MessageDigest md5 = Hex.digest("MD5");
                long size = 0;
                try (InputStream in = dstBlobs.open(r[0], 0)) {
                    byte[] buf = new byte[256 * 1024];
                    int n;
                    while ((n = in.read(buf)) >= 0) {
                        sha256.update(buf, 0, n);
                        sha1.update(buf, 0, n);
                        md5.update(buf, 0, n);
                        size += n;
                    }
                } catch (IOException e) {
                    problems.add("blob " + r[0] + " unreadable in the target store: " + e.getMessage());
                    continue;
                }
                if (!Hex.of(sha256.digest()).equals(r[0])
                        || size != Long.parseLong(r[1])
                        || !Hex.of(sha1.digest()).equals(r[2])
                        || !Hex.of(md5.digest()).equals(r[3])) {
                    problems.add("blob " + r[0] + " differs from its recorded size/checksums");
                    continue;
                }
                blobs++;
                bytes += size;
            }
        }
        return new Result(problems.isEmpty(), counts, blobs, bytes, problems);
    }
}
