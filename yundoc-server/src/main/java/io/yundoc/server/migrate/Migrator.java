package io.yundoc.server.migrate;

import io.yundoc.protocol.Hex;
import io.yundoc.server.blob.BlobStore;
import io.yundoc.server.blob.LocalBlobStore;
import io.yundoc.server.blob.S3BlobStore;
import io.yundoc.server.core.DataDirLock;
import io.yundoc.server.core.Database;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
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
    private static final List<String> SKIP = List.of("flyway_schema_history");

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
    public record Result(boolean ok, Map<String, long[]> rowCounts, long blobs, long bytes, List<String> problems) {
    }

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
            List<String> tables = tables(src);
            refuseNonEmptyTarget(dst, tables);
            long[] copied = dstBlobs == null ? new long[2] : copyBlobs(src, srcBlobs, dstBlobs);
            out.printf("blobs:  %d copied (%d bytes)%n", copied[0], copied[1]);
            copyRows(src, dst, tables);
            Result r = verify(src, dst, dstBlobs, tables);
            int queued = dst.jdbi().withHandle(h -> h.createUpdate("INSERT INTO index_queue (file_id, queued_at) "
                            + "SELECT file_id, :now FROM files WHERE kind = 'file' AND deleted_at IS NULL AND blob_key IS NOT NULL "
                            // files recorded as not indexable (copied with the other tables) are not tried again
                            + "AND file_id NOT IN (SELECT file_id FROM index_failures) "
                            + "ON CONFLICT (file_id) DO NOTHING")
                    .bind("now", java.time.Instant.now().getEpochSecond()).execute());
            out.printf("search: %d files queued for re-indexing on the target's first start%n", queued);
            out.println();
            out.println("verification:");
            r.rowCounts().forEach((t, c) -> out.printf("  %-16s %8d rows  %s%n", t, c[1], c[0] == c[1] ? "ok" : "MISMATCH (source " + c[0] + ")"));
            if (dstBlobs != null) {
                out.printf("  %-16s %8d verified by re-reading from S3 (%d bytes; sha256, sha1, md5, size)%n", "blobs in store", r.blobs(), r.bytes());
            } else {
                out.println("  blobs stay in " + from.resolve("blobs") + " (no s3:// target given)");
            }
            for (String p : r.problems()) {
                out.println("  PROBLEM: " + p);
            }
            out.println(r.ok() ? "migration verified: OK" : "migration FAILED verification");
            return r;
        } finally {
            try (var walk = Files.walk(spool)) {
                walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    static List<String> tables(Database db) throws SQLException {
        List<String> out = new ArrayList<>();
        try (Connection c = db.dataSource().getConnection(); ResultSet rs = c.getMetaData().getTables(null, null, "%", new String[]{"TABLE"})) {
            while (rs.next()) {
                String t = rs.getString("TABLE_NAME").toLowerCase(Locale.ROOT);
                // the content-search index is dialect-specific (FTS5 here, pg_trgm there): it is rebuilt, not copied
                if (!SKIP.contains(t) && !t.startsWith("sqlite_") && !t.startsWith("file_text")) {
                    out.add(t);
                }
            }
        }
        out.sort(null);
        return out;
    }

    private void refuseNonEmptyTarget(Database dst, List<String> tables) throws SQLException {
        try (Connection c = dst.dataSource().getConnection(); Statement st = c.createStatement()) {
            for (String t : tables) {
                try (ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM " + t)) {
                    rs.next();
                    if (rs.getLong(1) > 0) {
                        throw new IllegalStateException("target table " + t + " is not empty: migrate into a fresh database/schema");
                    }
                }
            }
        }
    }

    private long[] copyBlobs(Database src, BlobStore srcBlobs, BlobStore dstBlobs) throws Exception {
        List<String[]> rows = new ArrayList<>();
        try (Connection c = src.dataSource().getConnection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT blob_key, size FROM blobs ORDER BY blob_key")) {
            while (rs.next()) {
                rows.add(new String[]{rs.getString(1), Long.toString(rs.getLong(2))});
            }
        }
        long n = 0;
        long bytes = 0;
        for (String[] r : rows) {
            String key = r[0];
            try (InputStream in = srcBlobs.open(key, 0); BlobStore.PendingBlob p = dstBlobs.write(in, Long.MAX_VALUE)) {
                if (!p.key().equals(key) || p.size() != Long.parseLong(r[1])) {
                    throw new IllegalStateException("source blob " + key + " is damaged (content hashes to " + p.key()
                            + ", " + p.size() + " bytes): not migrated");
                }
                p.commit();
                bytes += p.size();
                n++;
            }
        }
        return new long[]{n, bytes};
    }

    private void copyRows(Database src, Database dst, List<String> tables) throws SQLException {
        try (Connection s = src.dataSource().getConnection(); Connection d = dst.dataSource().getConnection()) {
            d.setAutoCommit(false);
            try {
                for (String t : tables) {
                    Map<String, Integer> types = columnTypes(d, t);
                    List<String> cols = new ArrayList<>(types.keySet());
                    String sql = "INSERT INTO " + t + " (" + String.join(", ", cols) + ") VALUES ("
                            + String.join(", ", cols.stream().map(x -> "?").toList()) + ")";
                    long n = 0;
                    try (Statement st = s.createStatement(); ResultSet rs = st.executeQuery("SELECT " + String.join(", ", cols) + " FROM " + t);
                         PreparedStatement ps = d.prepareStatement(sql)) {
                        while (rs.next()) {
                            for (int i = 0; i < cols.size(); i++) {
                                bind(ps, i + 1, rs.getObject(i + 1), types.get(cols.get(i)));
                            }
                            ps.addBatch();
                            if (++n % 500 == 0) {
                                ps.executeBatch();
                            }
                        }
                        ps.executeBatch();
                    }
                    out.printf("table:  %-16s %8d rows copied%n", t, n);
                }
                d.commit();
            } catch (SQLException | RuntimeException e) {
                d.rollback();
                throw e;
            }
        }
    }

    /** Target column name → JDBC type, in the target's column order. */
    private static Map<String, Integer> columnTypes(Connection c, String table) throws SQLException {
        Map<String, Integer> m = new LinkedHashMap<>();
        DatabaseMetaData md = c.getMetaData();
        try (ResultSet rs = md.getColumns(null, c.getSchema(), table, null)) {
            while (rs.next()) {
                m.put(rs.getString("COLUMN_NAME"), rs.getInt("DATA_TYPE"));
            }
        }
        if (m.isEmpty()) {
            throw new IllegalStateException("target has no table " + table + " (schema versions differ?)");
        }
        return m;
    }

    private static void bind(PreparedStatement ps, int i, Object v, int type) throws SQLException {
        if (v == null) {
            ps.setNull(i, type);
        } else if (type == Types.BIGINT || type == Types.INTEGER || type == Types.SMALLINT) {
            long l = v instanceof Number n ? n.longValue() : Long.parseLong(v.toString());
            if (type == Types.BIGINT) {
                ps.setLong(i, l);
            } else {
                ps.setInt(i, Math.toIntExact(l));
            }
        } else {
            ps.setString(i, v.toString());
        }
    }

    private Result verify(Database src, Database dst, BlobStore dstBlobs, List<String> tables) throws Exception {
        Map<String, long[]> counts = new LinkedHashMap<>();
        List<String> problems = new ArrayList<>();
        try (Connection s = src.dataSource().getConnection(); Connection d = dst.dataSource().getConnection()) {
            for (String t : tables) {
                List<String> cols = new ArrayList<>(columnTypes(d, t).keySet());
                long[] a = digest(s, t, cols);
                long[] b = digest(d, t, cols);
                counts.put(t, new long[]{a[0], b[0]});
                if (a[0] != b[0]) {
                    problems.add(t + ": " + a[0] + " rows in the source, " + b[0] + " in the target");
                } else if (a[1] != b[1] || a[2] != b[2]) {
                    problems.add(t + ": row contents differ");
                }
            }
        }
        long blobs = 0;
        long bytes = 0;
        if (dstBlobs != null) {
            List<String[]> rows = new ArrayList<>();
            try (Connection d = dst.dataSource().getConnection(); Statement st = d.createStatement();
                 ResultSet rs = st.executeQuery("SELECT blob_key, size, sha1, md5 FROM blobs ORDER BY blob_key")) {
                while (rs.next()) {
                    rows.add(new String[]{rs.getString(1), Long.toString(rs.getLong(2)), rs.getString(3), rs.getString(4)});
                }
            }
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
                if (!Hex.of(sha256.digest()).equals(r[0]) || size != Long.parseLong(r[1]) || !Hex.of(sha1.digest()).equals(r[2])
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

    /** {rows, xor of row hashes (hi), (lo)}: an order-independent fingerprint of a table's contents. */
    private static long[] digest(Connection c, String table, List<String> cols) throws SQLException {
        long rows = 0;
        long x1 = 0;
        long x2 = 0;
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT " + String.join(", ", cols) + " FROM " + table)) {
            while (rs.next()) {
                MessageDigest md = Hex.digest("SHA-256");
                for (int i = 1; i <= cols.size(); i++) {
                    Object v = rs.getObject(i);
                    String s = v == null ? "\u0001null" : v instanceof Number n ? Long.toString(n.longValue()) : v.toString();
                    md.update(s.getBytes(StandardCharsets.UTF_8));
                    md.update((byte) 0);
                }
                byte[] h = md.digest();
                x1 ^= java.nio.ByteBuffer.wrap(h, 0, 8).getLong();
                x2 ^= java.nio.ByteBuffer.wrap(h, 8, 8).getLong();
                rows++;
            }
        }
        return new long[]{rows, x1, x2};
    }
}
