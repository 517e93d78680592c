package io.yundoc.client;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.yundoc.protocol.wire.AppFileInfo;
import io.yundoc.protocol.wire.DownloadInfo;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * The app-space endpoints of api.md §5.9, signed with WPS-2 from the client's app id and key. Obtain it from
 * {@link YundocClient#appSpace()}. {@code creator}/{@code modifier} are sent as JSON strings.
 */
public final class AppSpace {
    private static final String BASE = "/api/v1/openapi/appspace";
    private final Transport t;
    private final Downloader downloader;

    AppSpace(Transport t, Downloader downloader) {
        this.t = t;
        this.downloader = downloader;
    }

    private static String seg(String id) {
        return ApiRequest.enc(Objects.requireNonNull(id, "file token"));
    }

    private static ApiRequest get(String path) {
        return new ApiRequest("GET", BASE + path, ApiRequest.Auth.WPS2);
    }

    private static ApiRequest body(String method, String path, ObjectNode json) {
        return new ApiRequest(method, BASE + path, ApiRequest.Auth.WPS2).json(YundocClient.bytes(json));
    }

    /**
     * {@code POST /appspace/files}: a blank document (or, with no extension at all, an empty ordinary file).
     *
     * @param filename the name
     * @param folder   where ({@link AppFolder#root()} when null)
     * @param creator  who to record as creator, or null
     */
    public AppFileInfo create(String filename, AppFolder folder, String creator) {
        ObjectNode b = YundocClient.object().put("filename", Objects.requireNonNull(filename, "filename"));
        folder(b, folder);
        if (creator != null) {
            b.put("creator", creator);
        }
        return t.call(body("POST", "/files", b), AppFileInfo.class);
    }

    private static void folder(ObjectNode b, AppFolder folder) {
        AppFolder f = folder == null ? AppFolder.root() : folder;
        if (f.parentToken() != null) {
            b.put("parent_token", f.parentToken());
        }
        if (!f.parentPath().isEmpty()) {
            ArrayNode a = b.putArray("parent_path");
            f.parentPath().forEach(a::add);
        }
    }

    /** {@code POST /appspace/files/upload} of a local file under its own name, in the root. */
    public AppFileInfo upload(Path file) {
        return upload(file, file.getFileName().toString(), AppFolder.root(), null, TransferListener.NONE);
    }

    /**
     * {@code POST /appspace/files/upload}, streamed from disk. The signature covers the whole multipart body, so the
     * file is read twice (hash, then send). Uploading a name that exists in the folder makes a new version.
     *
     * @param file     the local file
     * @param name     the name in the app space
     * @param folder   where ({@link AppFolder#root()} when null)
     * @param creator  who to record as creator/modifier, or null
     * @param listener upload progress
     */
    public AppFileInfo upload(Path file, String name, AppFolder folder, String creator, TransferListener listener) {
        return upload(new Multipart().file(name, YundocClient.contentType(name), file), folder, creator, listener);
    }

    /**
     * {@code POST /appspace/files/upload} from memory.
     *
     * @param name    the name in the app space
     * @param content the bytes
     * @param folder  where ({@link AppFolder#root()} when null)
     * @param creator who to record as creator/modifier, or null
     */
    public AppFileInfo upload(String name, byte[] content, AppFolder folder, String creator) {
        return upload(
                new Multipart().file(name, YundocClient.contentType(name), content),
                folder,
                creator,
                TransferListener.NONE);
    }

    private AppFileInfo upload(Multipart m, AppFolder folder, String creator, TransferListener listener) {
        AppFolder f = folder == null ? AppFolder.root() : folder;
        m.field("parent_token", f.parentToken());
        if (!f.parentPath().isEmpty()) {
            m.field("parent_path", String.join(",", f.parentPath()));
        }
        m.field("creator", creator);
        ApiRequest r = new ApiRequest("POST", BASE + "/files/upload", ApiRequest.Auth.WPS2);
        r.body = () -> m.publisher(listener);
        r.contentType = m.contentType();
        r.bodyMd5 = m.md5();
        return t.call(r, AppFileInfo.class);
    }

    /** {@code GET /appspace/files/:ft}: file info. */
    public AppFileInfo info(String fileToken) {
        return t.call(get("/files/" + seg(fileToken)), AppFileInfo.class);
    }

    /** {@code GET /appspace/files/:ft/download}: the temporary URL with size and SHA-1. */
    public DownloadInfo downloadInfo(String fileToken) {
        return t.call(get("/files/" + seg(fileToken) + "/download"), DownloadInfo.class);
    }

    /** Verified download of the current version (see {@link PersonalFiles#download(String, Path, TransferListener)}). */
    public Models.DownloadResult download(String fileToken, Path target, TransferListener listener) {
        return downloader.download(() -> downloadInfo(fileToken), target, listener);
    }

    /** Verified download of the current version. */
    public Models.DownloadResult download(String fileToken, Path target) {
        return download(fileToken, target, TransferListener.NONE);
    }

    /**
     * {@code GET /appspace/files/:ft/versions}: newest first.
     *
     * @param offset cursor ({@code next_offset}), or null for the newest
     * @param count  page size (default 10, at most 100), or null
     */
    public Models.VersionPage versions(String fileToken, Long offset, Integer count) {
        return t.call(
                get("/files/" + seg(fileToken) + "/versions")
                        .query("offset", offset)
                        .query("count", count),
                Models.VersionPage.class);
    }

    /** {@code GET /appspace/files/:ft/versions/:version}: file info as of that version. */
    public AppFileInfo version(String fileToken, long version) {
        return t.call(get("/files/" + seg(fileToken) + "/versions/" + version), AppFileInfo.class);
    }

    /** {@code GET /appspace/files/:ft/versions/:version/download}. */
    public DownloadInfo versionDownloadInfo(String fileToken, long version) {
        return t.call(get("/files/" + seg(fileToken) + "/versions/" + version + "/download"), DownloadInfo.class);
    }

    /** Verified download of one version. */
    public Models.DownloadResult downloadVersion(
            String fileToken, long version, Path target, TransferListener listener) {
        return downloader.download(() -> versionDownloadInfo(fileToken, version), target, listener);
    }

    /** {@code POST /appspace/files/:ft/versions/:version/revert}: makes a new version with that content. */
    public AppFileInfo revert(String fileToken, long version) {
        ApiRequest r = new ApiRequest(
                "POST", BASE + "/files/" + seg(fileToken) + "/versions/" + version + "/revert", ApiRequest.Auth.WPS2);
        r.idempotent = false;
        return t.call(r, AppFileInfo.class);
    }

    /** {@code DELETE /appspace/files/:ft/destroy}: deletes for good (folders recursively). */
    public void destroy(String fileToken, String modifier) {
        ApiRequest r = modifier == null
                ? new ApiRequest("DELETE", BASE + "/files/" + seg(fileToken) + "/destroy", ApiRequest.Auth.WPS2)
                : body(
                        "DELETE",
                        "/files/" + seg(fileToken) + "/destroy",
                        YundocClient.object().put("modifier", modifier));
        t.call(r, (Class<?>) null);
    }

    /**
     * {@code POST /appspace/tasks/files/move}: up to 100 tokens from one folder into another.
     *
     * @param parentToken target folder ({@code ""} = the root)
     * @param modifier    who to record, or null
     */
    public Models.TaskResult move(List<String> fileTokens, String parentToken, String modifier) {
        ObjectNode b =
                PersonalFiles.ids("file_tokens", fileTokens).put("parent_token", Objects.requireNonNull(parentToken));
        if (modifier != null) {
            b.put("modifier", modifier);
        }
        return t.call(body("POST", "/tasks/files/move", b), Models.TaskResult.class);
    }

    /**
     * {@code GET /appspace/files/:ft/url/with_edit_token}: signed by the app <em>and</em> carrying the user's access
     * token (scope {@code user_basic}) from the client's token store.
     */
    public Models.EditUrl urlWithEditToken(String fileToken) {
        return t.call(
                new ApiRequest(
                        "GET",
                        BASE + "/files/" + seg(fileToken) + "/url/with_edit_token",
                        ApiRequest.Auth.WPS2_AND_TOKEN),
                Models.EditUrl.class);
    }

    /**
     * Where an async upload stands (docs/api-families.md §F5).
     *
     * @param taskId    the task id
     * @param status    {@code pending}, {@code running}, {@code success} or {@code failure}
     * @param progress  0–100
     * @param fileToken the file on success, else null
     * @param error     why it failed, else null
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record UploadTask(
            @JsonProperty("task_id") String taskId,
            @JsonProperty("status") String status,
            @JsonProperty("progress") int progress,
            @JsonProperty("file_token") String fileToken,
            @JsonProperty("error") UploadError error) {
        /** True once the task succeeded or failed. */
        public boolean ended() {
            return "success".equals(status) || "failure".equals(status);
        }
    }

    /**
     * The error of a failed async upload: an api.md §2 code, its name and a hint.
     *
     * @param code the code (e.g. 30009)
     * @param msg  its name (e.g. {@code DownloadFail})
     * @param hint what went wrong
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record UploadError(
            @JsonProperty("code") int code,
            @JsonProperty("msg") String msg,
            @JsonProperty("hint") String hint) {}

    /**
     * {@code POST /appspace/file/async/upload}: yundoc fetches {@code url} into the app space as {@code filename} in
     * the background (a new version when the name exists in the folder). Returns the task id.
     *
     * @param url         where the bytes are
     * @param filename    the name in the app space
     * @param parentToken the folder, or null for the root
     * @param creator     who to record as creator, or null
     */
    public String uploadFromUrl(String url, String filename, String parentToken, String creator) {
        ObjectNode b = YundocClient.object()
                .put("url", Objects.requireNonNull(url, "url"))
                .put("filename", Objects.requireNonNull(filename, "filename"));
        if (parentToken != null) {
            b.put("parent_token", parentToken);
        }
        if (creator != null) {
            b.put("creator", creator);
        }
        return t.call(body("POST", "/file/async/upload", b), UploadTask.class).taskId();
    }

    /** {@code GET /appspace/file/async/upload/:task_id}: where the task stands. */
    public UploadTask uploadProgress(String taskId) {
        return t.call(
                get("/file/async/upload/" + ApiRequest.enc(Objects.requireNonNull(taskId, "taskId"))),
                UploadTask.class);
    }

    /**
     * Polls {@link #uploadProgress} every {@code interval} until the task ended or {@code timeout} passed; returns the
     * last answer (check {@link UploadTask#ended()}).
     */
    public UploadTask awaitUpload(String taskId, Duration interval, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        UploadTask last = uploadProgress(taskId);
        while (!last.ended() && System.nanoTime() < deadline) {
            try {
                Thread.sleep(interval.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return last;
            }
            last = uploadProgress(taskId);
        }
        return last;
    }
}
