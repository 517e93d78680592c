package io.yundoc.server.appspace;

import io.yundoc.server.files.FileRecord;
import io.yundoc.server.files.FileStore;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;

/** App-space queries on the {@code files} and {@code file_versions} tables. */
final class AppSpaceStore {
    private AppSpaceStore() {}

    private static FileVersion mapVersion(ResultSet rs) throws SQLException {
        return new FileVersion(
                rs.getString("file_id"),
                rs.getLong("version"),
                rs.getString("name"),
                rs.getLong("size"),
                rs.getString("blob_key"),
                rs.getString("content_type"),
                rs.getString("modifier"),
                rs.getLong("ctime"),
                rs.getLong("mtime"));
    }

    static Optional<FileVersion> version(Handle h, String fileId, long version) {
        return h.createQuery("SELECT * FROM file_versions WHERE file_id = :f AND version = :v")
                .bind("f", fileId)
                .bind("v", version)
                .map((rs, ctx) -> mapVersion(rs))
                .findOne();
    }

    /** Newest first, from the {@code skip}-th newest version. */
    static List<FileVersion> versionsAt(Handle h, String fileId, long skip, int limit) {
        return h.createQuery("SELECT * FROM file_versions WHERE file_id = :f ORDER BY version DESC LIMIT :n OFFSET :o")
                .bind("f", fileId)
                .bind("n", limit)
                .bind("o", skip)
                .map((rs, ctx) -> mapVersion(rs))
                .list();
    }

    /** Newest first, versions numbered {@code atMost} or less. */
    static List<FileVersion> versionsFrom(Handle h, String fileId, long atMost, int limit) {
        return h.createQuery(
                        "SELECT * FROM file_versions WHERE file_id = :f AND version <= :v ORDER BY version DESC LIMIT :n")
                .bind("f", fileId)
                .bind("v", atMost)
                .bind("n", limit)
                .map((rs, ctx) -> mapVersion(rs))
                .list();
    }

    /**
     * Makes {@code next} the file's current content if the file is still at {@code expectedVersion}, and records it
     * as a version row. False when another writer got there first.
     */
    static boolean newVersion(Handle h, FileRecord next, long expectedVersion) {
        int n = h.createUpdate("""
                        UPDATE files SET size = :size, blob_key = :blob, content_type = :ct, version = :v, modifier = :modifier,
                                         mtime = :mtime WHERE file_id = :id AND version = :expected AND deleted_at IS NULL""")
                .bind("id", next.fileId())
                .bind("size", next.size())
                .bind("blob", next.blobKey())
                .bind("ct", next.contentType())
                .bind("v", next.version())
                .bind("modifier", next.modifier())
                .bind("mtime", next.mtime())
                .bind("expected", expectedVersion)
                .execute();
        if (n == 0) {
            return false;
        }
        FileStore.insertVersion(h, next);
        return true;
    }

    /** Live children of a folder in an app's space. */
    static List<FileRecord> children(Handle h, String appId, String parentId) {
        return h.createQuery("SELECT * FROM files WHERE space = 'app' AND owner_id = :o AND parent_id = :p")
                .bind("o", appId)
                .bind("p", parentId)
                .map((rs, ctx) -> FileStore.map(rs))
                .list();
    }

    /** Blob keys of a file's current content and of all its versions. */
    static List<String> blobKeys(Handle h, String fileId) {
        return h.createQuery("SELECT blob_key FROM files WHERE file_id = :f AND blob_key IS NOT NULL "
                        + "UNION SELECT blob_key FROM file_versions WHERE file_id = :f AND blob_key IS NOT NULL")
                .bind("f", fileId)
                .mapTo(String.class)
                .list();
    }

    /** Removes a file's rows for good: the file, its versions and anything keyed by it. */
    static void purge(Handle h, String fileId) {
        h.createUpdate("DELETE FROM file_versions WHERE file_id = :f")
                .bind("f", fileId)
                .execute();
        h.createUpdate("DELETE FROM link_members WHERE file_id = :f")
                .bind("f", fileId)
                .execute();
        h.createUpdate("DELETE FROM links WHERE file_id = :f").bind("f", fileId).execute();
        h.createUpdate("DELETE FROM files WHERE file_id = :f").bind("f", fileId).execute();
    }

    /** Moves a file or folder to another folder of the same space. */
    static void move(Handle h, String fileId, String parentId, String modifier, long now) {
        h.createUpdate(
                        "UPDATE files SET parent_id = :p, modifier = COALESCE(:m, modifier), mtime = :t WHERE file_id = :f")
                .bind("p", parentId)
                .bind("m", modifier)
                .bind("t", now)
                .bind("f", fileId)
                .execute();
    }
}
