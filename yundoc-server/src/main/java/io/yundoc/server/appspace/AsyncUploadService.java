package io.yundoc.server.appspace;

import io.yundoc.protocol.ErrorCode;
import io.yundoc.protocol.Hex;
import io.yundoc.protocol.Ids;
import io.yundoc.server.auth.AppRecord;
import io.yundoc.server.auth.AppStore;
import io.yundoc.server.blob.BlobStore;
import io.yundoc.server.core.ApiException;
import io.yundoc.server.core.IdGenerator;
import io.yundoc.server.core.ServerClock;
import io.yundoc.server.files.CloudImporter;
import io.yundoc.server.files.FileNames;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.jdbi.v3.core.Jdbi;

/**
 * App-space async upload (api-families.md §F5): {@code POST appspace/file/async/upload} records a task in the
 * database and answers its id; a worker of any instance fetches the URL (api.md §5.4 rules, through
 * {@link CloudImporter}) into the app space. A running task holds a lease its worker renews while bytes arrive; a
 * sweep on every instance takes over a task whose lease passed (its worker died) once, and fails it the second time.
 */
public final class AsyncUploadService implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(AsyncUploadService.class.getName());
    /** How long a worker holds a task without a sign of life (renewed with each progress step and every 5 s). */
    static final long LEASE_MILLIS = 30_000;
    /** A task is kept this long after it ended, then its id is 10001 {@code task not found}. */
    static final long RETENTION_MILLIS = 24L * 3600 * 1000;

    private final Jdbi jdbi;
    /**
     * The pool without the read cache's write tracking, for the sweep's purge of ended tasks: no cached row comes
     * from {@code upload_tasks}, and through {@link #jdbi} that DELETE (every sweep, most often of no row) would empty
     * every instance's row cache each time.
     */
    private final Jdbi housekeeping;

    private final AppStore apps;
    private final AppSpaceService appSpace;
    private final CloudImporter importer;
    private final ServerClock clock;
    private final IdGenerator ids;
    private final ExecutorService workers = Executors.newThreadPerTaskExecutor(
            Thread.ofVirtual().name("yundoc-async-upload-", 0).factory());
    private final ScheduledExecutorService sweeper;

    public AsyncUploadService(
            Jdbi jdbi,
            Jdbi housekeeping,
            AppStore apps,
            AppSpaceService appSpace,
            CloudImporter importer,
            ServerClock clock,
            IdGenerator ids,
            long sweepMillis) {
        this.jdbi = jdbi;
        this.housekeeping = housekeeping;
        this.apps = apps;
        this.appSpace = appSpace;
        this.importer = importer;
        this.clock = clock;
        this.ids = ids;
        this.sweeper = Executors.newSingleThreadScheduledExecutor(r ->
                Thread.ofPlatform().daemon().name("yundoc-async-upload-sweep").unstarted(r));
        // the task catches its own failures: its future would only ever report the cancellation at shutdown
        var unused =
                sweeper.scheduleWithFixedDelay(this::sweepQuietly, sweepMillis, sweepMillis, TimeUnit.MILLISECONDS);
    }

    /**
     * Records a task and starts it here. Answered at once: the parameters (10001), the folder (30012, a file's token
     * too) and the per-app fetch concurrency (30010 while that many tasks of the app are unfinished).
     */
    public String start(AppRecord app, String url, String filename, String creatorJson, String parentToken) {
        String name = FileNames.validate(filename);
        if (FileNames.isOnline(name)) {
            throw ApiException.invalid("online document types (.otl, .ksheet, .dbt) cannot be uploaded");
        }
        CloudImporter.parse(url);
        String parent = parentToken == null || parentToken.isEmpty() ? null : parentToken;
        if (parent != null) {
            if (!Ids.accepted(parent) || !appSpace.file(app, parent).isFolder()) {
                throw new ApiException(ErrorCode.FILE_NOT_EXISTS, "parent_token is not a folder of this app");
            }
        }
        String taskId = "upl_" + Hex.of(ids.ids().bytes(10));
        long now = clock.millis();
        jdbi.useTransaction(h -> {
            if (AsyncUploadStore.unfinished(h, app.appId()) >= importer.perApp()) {
                throw new ApiException(
                        ErrorCode.TOO_MANY_TASK,
                        "too many URL fetches running for this app",
                        Map.of("Retry-After", "5"));
            }
            AsyncUploadStore.insert(
                    h,
                    new AsyncUploadStore.Task(
                            taskId,
                            app.appId(),
                            url.trim(),
                            name,
                            creatorJson,
                            parent,
                            "pending",
                            0,
                            0,
                            null,
                            null,
                            null,
                            null,
                            now,
                            null));
        });
        workers.execute(() -> run(taskId));
        return taskId;
    }

    /** The progress answer of api-families.md §F5; 10001 {@code task not found} for another app's or a forgotten id. */
    public Map<String, Object> progress(AppRecord app, String taskId) {
        long now = clock.millis();
        AsyncUploadStore.Task t = jdbi.withHandle(h -> AsyncUploadStore.find(h, taskId))
                .filter(x -> x.appId().equals(app.appId()))
                .filter(x -> x.endedAt() == null || x.endedAt() + RETENTION_MILLIS > now)
                .orElseThrow(() -> ApiException.invalid("task not found"));
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("task_id", t.taskId());
        m.put("status", t.status());
        m.put("progress", t.progress());
        if ("success".equals(t.status())) {
            m.put("file_token", t.fileId());
        }
        if ("failure".equals(t.status())) {
            ErrorCode code = ErrorCode.of(t.errorCode() == null ? ErrorCode.INTERNAL_ERROR.code() : t.errorCode());
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("code", code.code());
            e.put("msg", code.wireName());
            e.put("hint", t.errorHint());
            m.put("error", e);
        }
        return m;
    }

    /** Claims the task and does it; nothing when another worker holds it or it ended. */
    private void run(String taskId) {
        long now = clock.millis();
        if (!jdbi.withHandle(h -> AsyncUploadStore.claim(h, taskId, now, now + LEASE_MILLIS))) {
            return;
        }
        AsyncUploadStore.Task t =
                jdbi.withHandle(h -> AsyncUploadStore.find(h, taskId)).orElse(null);
        if (t == null) {
            return;
        }
        int attempt = t.attempts();
        try {
            AppRecord app = apps.find(t.appId()).orElseThrow(() -> ApiException.invalid("the app no longer exists"));
            long[] last = {-1, clock.millis()};
            CloudImporter.Progress p = (bytes, total) -> {
                int pct = total > 0 ? (int) Math.min(99, bytes * 100 / total) : 0;
                long at = clock.millis();
                if (pct != last[0] || at - last[1] > 5_000) { // a write per percent, and the lease renewed every 5 s
                    last[0] = pct;
                    last[1] = at;
                    jdbi.useHandle(h -> AsyncUploadStore.progress(h, taskId, attempt, pct, at + LEASE_MILLIS));
                }
            };
            String fileToken;
            try (BlobStore.PendingBlob blob = importer.fetch(null, t.url(), p)) {
                fileToken = appSpace.upload(
                                app,
                                t.filename(),
                                new AppSpaceService.Folder(t.parentToken(), List.of()),
                                null,
                                t.creator(),
                                blob)
                        .fileToken();
            }
            jdbi.useHandle(h -> AsyncUploadStore.succeed(h, taskId, attempt, fileToken, clock.millis()));
        } catch (ApiException e) {
            jdbi.useHandle(
                    h -> AsyncUploadStore.fail(h, taskId, attempt, e.code().code(), e.hint(), clock.millis()));
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "async upload " + taskId + " failed", e);
            jdbi.useHandle(h -> AsyncUploadStore.fail(
                    h,
                    taskId,
                    attempt,
                    ErrorCode.INTERNAL_ERROR.code(),
                    "the upload failed on the server",
                    clock.millis()));
        }
    }

    /**
     * One pass over the tasks no live worker holds: a lease that passed (or a pending task nobody took for a lease's
     * time) is taken over once; a task that already had its second attempt fails with a message.
     */
    public void sweep() {
        long now = clock.millis();
        housekeeping.useHandle(h -> AsyncUploadStore.purge(h, now - RETENTION_MILLIS));
        List<AsyncUploadStore.Task> orphans =
                jdbi.withHandle(h -> AsyncUploadStore.orphans(h, now, now - LEASE_MILLIS));
        for (AsyncUploadStore.Task t : orphans) {
            if (t.attempts() >= 2) {
                jdbi.useHandle(h -> AsyncUploadStore.fail(
                        h,
                        t.taskId(),
                        null,
                        ErrorCode.INTERNAL_ERROR.code(),
                        "the worker handling this upload stopped twice; the task was retried once",
                        now));
            } else {
                workers.execute(() -> run(t.taskId()));
            }
        }
    }

    private void sweepQuietly() {
        try {
            sweep();
        } catch (RuntimeException e) {
            LOG.log(Level.FINE, "async upload sweep failed; trying again", e);
        }
    }

    @Override
    public void close() {
        sweeper.shutdownNow();
        workers.shutdownNow();
    }
}
