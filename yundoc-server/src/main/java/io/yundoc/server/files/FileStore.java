package io.yundoc.server.files;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/** The {@code files} and {@code file_versions} tables. */
public final class FileStore {
    private final Jdbi jdbi;
    /** File rows by id: every file route starts with one (embedded mode; emptied by any write). */
    private final io.yundoc.server.core.ReadCache.Region<String, FileRecord> rows;

    public FileStore(Jdbi jdbi) {
        this(jdbi, io.yundoc.server.core.ReadCache.disabled());
    }

    public FileStore(Jdbi jdbi, io.yundoc.server.core.ReadCache cache) {
        this.jdbi = jdbi;
        this.rows = cache.region(100_000);
    }

    public Jdbi jdbi() {
        return jdbi;
    }

    /** The file row as committed (outside any transaction of the caller's). */
    public Optional<FileRecord> find(String fileId) {
        return find((io.yundoc.server.core.ReadCache.Reads) null, fileId);
    }

    /** {@link #find(String)}, possibly from the row cache under the call's {@code reads} (null: none). */
    public Optional<FileRecord> find(io.yundoc.server.core.ReadCache.Reads reads, String fileId) {
        java.util.function.Function<String, FileRecord> load = id -> jdbi.withHandle(h -> find(h, id)).orElse(null);
        return Optional.ofNullable(reads == null ? rows.get(fileId, load) : rows.get(reads, fileId, load));
    }

    /** The columns of {@link FileRecord}, in its order: the lookup by id reads them by position. */
    private static final String BY_ID = "SELECT file_id, space, owner_id, parent_id, name, kind, size, blob_key, content_type, "
            + "version, creator, modifier, app_id, ctime, mtime, deleted_at, pinned_url, pinned_fsize, pinned_sha1 "
            + "FROM files WHERE file_id = ?";

