package io.yundoc.server.files;

import io.yundoc.server.core.ReadCache;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import org.jdbi.v3.core.ConnectionException;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/** The {@code files} and {@code file_versions} tables. */
public final class FileStore {
    private final Jdbi jdbi;
    /** File rows by id: every file route starts with one (embedded mode; emptied by any write). */
    private final ReadCache.Region<String, FileRecord> rows;

    /** The columns of {@link FileRecord}, in its order: the lookup by id reads them by position. */
    private static final String BY_ID =
            "SELECT file_id, space, owner_id, parent_id, name, kind, size, blob_key, content_type, "
                    + "version, creator, modifier, app_id, ctime, mtime, deleted_at, pinned_url, pinned_fsize, pinned_sha1 "
                    + "FROM files WHERE file_id = ?";

    public FileStore(Jdbi jdbi) {
        this(jdbi, ReadCache.disabled());
    }

    public FileStore(Jdbi jdbi, ReadCache cache) {
        this.jdbi = jdbi;
        this.rows = cache.region(100_000);
    }

    public Jdbi jdbi() {
        return jdbi;
    }

    /** The file row as committed (outside any transaction of the caller's). */
    public Optional<FileRecord> find(String fileId) {
        return find((ReadCache.Reads) null, fileId);
    }

    /** {@link #find(String)}, possibly from the row cache under the call's {@code reads} (null: none). */
    public Optional<FileRecord> find(ReadCache.Reads reads, String fileId) {
        Function<String, FileRecord> load =
                id -> jdbi.withHandle(h -> find(h, id)).orElse(null);
        return Optional.ofNullable(reads == null ? rows.get(fileId, load) : rows.get(reads, fileId, load));
    }

