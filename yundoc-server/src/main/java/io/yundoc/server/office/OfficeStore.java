package io.yundoc.server.office;

import io.yundoc.server.blob.BlobIndexStore;
import io.yundoc.server.blob.BlobRecord;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;

/** The {@code office_tasks}, {@code office_outputs} and {@code office_previews} tables (V10__office.sql). */
final class OfficeStore {
    private final Jdbi jdbi;
    /**
     * The pool without the read cache's write tracking, for the claim poll's own UPDATE: no cached row comes from
     * {@code office_tasks}, and through {@link #jdbi} that statement (run every poll, most often on no row) would
     * empty every instance's row cache each time.
     */
    private final Jdbi housekeeping;

    private static final String TASK_COLUMNS =
            "task_id, app_id, kind, filename, options, input_blob, input_size, status, "
                    + "progress, message, attempts, claimed_by, created_at, finished_at, elapsed_ms";

    OfficeStore(Jdbi jdbi, Jdbi housekeeping) {
        this.jdbi = jdbi;
        this.housekeeping = housekeeping;
    }

    /** A task row. */
    record Task(
            String taskId,
            String appId,
            String kind,
            String filename,
            String options,
            String inputBlob,
            long inputSize,
            String status,
            int progress,
            String message,
            int attempts,
            String claimedBy,
            long createdAt,
            Long finishedAt,
            Long elapsedMs) {}

    /** An output file of a task; {@code seq} is the page number for per-page outputs, 0 for a single output. */
    record Output(String taskId, int seq, String name, String blobKey, long size) {}

    /** A preview cache row. */
    record Preview(
            String cacheKey, String sourceBlob, String sourceExt, String status, String blobKey, String message) {}

    /** Records the input blob's index row and the queued task in one transaction. */
    void create(Task t, BlobRecord input) {
        jdbi.useTransaction(h -> {
            BlobIndexStore.record(h, input);
            h.createUpdate("INSERT INTO office_tasks (" + TASK_COLUMNS
                            + ", lease_until) VALUES (:id, :app, :kind, :name, "
                            + ":opt, :blob, :size, 'queued', 0, NULL, 0, NULL, :t, NULL, NULL, 0)")
                    .bind("id", t.taskId())
                    .bind("app", t.appId())
                    .bind("kind", t.kind())
                    .bind("name", t.filename())
                    .bind("opt", t.options())
                    .bind("blob", t.inputBlob())
                    .bind("size", t.inputSize())
                    .bind("t", t.createdAt())
                    .execute();
        });
    }

    Optional<Task> find(String taskId) {
        return jdbi.withHandle(h -> h.createQuery("SELECT " + TASK_COLUMNS + " FROM office_tasks WHERE task_id = :id")
                .bind("id", taskId)
                .map((rs, ctx) -> new Task(
                        rs.getString(1),
                        rs.getString(2),
                        rs.getString(3),
                        rs.getString(4),
                        rs.getString(5),
                        rs.getString(6),
                        rs.getLong(7),
                        rs.getString(8),
                        rs.getInt(9),
                        rs.getString(10),
                        rs.getInt(11),
                        rs.getString(12),
                        rs.getLong(13),
                        nullableLong(rs, 14),
                        nullableLong(rs, 15)))
                .findOne());
    }

    /** A BIGINT that may be NULL (the SQLite driver refuses getObject(i, Long.class) on NULL). */
    private static Long nullableLong(ResultSet rs, int column) throws SQLException {
        long v = rs.getLong(column);
        return rs.wasNull() ? null : v;
    }

    /**
     * Claims the oldest waiting task for {@code worker} until {@code leaseUntil}: a queued one, or one whose worker's
     * lease ran out (that worker died) and that was tried once only. A task abandoned twice is failed here.
     */
    Optional<Task> claim(String worker, long now, long leaseUntil) {
        housekeeping.useHandle(h -> h.createUpdate(
                        "UPDATE office_tasks SET status = 'failure', message = :m, finished_at = :now, "
                                + "input_blob = NULL, claimed_by = NULL WHERE status = 'processing' AND lease_until < :now AND attempts >= 2")
                .bind("m", "conversion interrupted twice (the converting server stopped); not retried again")
                .bind("now", now)
                .execute());
        List<String> candidates =
                jdbi.withHandle(h -> h.createQuery("SELECT task_id FROM office_tasks WHERE status = 'queued' "
                                + "OR (status = 'processing' AND lease_until < :now) ORDER BY created_at LIMIT 5")
                        .bind("now", now)
                        .mapTo(String.class)
                        .list());
        for (String id : candidates) {
            int n = jdbi.withHandle(h -> h.createUpdate(
                            "UPDATE office_tasks SET status = 'processing', claimed_by = :w, "
                                    + "lease_until = :until, attempts = attempts + 1, progress = 0 WHERE task_id = :id AND "
                                    + "(status = 'queued' OR (status = 'processing' AND lease_until < :now AND attempts < 2))")
                    .bind("w", worker)
                    .bind("until", leaseUntil)
                    .bind("id", id)
                    .bind("now", now)
                    .execute());
            if (n == 1) {
                return find(id);
            }
        }
        return Optional.empty();
    }

