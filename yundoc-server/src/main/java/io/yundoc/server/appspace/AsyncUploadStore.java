package io.yundoc.server.appspace;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.StatementContext;

/** The {@code upload_tasks} table of app-space async upload (api-families.md §F5, migration V11). */
public final class AsyncUploadStore {
    private AsyncUploadStore() {}

    /** A task row; times in epoch milliseconds of the server clock. */
    public record Task(
            String taskId,
            String appId,
            String url,
            String filename,
            String creator,
            String parentToken,
            String status,
            int progress,
            int attempts,
            Long leaseUntil,
            String fileId,
            Integer errorCode,
            String errorHint,
            long createdAt,
            Long endedAt) {}

    static void insert(Handle h, Task t) {
        h.createUpdate("""
                        INSERT INTO upload_tasks (task_id, app_id, url, filename, creator, parent_token, status, progress,
                                                  attempts, created_at)
                        VALUES (:t, :a, :u, :f, :c, :p, 'pending', 0, 0, :now)""")
                .bind("t", t.taskId())
                .bind("a", t.appId())
                .bind("u", t.url())
                .bind("f", t.filename())
                .bind("c", t.creator())
                .bind("p", t.parentToken())
                .bind("now", t.createdAt())
                .execute();
    }

    static Optional<Task> find(Handle h, String taskId) {
        return h.createQuery("SELECT * FROM upload_tasks WHERE task_id = :t")
                .bind("t", taskId)
                .map(AsyncUploadStore::task)
                .findOne();
    }

    /** Tasks of the app not ended yet: what the per-app fetch concurrency counts. */
    static int unfinished(Handle h, String appId) {
        return h.createQuery("SELECT COUNT(*) FROM upload_tasks WHERE app_id = :a AND status IN ('pending', 'running')")
                .bind("a", appId)
                .mapTo(Integer.class)
                .one();
    }

    /**
     * Takes a task for this worker: a pending one, or a running one whose lease passed (its worker died). Counts the
     * attempt. False when another worker holds it or it ended.
     */
    static boolean claim(Handle h, String taskId, long now, long leaseUntil) {
        return h.createUpdate("""
                        UPDATE upload_tasks SET status = 'running', attempts = attempts + 1, lease_until = :lease, progress = 0
                        WHERE task_id = :t AND (status = 'pending' OR (status = 'running' AND lease_until < :now))""")
                        .bind("t", taskId)
                        .bind("now", now)
                        .bind("lease", leaseUntil)
                        .execute()
                == 1;
    }

    /** Progress and a renewed lease, while this worker still holds the task (its attempt count). */
    static void progress(Handle h, String taskId, int attempts, int progress, long leaseUntil) {
        h.createUpdate("""
                        UPDATE upload_tasks SET progress = :p, lease_until = :lease
                        WHERE task_id = :t AND status = 'running' AND attempts = :n""")
                .bind("t", taskId)
                .bind("n", attempts)
                .bind("p", progress)
                .bind("lease", leaseUntil)
                .execute();
    }

    static void succeed(Handle h, String taskId, int attempts, String fileId, long now) {
        h.createUpdate("""
                        UPDATE upload_tasks SET status = 'success', progress = 100, file_id = :f, ended_at = :now, lease_until = NULL
                        WHERE task_id = :t AND status = 'running' AND attempts = :n""")
                .bind("t", taskId)
                .bind("n", attempts)
                .bind("f", fileId)
                .bind("now", now)
                .execute();
    }

    /** Ends the task as failed; {@code attempts} null: whoever holds it (the sweep of a dead worker's task). */
    static void fail(Handle h, String taskId, Integer attempts, int code, String hint, long now) {
        h.createUpdate("UPDATE upload_tasks SET status = 'failure', progress = 0, error_code = :c, error_hint = :hint, "
                        + "ended_at = :now, lease_until = NULL WHERE task_id = :t AND status IN ('pending', 'running')"
                        + (attempts == null ? "" : " AND attempts = :n"))
                .bind("t", taskId)
                .bind("n", attempts)
                .bind("c", code)
                .bind("hint", hint)
                .bind("now", now)
                .execute();
    }

    /** Running tasks whose lease passed, and pending ones nobody took within {@code pendingBefore}. */
    static List<Task> orphans(Handle h, long now, long pendingBefore) {
        return h.createQuery("""
                        SELECT * FROM upload_tasks WHERE (status = 'running' AND lease_until < :now)
                           OR (status = 'pending' AND created_at < :pending) ORDER BY created_at LIMIT 50""")
                .bind("now", now)
                .bind("pending", pendingBefore)
                .map(AsyncUploadStore::task)
                .list();
    }

    /** Forgets tasks that ended before {@code cutoff}. */
    static int purge(Handle h, long cutoff) {
        return h.createUpdate("DELETE FROM upload_tasks WHERE ended_at IS NOT NULL AND ended_at < :c")
                .bind("c", cutoff)
                .execute();
    }

    private static Task task(ResultSet rs, StatementContext ctx) throws SQLException {
        long lease = rs.getLong("lease_until");
        Long leaseUntil = rs.wasNull() ? null : lease;
        int code = rs.getInt("error_code");
        Integer errorCode = rs.wasNull() ? null : code;
        long ended = rs.getLong("ended_at");
        Long endedAt = rs.wasNull() ? null : ended;
        return new Task(
                rs.getString("task_id"),
                rs.getString("app_id"),
                rs.getString("url"),
                rs.getString("filename"),
                rs.getString("creator"),
                rs.getString("parent_token"),
                rs.getString("status"),
                rs.getInt("progress"),
                rs.getInt("attempts"),
                leaseUntil,
                rs.getString("file_id"),
                errorCode,
                rs.getString("error_hint"),
                rs.getLong("created_at"),
                endedAt);
    }
}