    /**
     * The lookup every file route starts with, in plain JDBC: it runs on each request, and positional reads skip both
     * the statement machinery and the driver's per-result column-name lookup.
     */
    public static Optional<FileRecord> find(Handle h, String fileId) {
        try (PreparedStatement ps = h.getConnection().prepareStatement(BY_ID)) {
            ps.setString(1, fileId);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                long del = rs.getLong(16);
                Long deleted = rs.wasNull() ? null : del;
                long psize = rs.getLong(18);
                Long pinnedSize = rs.wasNull() ? null : psize;
                return Optional.of(new FileRecord(
                        rs.getString(1),
                        rs.getString(2),
                        rs.getString(3),
                        rs.getString(4),
                        rs.getString(5),
                        rs.getString(6),
                        rs.getLong(7),
                        rs.getString(8),
                        rs.getString(9),
                        rs.getLong(10),
                        rs.getString(11),
                        rs.getString(12),
                        rs.getString(13),
                        rs.getLong(14),
                        rs.getLong(15),
                        deleted,
                        rs.getString(17),
                        pinnedSize,
                        rs.getString(19)));
            }
        } catch (SQLException e) {
            throw new ConnectionException(e);
        }
    }

    /** A live child of {@code parentId} with this name (case-insensitive). */
    public static Optional<FileRecord> child(Handle h, String space, String ownerId, String parentId, String name) {
        return h.createQuery(
                        "SELECT * FROM files WHERE space = :s AND owner_id = :o AND parent_id = :p AND name_key = :k "
                                + "AND deleted_at IS NULL")
                .bind("s", space)
                .bind("o", ownerId)
                .bind("p", parentId)
                .bind("k", FileNames.key(name))
                .map((rs, ctx) -> map(rs))
                .findOne();
    }

    /** The app folder of {@code appId} in the user's space, if it exists and is live. */
    public static Optional<FileRecord> appDir(Handle h, String userId, String appId) {
        return h.createQuery("SELECT * FROM files WHERE space = 'personal' AND owner_id = :o AND kind = 'appdir' "
                        + "AND app_id = :a AND deleted_at IS NULL")
                .bind("o", userId)
                .bind("a", appId)
                .map((rs, ctx) -> map(rs))
                .findFirst();
    }

    /** Whether the user is a named member of the file's share link. */
    public boolean isMember(String fileId, String userId) {
        return jdbi.withHandle(
                h -> h.createQuery("SELECT COUNT(*) FROM link_members WHERE file_id = :f AND user_id = :u")
                                .bind("f", fileId)
                                .bind("u", userId)
                                .mapTo(Integer.class)
                                .one()
                        > 0);
    }

    public static void insert(Handle h, FileRecord f) {
        h.createUpdate("""
                        INSERT INTO files (file_id, space, owner_id, parent_id, name, name_key, kind, size, blob_key,
                                           content_type, version, creator, modifier, app_id, ctime, mtime, deleted_at,
                                           pinned_url, pinned_fsize, pinned_sha1)
                        VALUES (:id, :space, :owner, :parent, :name, :key, :kind, :size, :blob, :ct, :version, :creator,
                                :modifier, :app, :ctime, :mtime, :deleted, :purl, :psize, :psha1)""")
                .bind("id", f.fileId())
                .bind("space", f.space())
                .bind("owner", f.ownerId())
                .bind("parent", f.parentId())
                .bind("name", f.name())
                .bind("key", FileNames.key(f.name()))
                .bind("kind", f.kind())
                .bind("size", f.size())
                .bind("blob", f.blobKey())
                .bind("ct", f.contentType())
                .bind("version", f.version())
                .bind("creator", f.creator())
                .bind("modifier", f.modifier())
                .bind("app", f.appId())
                .bind("ctime", f.ctime())
                .bind("mtime", f.mtime())
                .bind("deleted", f.deletedAt())
                .bind("purl", f.pinnedUrl())
                .bind("psize", f.pinnedFsize())
                .bind("psha1", f.pinnedSha1())
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
                .bind("id", f.fileId())
                .bind("v", f.version())
                .bind("name", f.name())
                .bind("size", f.size())
                .bind("blob", f.blobKey())
                .bind("ct", f.contentType())
                .bind("modifier", f.modifier())
                .bind("ctime", f.ctime())
                .bind("mtime", f.mtime())
                .execute();
    }

    /** Replaces the content of a file with a new version (app-space upload over an existing name). */
    public static void updateContent(Handle h, FileRecord f) {
        h.createUpdate("""
                        UPDATE files SET size = :size, blob_key = :blob, content_type = :ct, version = :v, modifier = :modifier,
                                         mtime = :mtime WHERE file_id = :id""")
                .bind("id", f.fileId())
                .bind("size", f.size())
                .bind("blob", f.blobKey())
                .bind("ct", f.contentType())
                .bind("v", f.version())
                .bind("modifier", f.modifier())
                .bind("mtime", f.mtime())
                .execute();
        insertVersion(h, f);
    }

    public static FileRecord map(ResultSet rs) throws SQLException {
        long del = rs.getLong("deleted_at");
        Long deleted = rs.wasNull() ? null : del;
        long ps = rs.getLong("pinned_fsize");
        Long pinnedSize = rs.wasNull() ? null : ps;
        return new FileRecord(
                rs.getString("file_id"),
                rs.getString("space"),
                rs.getString("owner_id"),
                rs.getString("parent_id"),
                rs.getString("name"),
                rs.getString("kind"),
                rs.getLong("size"),
                rs.getString("blob_key"),
                rs.getString("content_type"),
                rs.getLong("version"),
                rs.getString("creator"),
                rs.getString("modifier"),
                rs.getString("app_id"),
                rs.getLong("ctime"),
                rs.getLong("mtime"),
                deleted,
                rs.getString("pinned_url"),
                pinnedSize,
                rs.getString("pinned_sha1"));
    }

    // ---------------------------------------------------------------- changes of the personal drive (DriveService)

    /** Whether the user is a member of the file's share link. */
    public static boolean isMember(Handle h, String fileId, String userId) {
        return h.createQuery("SELECT COUNT(*) FROM link_members WHERE file_id = :f AND user_id = :u")
                        .bind("f", fileId)
                        .bind("u", userId)
                        .mapTo(Integer.class)
                        .one()
                > 0;
    }

    public static void rename(Handle h, String fileId, String name, long now) {
        h.createUpdate(
                        "UPDATE files SET name = :n, name_key = :k, mtime = :t, version = version + 1 WHERE file_id = :id")
                .bind("n", name)
                .bind("k", FileNames.key(name))
                .bind("t", now)
                .bind("id", fileId)
                .execute();
    }

    /** A new internal version at {@code now} (every change is one). */
    public static void touch(Handle h, String fileId, long now) {
        h.createUpdate("UPDATE files SET mtime = :t, version = version + 1 WHERE file_id = :id")
                .bind("t", now)
                .bind("id", fileId)
                .execute();
    }

    /** Puts the item in the recycle bin under {@code topId}, the item the user deleted. */
    public static void trash(Handle h, String fileId, String topId, long now) {
        h.createUpdate("UPDATE files SET deleted_at = :t, trash_id = :top WHERE file_id = :id")
                .bind("t", now)
                .bind("top", topId)
                .bind("id", fileId)
                .execute();
    }

    /** The live children's ids, in id order. */
    public static List<String> liveChildIds(Handle h, String parentId) {
        return h.createQuery("SELECT file_id FROM files WHERE parent_id = :p AND deleted_at IS NULL ORDER BY file_id")
                .bind("p", parentId)
                .mapTo(String.class)
                .list();
    }

    public static void reparent(Handle h, String fileId, String parentId) {
        h.createUpdate("UPDATE files SET parent_id = :p WHERE file_id = :id")
                .bind("p", parentId)
                .bind("id", fileId)
                .execute();
    }

    /** The top items of the user's recycle bin, last deleted first. */
    public static List<FileRecord> recycleBin(Handle h, String userId, int count, long offset) {
        return h.createQuery("SELECT * FROM files f WHERE f.space = 'personal' AND f.owner_id = :u "
                        + "AND f.deleted_at IS NOT NULL AND f.trash_id = f.file_id ORDER BY f.deleted_at DESC, f.file_id ASC "
                        + "LIMIT :lim OFFSET :off")
                .bind("u", userId)
                .bind("lim", count)
                .bind("off", offset)
                .map((rs, ctx) -> map(rs))
                .list();
    }

    /** The item the user deleted to put {@code fileId} in the bin; null when it is not in the bin. */
    public static String trashId(Handle h, String fileId) {
        return h.createQuery("SELECT trash_id FROM files WHERE file_id = :id")
                .bind("id", fileId)
                .mapTo(String.class)
                .findOne()
                .orElse(null);
    }

    /**
     * Takes a recycle-bin item back to {@code parentId} under {@code name} and {@code kind}, with everything deleted
     * with it. Renamed while still in the bin, so the unique-name index never sees two live equal names.
     */
    public static void restore(Handle h, String topId, String parentId, String name, String kind) {
        h.createUpdate("UPDATE files SET parent_id = :p, name = :n, name_key = :k, kind = :kind WHERE file_id = :id")
                .bind("p", parentId)
                .bind("n", name)
                .bind("k", FileNames.key(name))
                .bind("kind", kind)
                .bind("id", topId)
                .execute();
        h.createUpdate("UPDATE files SET deleted_at = NULL, trash_id = NULL WHERE trash_id = :t")
                .bind("t", topId)
                .execute();
    }

    /** Top items of the personal recycle bin deleted at or before {@code cutoff}, of one user (null = all). */
    public static List<String> binTopsBefore(Handle h, String userId, long cutoff) {
        return h.createQuery("SELECT file_id FROM files WHERE space = 'personal' AND deleted_at IS NOT NULL "
                        + "AND trash_id = file_id AND deleted_at <= :c" + (userId == null ? "" : " AND owner_id = :u"))
                .bind("c", cutoff)
                .bind("u", userId)
                .mapTo(String.class)
                .list();
    }

    /** Every row deleted with the bin item {@code topId} (itself included). */
    public static List<String> trashedWith(Handle h, String topId) {
        return h.createQuery("SELECT file_id FROM files WHERE trash_id = :t")
                .bind("t", topId)
                .mapTo(String.class)
                .list();
    }

    /** Removes a row for good with its versions, link and link members. */
    public static void deleteForGood(Handle h, String fileId) {
        for (String table : List.of("file_versions", "links", "link_members")) {
            h.createUpdate("DELETE FROM " + table + " WHERE file_id = :f")
                    .bind("f", fileId)
                    .execute();
        }
        h.createUpdate("DELETE FROM files WHERE file_id = :f").bind("f", fileId).execute();
    }

    /** The folders directly in {@code parentId} that are live or went to the bin with {@code trashId}. */
    public static List<String> subfolderIds(Handle h, String parentId, String trashId) {
        return h.createQuery("SELECT file_id FROM files WHERE parent_id = :p AND kind <> 'file' "
                        + "AND (deleted_at IS NULL OR trash_id = :t)")
                .bind("p", parentId)
                .bind("t", trashId)
                .mapTo(String.class)
                .list();
    }
}
