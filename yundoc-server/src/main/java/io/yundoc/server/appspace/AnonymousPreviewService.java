package io.yundoc.server.appspace;

import io.yundoc.protocol.Hex;
import io.yundoc.server.auth.AppRecord;
import io.yundoc.server.auth.AppStore;
import io.yundoc.server.blob.BlobStore;
import io.yundoc.server.core.ApiException;
import io.yundoc.server.core.IdGenerator;
import io.yundoc.server.core.ServerClock;
import io.yundoc.server.files.CloudImporter;
import io.yundoc.server.files.FileNames;
import io.yundoc.server.files.FileRecord;
import io.yundoc.server.files.FileStore;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * Anonymous preview (api-families.md §F4): a task that shows one file on the page {@code /a/<task_id>?token=} without
 * login, for 24 hours of the server clock per token; refresh swaps a live token for a new one, cancel ends it.
 *
 * <p>Tokens are {@code AnonToken-} + 32 lowercase letters, derived as an HMAC (the server's {@code anon_token_key}
 * setting) of the task id and a random nonce. Only the token's SHA-256 is stored and looked up, so no secret is ever
 * compared byte by byte; the nonce lets the task query answer the current token again, as the POST did.
 */
public final class AnonymousPreviewService {
    /** A token's lifetime: "匿名用户凭证默认过期时间为 24 小时" (create-token.html). */
    public static final long LIFETIME_MILLIS = 24L * 3600 * 1000;

    static final String TOKEN_PREFIX = "AnonToken-";
    private final Jdbi jdbi;
    private final AppStore apps;
    private final AppSpaceService appSpace;
    private final CloudImporter importer;
    private final ServerClock clock;
    private final IdGenerator ids;
    private final byte[] key;

    public AnonymousPreviewService(
            Jdbi jdbi,
            AppStore apps,
            AppSpaceService appSpace,
            CloudImporter importer,
            ServerClock clock,
            IdGenerator ids,
            byte[] key) {
        this.jdbi = jdbi;
        this.apps = apps;
        this.appSpace = appSpace;
        this.importer = importer;
        this.clock = clock;
        this.ids = ids;
        this.key = key.clone();
    }

    /** A task with its current token; {@code expiresAt} in epoch milliseconds. */
    public record Issued(String taskId, String token, long expiresAt) {}

    /** What the preview page opens: the file, whether it offers a download, and until when the token holds. */
    public record Opened(FileRecord file, boolean download, long expiresAt) {}

    /** Rows 1–3 need the operator's switch for the app; off → 10003 (api-families.md §F4.1). */
    public void requireEnabled(AppRecord app) {
        if (!apps.anonymousPreview(app.appId())) {
            throw ApiException.denied("anonymous preview not enabled for this app");
        }
    }

    /** Row 1: an app-space file of the calling app (30012 otherwise; a folder → 10001). */
    public Issued forAppFile(AppRecord app, String fileToken, boolean download) {
        requireEnabled(app);
        FileRecord f = appSpace.file(app, fileToken);
        if (f.isFolder()) {
            throw ApiException.invalid("a folder has no preview");
        }
        return create(app, f.fileId(), false, download);
    }

    /** Row 2: the file at {@code url}, fetched as URL import is (api.md §5.4), kept as the task's private copy. */
    public Issued forUrl(AppRecord app, String url, String filename, boolean download) {
        requireEnabled(app);
        String name = previewName(filename);
        try (BlobStore.PendingBlob blob = importer.fetch(app.appId(), url, CloudImporter.Progress.NONE)) {
            return forCopy(app, name, blob, download);
        }
    }

    /** Row 3: an uploaded file, kept as the task's private copy. {@code name} was checked by {@link #previewName}. */
    public Issued forUpload(AppRecord app, String name, BlobStore.PendingBlob blob, boolean download) {
        requireEnabled(app);
        return forCopy(app, previewName(name), blob, download);
    }

    private Issued forCopy(AppRecord app, String name, BlobStore.PendingBlob blob, boolean download) {
        FileRecord copy = appSpace.privateCopy(app, name, blob);
        return create(app, copy.fileId(), true, download);
    }

    /** A document name with its extension ("要求带扩展名"), under the §5.1 name rules; online types have no bytes. */
    public static String previewName(String filename) {
        if (filename == null || filename.isBlank()) {
            throw ApiException.invalid("filename is required");
        }
        String name = FileNames.validate(filename);
        int dot = name.lastIndexOf('.');
        if (dot <= 0 || dot == name.length() - 1) {
            throw ApiException.invalid("filename must carry an extension, e.g. demo.docx");
        }
        if (FileNames.isOnline(name)) {
            throw ApiException.invalid("online document types (.otl, .ksheet, .dbt) have no bytes to preview");
        }
        return name;
    }

    private Issued create(AppRecord app, String fileId, boolean privateCopy, boolean download) {
        String taskId = "anon_" + Hex.of(ids.ids().bytes(10));
        long now = clock.millis();
        forgetDead(now);
        return jdbi.inTransaction(h -> {
            AnonymousStore.insertPreview(
                    h, new AnonymousStore.Preview(taskId, app.appId(), fileId, privateCopy, download, now / 1000));
            return issue(h, taskId, app.appId(), now);
        });
    }