    /** Extends the worker's lease and records progress; false when the task is no longer this worker's. */
    boolean renew(String taskId, String worker, long leaseUntil, int progress) {
        return jdbi.withHandle(h -> h.createUpdate("UPDATE office_tasks SET lease_until = :until, progress = :p "
                                + "WHERE task_id = :id AND claimed_by = :w AND status = 'processing'")
                        .bind("until", leaseUntil)
                        .bind("p", progress)
                        .bind("id", taskId)
                        .bind("w", worker)
                        .execute())
                == 1;
    }

    /** Ends a task this worker holds: its outputs (index rows included) and status, in one transaction. */
    void finish(
            String taskId,
            String worker,
            boolean success,
            String message,
            List<Output> outputs,
            List<BlobRecord> blobs,
            long now,
            long elapsedMs) {
        jdbi.useTransaction(h -> {
            int n = h.createUpdate(
                            "UPDATE office_tasks SET status = :s, message = :m, progress = :p, finished_at = :now, "
                                    + "elapsed_ms = :e, input_blob = NULL, claimed_by = NULL WHERE task_id = :id AND claimed_by = :w "
                                    + "AND status = 'processing'")
                    .bind("s", success ? "success" : "failure")
                    .bind("m", message)
                    .bind("p", success ? 100 : 0)
                    .bind("now", now)
                    .bind("e", elapsedMs)
                    .bind("id", taskId)
                    .bind("w", worker)
                    .execute();
            if (n != 1) {
                return; // another worker took it over after our lease ran out: its answer counts
            }
            for (BlobRecord b : blobs) {
                BlobIndexStore.record(h, b);
            }
            for (Output o : outputs) {
                h.createUpdate(
                                "INSERT INTO office_outputs (task_id, seq, name, blob_key, size) VALUES (:t, :s, :n, :k, :z)")
                        .bind("t", o.taskId())
                        .bind("s", o.seq())
                        .bind("n", o.name())
                        .bind("k", o.blobKey())
                        .bind("z", o.size())
                        .execute();
            }
        });
    }

    /** Replaces a task's stored options (the password leaves them when the task ends). */
    void options(String taskId, String json) {
        jdbi.useHandle(h -> h.createUpdate("UPDATE office_tasks SET options = :o WHERE task_id = :t")
                .bind("o", json)
                .bind("t", taskId)
                .execute());
    }

    List<Output> outputs(String taskId) {
        return jdbi.withHandle(h -> h.createQuery("SELECT task_id, seq, name, blob_key, size FROM office_outputs "
                        + "WHERE task_id = :t ORDER BY seq")
                .bind("t", taskId)
                .map((rs, ctx) ->
                        new Output(rs.getString(1), rs.getInt(2), rs.getString(3), rs.getString(4), rs.getLong(5)))
                .list());
    }

    /** The output's name while its task is kept (download URLs of §6 name it). */
    Optional<String> outputName(String taskId, String blobKey) {
        return jdbi.withHandle(
                h -> h.createQuery("SELECT name FROM office_outputs WHERE task_id = :t AND blob_key = :k")
                        .bind("t", taskId)
                        .bind("k", blobKey)
                        .mapTo(String.class)
                        .findFirst());
    }

