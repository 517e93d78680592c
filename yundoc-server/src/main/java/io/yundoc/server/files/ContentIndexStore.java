package io.yundoc.server.files;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Handle;

/**
 * The tables of the content index (api.md §5.3): {@code index_queue}, {@code index_failures}, and the text itself in
 * {@code file_text} (PostgreSQL: a table with a trigram index; SQLite: an FTS5 table keyed through
 * {@code file_text_ids}). {@code postgres} picks the dialect.
 */
final class ContentIndexStore {
    private ContentIndexStore() {}

    /** A queue row: the file, when it was queued, and how often a worker claimed it. */
    record Queued(String fileId, long queuedAt, int attempts) {}

    /** Queues a file; new content gets a fresh try, whatever happened to the previous one. */
    static void enqueue(Handle h, String fileId, long now) {
        h.createUpdate("INSERT INTO index_queue (file_id, queued_at) VALUES (:f, :t) ON CONFLICT (file_id) DO UPDATE "
                        + "SET queued_at = excluded.queued_at, attempts = 0, claimed_until = NULL")
                .bind("f", fileId)
                .bind("t", now)
                .execute();
    }

    static long pending(Handle h) {
        return h.createQuery("SELECT COUNT(*) FROM index_queue")
                .mapTo(Long.class)
                .one();
    }

    /** The oldest queue row nobody holds a live claim on. */
    static Optional<Queued> nextDue(Handle h, long nowMillis) {
        return h.createQuery("SELECT file_id, queued_at, attempts FROM index_queue "
                        + "WHERE claimed_until IS NULL OR claimed_until < :now ORDER BY queued_at, file_id LIMIT 1")
                .bind("now", nowMillis)
                .map((rs, ctx) -> new Queued(rs.getString(1), rs.getLong(2), rs.getInt(3)))
                .findOne();
    }

    /** Claims the row until {@code untilMillis} if it is still as read; false when another worker got it first. */
    static boolean claim(Handle h, Queued q, long untilMillis) {
        return h.createUpdate("UPDATE index_queue SET attempts = attempts + 1, claimed_until = :u "
                                + "WHERE file_id = :f AND queued_at = :t AND attempts = :a")
                        .bind("u", untilMillis)
                        .bind("f", q.fileId())
                        .bind("t", q.queuedAt())
                        .bind("a", q.attempts())
                        .execute()
                > 0;
    }

    /** Gives a claim back untouched (attempts as before). */
    static void release(Handle h, Queued q) {
        h.createUpdate(
                        "UPDATE index_queue SET attempts = :a, claimed_until = NULL WHERE file_id = :f AND queued_at = :t")
                .bind("a", q.attempts())
                .bind("f", q.fileId())
                .bind("t", q.queuedAt())
                .execute();
    }

    /** Takes the row off the queue unless the file was queued again since. */
    static void dequeue(Handle h, Queued q) {
        h.createUpdate("DELETE FROM index_queue WHERE file_id = :f AND queued_at = :t")
                .bind("f", q.fileId())
                .bind("t", q.queuedAt())
                .execute();
    }

    /** Records the file's failure ({@code reason}), or clears it when {@code reason} is null. */
    static void setFailure(Handle h, String fileId, String blobKey, String reason, long nowMillis) {
        h.createUpdate("DELETE FROM index_failures WHERE file_id = :f")
                .bind("f", fileId)
                .execute();
        if (reason != null) {
            h.createUpdate("INSERT INTO index_failures (file_id, blob_key, reason, failed_at) VALUES (:f, :k, :r, :t)")
                    .bind("f", fileId)
                    .bind("k", blobKey)
                    .bind("r", reason)
                    .bind("t", nowMillis)
                    .execute();
        }
    }