    private Issued issue(Handle h, String taskId, String appId, long now) {
        String nonce = Hex.of(ids.ids().bytes(16));
        String token = token(taskId, nonce);
        long expires = now + LIFETIME_MILLIS;
        AnonymousStore.insertToken(h, new AnonymousStore.Token(hash(token), taskId, appId, nonce, expires, false));
        return new Issued(taskId, token, expires);
    }

    /**
     * Forgets up to 20 tasks none of whose tokens can be used any more (run with each new task, so the work is spread
     * over the calls): their rows, and their private copies, whose blobs are then collected unless another file uses
     * them. Returns how many.
     */
    public int forgetDead(long nowMillis) {
        List<AnonymousStore.Dead> dead = jdbi.withHandle(h -> AnonymousStore.dead(h, nowMillis, 20));
        List<String> blobs = new ArrayList<>();
        for (AnonymousStore.Dead d : dead) {
            jdbi.useTransaction(h -> AnonymousStore.forget(h, d));
            if (d.privateCopy() && d.blobKey() != null) {
                blobs.add(d.blobKey());
            }
        }
        if (!blobs.isEmpty()) {
            appSpace.content().collect(jdbi, blobs);
        }
        return dead.size();
    }

    /**
     * A {@code files.PurgeHooks} hook: the file is gone for good (app-space destroy, recycle-bin purge), so the tasks
     * showing it end now, tokens and all, in the purging transaction; their page is the 404 page and their task query
     * answers {@code task not found}.
     */
    public void filePurged(Handle h, String fileId) {
        AnonymousStore.forgetFile(h, fileId);
    }

    /**
     * Row 4: a live token of this app → a new token for a fresh 24 h; the old one ends at once. Expired, unknown,
     * cancelled, already refreshed or another app's → 10001.
     */
    public Issued refresh(AppRecord app, String token) {
        long now = clock.millis();
        return jdbi.inTransaction(h -> {
            AnonymousStore.Token t = live(h, app, token, now);
            if (!AnonymousStore.end(h, t.tokenHash(), now)) {
                throw ApiException.invalid("token invalid");
            }
            return issue(h, t.taskId(), t.appId(), now);
        });
    }

    /** Row 5: ends a live token of this app; its page answers the 404 page from then on. */
    public void cancel(AppRecord app, String token) {
        long now = clock.millis();
        jdbi.useTransaction(h -> {
            AnonymousStore.Token t = live(h, app, token, now);
            if (!AnonymousStore.end(h, t.tokenHash(), now)) {
                throw ApiException.invalid("token invalid");
            }
        });
    }

    private static AnonymousStore.Token live(Handle h, AppRecord app, String token, long now) {
        if (token == null || token.isEmpty() || token.length() > 200) {
            throw ApiException.invalid("token is required");
        }
        AnonymousStore.Token t = AnonymousStore.token(h, hash(token))
                .filter(x -> x.appId().equals(app.appId()))
                .orElseThrow(() -> ApiException.invalid("token invalid"));
        if (t.ended()) {
            throw ApiException.invalid("token invalid");
        }
        if (t.expiresAt() <= now) {
            throw ApiException.invalid("token expired");
        }
        return t;
    }

    /** Row 6: the task of this app while its newest token lives, else 10001 {@code task not found}. */
    public Issued task(AppRecord app, String taskId) {
        long now = clock.millis();
        return jdbi.withHandle(h -> {
            if (taskId == null
                    || !taskId.startsWith("anon_")
                    || AnonymousStore.preview(h, taskId)
                            .filter(p -> p.appId().equals(app.appId()))
                            .isEmpty()) {
                throw ApiException.invalid("task not found");
            }
            AnonymousStore.Token t = AnonymousStore.newestToken(h, taskId)
                    .filter(x -> x.live(now))
                    .orElseThrow(() -> ApiException.invalid("task not found"));
            return new Issued(taskId, token(taskId, t.nonce()), t.expiresAt());
        });
    }

    /** The page {@code /a/<task_id>?token=}: the task's live file for a live token of that very task, else empty. */
    public Optional<Opened> open(String taskId, String token) {
        if (taskId == null || token == null || !token.startsWith(TOKEN_PREFIX) || token.length() > 200) {
            return Optional.empty();
        }
        long now = clock.millis();
        return jdbi.withHandle(h -> AnonymousStore.token(h, hash(token))
                .filter(t -> t.live(now) && t.taskId().equals(taskId))
                .flatMap(t -> AnonymousStore.preview(h, taskId)
                        .flatMap(p -> FileStore.find(h, p.fileId())
                                .filter(f -> f.live() && !f.isFolder())
                                .map(f -> new Opened(f, p.download(), t.expiresAt())))));
    }

    /** {@code AnonToken-} + 32 lowercase letters from HMAC-SHA256(key, task id, nonce). */
    String token(String taskId, String nonce) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            byte[] d = mac.doFinal((taskId + "\n" + nonce).getBytes(StandardCharsets.UTF_8));
            StringBuilder b = new StringBuilder(TOKEN_PREFIX);
            for (int i = 0; i < 32; i++) {
                b.append((char) ('a' + (d[i] & 0xff) % 26));
            }
            return b.toString();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String hash(String token) {
        return Hex.sha256(token.getBytes(StandardCharsets.UTF_8));
    }
}