    /**
     * Forgets tasks that ended before {@code cutoff}, and tasks never finished created before {@code staleBefore};
     * returns the blob keys they referred to (collection candidates).
     */
    List<String> expire(long cutoff, long staleBefore) {
        return jdbi.inTransaction(h -> {
            String which =
                    "(finished_at IS NOT NULL AND finished_at < :c) OR (finished_at IS NULL AND created_at < :s)";
            List<String> keys =
                    new ArrayList<>(h.createQuery("SELECT o.blob_key FROM office_outputs o JOIN office_tasks t "
                                    + "ON t.task_id = o.task_id WHERE "
                                    + which.replace("finished_at", "t.finished_at")
                                            .replace("created_at", "t.created_at"))
                            .bind("c", cutoff)
                            .bind("s", staleBefore)
                            .mapTo(String.class)
                            .list());
            keys.addAll(h.createQuery(
                            "SELECT input_blob FROM office_tasks WHERE input_blob IS NOT NULL AND (" + which + ")")
                    .bind("c", cutoff)
                    .bind("s", staleBefore)
                    .mapTo(String.class)
                    .list());
            h.createUpdate("DELETE FROM office_outputs WHERE task_id IN (SELECT task_id FROM office_tasks WHERE "
                            + which + ")")
                    .bind("c", cutoff)
                    .bind("s", staleBefore)
                    .execute();
            h.createUpdate("DELETE FROM office_tasks WHERE " + which)
                    .bind("c", cutoff)
                    .bind("s", staleBefore)
                    .execute();
            return keys;
        });
    }

    Optional<Preview> preview(String cacheKey) {
        return jdbi.withHandle(h -> h.createQuery(
                        "SELECT cache_key, source_blob, source_ext, status, blob_key, message FROM office_previews "
                                + "WHERE cache_key = :k")
                .bind("k", cacheKey)
                .map((rs, ctx) -> new Preview(
                        rs.getString(1),
                        rs.getString(2),
                        rs.getString(3),
                        rs.getString(4),
                        rs.getString(5),
                        rs.getString(6)))
                .findOne());
    }

    /** Adds a preparing preview row unless one exists (any instance may have added it first). */
    void requestPreview(String cacheKey, String sourceBlob, String ext, long now) {
        jdbi.useHandle(h -> h.createUpdate(
                        "INSERT INTO office_previews (cache_key, source_blob, source_ext, status, lease_until, "
                                + "created_at) VALUES (:k, :b, :e, 'preparing', 0, :t) ON CONFLICT (cache_key) DO NOTHING")
                .bind("k", cacheKey)
                .bind("b", sourceBlob)
                .bind("e", ext)
                .bind("t", now)
                .execute());
    }

    /** Claims a preparing preview nobody holds (or whose holder's lease ran out). */
    Optional<Preview> claimPreview(String worker, long now, long leaseUntil) {
        List<String> candidates = jdbi.withHandle(h -> h.createQuery("SELECT cache_key FROM office_previews WHERE "
                        + "status = 'preparing' AND lease_until < :now ORDER BY created_at LIMIT 5")
                .bind("now", now)
                .mapTo(String.class)
                .list());
        for (String k : candidates) {
            int n = jdbi.withHandle(h -> h.createUpdate("UPDATE office_previews SET claimed_by = :w, lease_until = :u "
                            + "WHERE cache_key = :k AND status = 'preparing' AND lease_until < :now")
                    .bind("w", worker)
                    .bind("u", leaseUntil)
                    .bind("k", k)
                    .bind("now", now)
                    .execute());
            if (n == 1) {
                return preview(k);
            }
        }
        return Optional.empty();
    }

    void finishPreview(String cacheKey, BlobRecord pdf, String message) {
        jdbi.useTransaction(h -> {
            if (pdf != null) {
                BlobIndexStore.record(h, pdf);
            }
            h.createUpdate("UPDATE office_previews SET status = :s, blob_key = :b, message = :m, claimed_by = NULL "
                            + "WHERE cache_key = :k")
                    .bind("s", pdf != null ? "ready" : "failed")
                    .bind("b", pdf == null ? null : pdf.key())
                    .bind("m", message)
                    .bind("k", cacheKey)
                    .execute();
        });
    }

    /** Drops previews whose source bytes are gone (no file refers to them any more); returns their PDF blobs. */
    List<String> dropOrphanPreviews() {
        return jdbi.inTransaction(h -> {
            String orphan = "NOT EXISTS (SELECT 1 FROM blobs b WHERE b.blob_key = office_previews.source_blob)";
            List<String> keys = h.createQuery(
                            "SELECT blob_key FROM office_previews WHERE blob_key IS NOT NULL AND " + orphan)
                    .mapTo(String.class)
                    .list();
            h.createUpdate("DELETE FROM office_previews WHERE " + orphan).execute();
            return keys;
        });
    }
}
