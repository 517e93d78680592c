package io.yundoc.server.inspect;

import java.util.List;
import org.jdbi.v3.core.Jdbi;

/** Read-only queries of the inspector: the newest files of every owner and every share link, newest first. */
public final class InspectStore {
    private final Jdbi jdbi;

    InspectStore(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    List<Inspected.FileRow> files(int limit) {
        return jdbi.withHandle(h -> h.createQuery("""
                        SELECT f.file_id, f.space, f.owner_id, COALESCE(u.name, a.name, f.owner_id) AS owner_name, f.name,
                               f.kind, f.size, f.mtime, f.deleted_at
                        FROM files f LEFT JOIN users u ON u.user_id = f.owner_id LEFT JOIN apps a ON a.app_id = f.owner_id
                        WHERE f.kind <> 'root' ORDER BY f.mtime DESC, f.file_id LIMIT :lim""")
                .bind("lim", limit)
                .map((rs, ctx) -> new Inspected.FileRow(
                        rs.getString(1),
                        rs.getString(2),
                        rs.getString(3),
                        rs.getString(4),
                        rs.getString(5),
                        rs.getString(6),
                        rs.getLong(7),
                        rs.getLong(8),
                        rs.getObject(9) != null))
                .list());
    }

    List<Inspected.LinkRow> links(int limit) {
        return jdbi.withHandle(h -> h.createQuery("""
                        SELECT l.file_id, f.name, COALESCE(u.name, f.owner_id), l.sid, l.permission, l.status, l.expire_time
                        FROM links l JOIN files f ON f.file_id = l.file_id LEFT JOIN users u ON u.user_id = f.owner_id
                        ORDER BY l.created_at DESC, l.file_id LIMIT :lim""")
                .bind("lim", limit)
                .map((rs, ctx) -> new Inspected.LinkRow(
                        rs.getString(1),
                        rs.getString(2),
                        rs.getString(3),
                        rs.getString(4),
                        rs.getString(5),
                        rs.getString(6),
                        rs.getLong(7)))
                .list());
    }
}
