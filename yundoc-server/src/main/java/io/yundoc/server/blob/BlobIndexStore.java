package io.yundoc.server.blob;

import io.yundoc.server.core.ReadCache;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.ConnectionException;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/** The {@code blobs} table: size and checksums of each stored content. */
public final class BlobIndexStore {
    private final Jdbi jdbi;
    /** Blob rows by key (embedded mode; emptied by any write). */
    private final ReadCache.Region<String, BlobRecord> rows;

    public BlobIndexStore(Jdbi jdbi) {
        this(jdbi, ReadCache.disabled());
    }

    public BlobIndexStore(Jdbi jdbi, ReadCache cache) {
        this.jdbi = jdbi;
        this.rows = cache.region(100_000);
    }

    public static void record(Handle h, BlobRecord b) {
        h.createUpdate("INSERT INTO blobs (blob_key, size, sha1, md5, created_at) VALUES (:k, :s, :sha1, :md5, :t) "
                        + "ON CONFLICT (blob_key) DO NOTHING")
                .bind("k", b.key())
                .bind("s", b.size())
                .bind("sha1", b.sha1())
                .bind("md5", b.md5())
                .bind("t", b.createdAt())
                .execute();
    }

    /** Plain JDBC: every download answer and every /dl/ request reads the blob row. */
    public Optional<BlobRecord> find(String key) {
        return find(null, key);
    }

    /** {@link #find(String)}, possibly from the row cache under the call's {@code reads} (null: none). */
    public Optional<BlobRecord> find(ReadCache.Reads reads, String key) {
        return Optional.ofNullable(reads == null ? rows.get(key, this::load) : rows.get(reads, key, this::load));
    }

    private BlobRecord load(String key) {
        return jdbi.withHandle(h -> {
            try (PreparedStatement ps = h.getConnection()
                    .prepareStatement("SELECT blob_key, size, sha1, md5, created_at FROM blobs WHERE blob_key = ?")) {
                ps.setString(1, key);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next()
                            ? new BlobRecord(
                                    rs.getString(1), rs.getLong(2), rs.getString(3), rs.getString(4), rs.getLong(5))
                            : null;
                }
            } catch (SQLException e) {
                throw new ConnectionException(e);
            }
        });
    }

    /** Keys of blobs stored before {@code cutoff} that no file, version or office row names (collection candidates). */
    public static List<String> unreferencedBefore(Handle h, long cutoff) {
        return h.createQuery("SELECT b.blob_key FROM blobs b WHERE b.created_at < :c "
                        + "AND NOT EXISTS (SELECT 1 FROM file_versions v WHERE v.blob_key = b.blob_key) "
                        + "AND NOT EXISTS (SELECT 1 FROM files f WHERE f.blob_key = b.blob_key) "
                        + "AND NOT EXISTS (SELECT 1 FROM office_tasks t WHERE t.input_blob = b.blob_key) "
                        + "AND NOT EXISTS (SELECT 1 FROM office_outputs o WHERE o.blob_key = b.blob_key) "
                        + "AND NOT EXISTS (SELECT 1 FROM office_previews p WHERE p.blob_key = b.blob_key)")
                .bind("c", cutoff)
                .mapTo(String.class)
                .list();
    }
}