    /**
     * The lookup every file route starts with, in plain JDBC: it runs on each request, and positional reads skip both
     * the statement machinery and the driver's per-result column-name lookup.
     */
    public static Optional<FileRecord> find(Handle h, String fileId) {
        try (java.sql.PreparedStatement ps = h.getConnection().prepareStatement(BY_ID)) {
            ps.setString(1, fileId);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                long del = rs.getLong(16);
                Long deleted = rs.wasNull() ? null : del;
                long psize = rs.getLong(18);
                Long pinnedSize = rs.wasNull() ? null : psize;
                return Optional.of(new FileRecord(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                        rs.getString(5), rs.getString(6), rs.getLong(7), rs.getString(8), rs.getString(9), rs.getLong(10),
                        rs.getString(11), rs.getString(12), rs.getString(13), rs.getLong(14), rs.getLong(15), deleted,
                        rs.getString(17), pinnedSize, rs.getString(19)));
            }
        } catch (SQLException e) {
            throw new org.jdbi.v3.core.ConnectionException(e);
        }
    }

    /** A live child of {@code parentId} with this name (case-insensitive). */
    public static Optional<FileRecord> child(Handle h, String space, String ownerId, String parentId, String name) {
        return h.createQuery("SELECT * FROM files WHERE space = :s AND owner_id = :o AND parent_id = :p AND name_key = :k "
                        + "AND deleted_at IS NULL")
                .bind("s", space).bind("o", ownerId).bind("p", parentId).bind("k", FileNames.key(name))
                .map((rs, ctx) -> map(rs)).findOne();
    }

    /** The app folder of {@code appId} in the user's space, if it exists and is live. */
    public static Optional<FileRecord> appDir(Handle h, String userId, String appId) {
        return h.createQuery("SELECT * FROM files WHERE space = 'personal' AND owner_id = :o AND kind = 'appdir' "
                        + "AND app_id = :a AND deleted_at IS NULL")
                .bind("o", userId).bind("a", appId).map((rs, ctx) -> map(rs)).findFirst();
    }

    /** Whether the user is a named member of the file's share link. */
    public boolean isMember(String fileId, String userId) {
        return jdbi.withHandle(h -> h.createQuery("SELECT COUNT(*) FROM link_members WHERE file_id = :f AND user_id = :u")
                .bind("f", fileId).bind("u", userId).mapTo(Integer.class).one() > 0);
    }

    public static void insert(Handle h, FileRecord f) {
        h.createUpdate("""
                        INSERT INTO files (file_id, space, owner_id, parent_id, name, name_key, kind, size, blob_key,
                                           content_type, version, creator, modifier, app_id, ctime, mtime, deleted_at,
                                           pinned_url, pinned_fsize, pinned_sha1)
                        VALUES (:id, :space, :owner, :parent, :name, :key, :kind, :size, :blob, :ct, :version, :creator,
                                :modifier, :app, :ctime, :mtime, :deleted, :purl, :psize, :psha1)""")
                .bind("id", f.fileId()).bind("space", f.space()).bind("owner", f.ownerId()).bind("parent", f.parentId())
                .bind("name", f.name()).bind("key", FileNames.key(f.name())).bind("kind", f.kind()).bind("size", f.size())
                .bind("blob", f.blobKey()).bind("ct", f.contentType()).bind("version", f.version())
                .bind("creator", f.creator()).bind("modifier", f.modifier()).bind("app", f.appId())
                .bind("ctime", f.ctime()).bind("mtime", f.mtime()).bind("deleted", f.deletedAt())
                .bind("purl", f.pinnedUrl()).bind("psize", f.pinnedFsize()).bind("psha1", f.pinnedSha1())
                .execute();
        if ("file".equals(f.kind())) {
            insertVersion(h, f);
        }
    }

    /** Records the file's current state as its version row. */
    public static void insertVersion(Handle h, FileRecord f) {
        h.createUpdate("""
                        INSERT INTO file_versions (file_id, version, name, size, blob_key, content_type, modifier, ctime, mtime)
                        VALUES (:id, :v, :name, :size, :blob, :ct, :modifier, :ctime, :mtime)""")
                .bind("id", f.fileId()).bind("v", f.version()).bind("name", f.name()).bind("size", f.size())
                .bind("blob", f.blobKey()).bind("ct", f.contentType()).bind("modifier", f.modifier())
                .bind("ctime", f.ctime()).bind("mtime", f.mtime()).execute();
    }

    /** Replaces the content of a file with a new version (app-space upload over an existing name). */
    public static void updateContent(Handle h, FileRecord f) {
        h.createUpdate("""
                        UPDATE files SET size = :size, blob_key = :blob, content_type = :ct, version = :v, modifier = :modifier,
                                         mtime = :mtime WHERE file_id = :id""")
                .bind("id", f.fileId()).bind("size", f.size()).bind("blob", f.blobKey()).bind("ct", f.contentType())
                .bind("v", f.version()).bind("modifier", f.modifier()).bind("mtime", f.mtime()).execute();
        insertVersion(h, f);
    }

    public static FileRecord map(ResultSet rs) throws SQLException {
        long del = rs.getLong("deleted_at");
        Long deleted = rs.wasNull() ? null : del;
        long ps = rs.getLong("pinned_fsize");
        Long pinnedSize = rs.wasNull() ? null : ps;
        return new FileRecord(rs.getString("file_id"), rs.getString("space"), rs.getString("owner_id"),
                rs.getString("parent_id"), rs.getString("name"), rs.getString("kind"), rs.getLong("size"),
                rs.getString("blob_key"), rs.getString("content_type"), rs.getLong("version"), rs.getString("creator"),
                rs.getString("modifier"), rs.getString("app_id"), rs.getLong("ctime"), rs.getLong("mtime"), deleted,
                rs.getString("pinned_url"), pinnedSize, rs.getString("pinned_sha1"));
    }
}
