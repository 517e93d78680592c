package io.yundoc.client;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Objects;

/**
 * Anonymous preview (docs/api-families.md §F4), signed with WPS-2: a task whose page shows one file without login,
 * for 24 hours per token. The app needs the operator's {@code anonymous_preview} switch (10003 otherwise). Obtain it
 * from {@link YundocClient#anonymousPreview()}.
 */
public final class AnonymousPreview {
    private static final String BASE = "/api/v1/openapi/anonymous";
    private final Transport t;

    AnonymousPreview(Transport t) {
        this.t = t;
    }

    /**
     * A task and its current token.
     *
     * @param taskId     the task id ({@code anon_…})
     * @param status     {@code success}
     * @param token      the anonymous token ({@code AnonToken-…}), for jssdk {@code setToken}
     * @param timeout    milliseconds the token has left
     * @param expireTime the token's end, epoch seconds
     * @param url        the preview page to open or embed
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Task(
            @JsonProperty("task_id") String taskId,
            @JsonProperty("status") String status,
            @JsonProperty("token") String token,
            @JsonProperty("timeout") long timeout,
            @JsonProperty("expire_time") long expireTime,
            @JsonProperty("url") String url) {}

    /** {@code POST /anonymous/preview/appspace/with_token}: a file of the app's own space. */
    public Task appFile(String fileToken, boolean download) {
        ObjectNode b = YundocClient.object()
                .put("file_token", Objects.requireNonNull(fileToken, "fileToken"))
                .put("download", download);
        return t.call(post("/preview/appspace/with_token", b), Task.class);
    }

    /** {@code POST /anonymous/preview/cloud/with_token}: a document yundoc fetches from {@code url}. */
    public Task fromUrl(String url, String filename, boolean download) {
        ObjectNode b = YundocClient.object()
                .put("url", Objects.requireNonNull(url, "url"))
                .put("filename", Objects.requireNonNull(filename, "filename"))
                .put("download", download);
        return t.call(post("/preview/cloud/with_token", b), Task.class);
    }

    /** {@code POST /anonymous/preview/local/with_token}: a document uploaded from memory under {@code filename}. */
    public Task upload(String filename, byte[] content, boolean download) {
        Multipart m = new Multipart().file(filename, YundocClient.contentType(filename), content);
        m.field("filename", filename);
        m.field("download", Boolean.toString(download));
        ApiRequest r = new ApiRequest("POST", BASE + "/preview/local/with_token", ApiRequest.Auth.WPS2);
        r.body = () -> m.publisher(TransferListener.NONE);
        r.contentType = m.contentType();
        r.bodyMd5 = m.md5();
        return t.call(r, Task.class);
    }

    /**
     * {@code POST /anonymous/token}: swaps a live token for a new one (a fresh 24 h); the old one ends. Only
     * {@code token}, {@code timeout}, {@code expireTime} and {@code url} are set in the answer.
     */
    public Task refresh(String token) {
        return t.call(
                post("/token", YundocClient.object().put("token", Objects.requireNonNull(token, "token"))), Task.class);
    }

    /** {@code DELETE /anonymous/token/:token}: ends the token; its page is gone from then on. */
    public void cancel(String token) {
        t.call(
                new ApiRequest(
                        "DELETE",
                        BASE + "/token/" + ApiRequest.enc(Objects.requireNonNull(token, "token")),
                        ApiRequest.Auth.WPS2),
                ObjectNode.class);
    }

    /** {@code GET /anonymous/tasks/:task_id}: the task with its current token, while that token lives. */
    public Task task(String taskId) {
        return t.call(
                new ApiRequest(
                        "GET",
                        BASE + "/tasks/" + ApiRequest.enc(Objects.requireNonNull(taskId, "taskId")),
                        ApiRequest.Auth.WPS2),
                Task.class);
    }

    private static ApiRequest post(String path, ObjectNode json) {
        return new ApiRequest("POST", BASE + path, ApiRequest.Auth.WPS2).json(YundocClient.bytes(json));
    }
}