    /** Replaces a file's text (null: removes it). */
    static void putText(Handle h, boolean postgres, String fileId, String blobKey, String body) {
        if (postgres) {
            h.createUpdate("DELETE FROM file_text WHERE file_id = :f")
                    .bind("f", fileId)
                    .execute();
            if (body != null) {
                h.createUpdate("INSERT INTO file_text (file_id, blob_key, body) VALUES (:f, :k, :b)")
                        .bind("f", fileId)
                        .bind("k", blobKey)
                        .bind("b", body)
                        .execute();
            }
            return;
        }
        Long rid = h.createQuery("SELECT rid FROM file_text_ids WHERE file_id = :f")
                .bind("f", fileId)
                .mapTo(Long.class)
                .findOne()
                .orElse(null);
        if (rid != null) {
            h.createUpdate("DELETE FROM file_text WHERE rowid = :r")
                    .bind("r", rid)
                    .execute();
        }
        if (body == null) {
            h.createUpdate("DELETE FROM file_text_ids WHERE file_id = :f")
                    .bind("f", fileId)
                    .execute();
            return;
        }
        if (rid == null) {
            h.createUpdate("INSERT INTO file_text_ids (file_id) VALUES (:f)")
                    .bind("f", fileId)
                    .execute();
            rid = h.createQuery("SELECT rid FROM file_text_ids WHERE file_id = :f")
                    .bind("f", fileId)
                    .mapTo(Long.class)
                    .one();
        }
        h.createUpdate("INSERT INTO file_text (rowid, body) VALUES (:r, :b)")
                .bind("r", rid)
                .bind("b", body)
                .execute();
    }

    /** Removes a file's text, failure and queue row (permanent deletes). */
    static void forget(Handle h, boolean postgres, String fileId) {
        putText(h, postgres, fileId, null, null);
        h.createUpdate("DELETE FROM index_failures WHERE file_id = :f")
                .bind("f", fileId)
                .execute();
        h.createUpdate("DELETE FROM index_queue WHERE file_id = :f")
                .bind("f", fileId)
                .execute();
    }

    static long failureCount(Handle h) {
        return h.createQuery("SELECT COUNT(*) FROM index_failures")
                .mapTo(Long.class)
                .one();
    }

    /** The newest failures, at most {@code limit}: file id, name, reason, failed_at (epoch seconds). */
    static List<Map<String, Object>> failures(Handle h, int limit) {
        return h.createQuery("SELECT x.file_id, f.name, x.reason, x.failed_at "
                        + "FROM index_failures x LEFT JOIN files f ON f.file_id = x.file_id "
                        + "ORDER BY x.failed_at DESC, x.file_id LIMIT :n")
                .bind("n", limit)
                .map((rs, ctx) -> {
                    Map<String, Object> r = new LinkedHashMap<>();
                    r.put("file_id", rs.getString(1));
                    r.put("name", rs.getString(2));
                    r.put("reason", rs.getString(3));
                    r.put("failed_at", rs.getLong(4) / 1000);
                    return r;
                })
                .list();
    }

    /**
     * The SQL condition on {@code f.file_id} for files whose text contains {@code lowerQuery}. Three or more
     * characters use the trigram (or FTS5) index; shorter ones scan, with the same results.
     */
    static String matchCondition(boolean postgres, String lowerQuery, Map<String, Object> binds) {
        String q = lowerQuery;
        if (postgres) {
            binds.put("cq", "%" + ListingStore.likeEscape(q) + "%");
            return "f.file_id IN (SELECT file_id FROM file_text WHERE body LIKE :cq ESCAPE '!')";
        }
        String rows;
        if (q.codePointCount(0, q.length()) >= 3) {
            binds.put("cq", "\"" + q.replace("\"", "\"\"") + "\"");
            rows = "SELECT rowid FROM file_text WHERE file_text MATCH :cq";
        } else {
            binds.put("cq", q);
            rows = "SELECT rowid FROM file_text WHERE instr(body, :cq) > 0";
        }
        return "f.file_id IN (SELECT m.file_id FROM file_text_ids m WHERE m.rid IN (" + rows + "))";
    }
}
