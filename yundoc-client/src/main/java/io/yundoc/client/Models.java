package io.yundoc.client;

import com.fasterxml.jackson.annotation.JsonAlias;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.yundoc.protocol.wire.AppFileInfo;
import io.yundoc.protocol.wire.FileItem;
import java.nio.file.Path;
import java.util.List;

/** Result types of the SDK's calls that the protocol module has no record for (api.md §5). */
public final class Models {
    private Models() {}

    /**
     * One page of a personal listing.
     *
     * @param files      the items
     * @param nextOffset cursor for the next page, -1 at the end
     * @param nextFilter segment of the next item ({@code ""} at the end, absent on search and recent)
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record FilePage(
            @JsonProperty("files") List<FileItem> files,
            @JsonProperty("next_offset") long nextOffset,
            @JsonProperty("next_filter") String nextFilter) {
        /** True when no item follows this page. */
        public boolean last() {
            return nextOffset < 0;
        }
    }

    /**
     * The answer of a batch task (personal delete/move/copy, app-space move). yundoc runs tasks synchronously, so
     * {@code taskId} is {@code ""}.
     *
     * @param taskId  always {@code ""} on yundoc
     * @param fileIds the ids (for copy: the new ids; for app-space move: {@code file_tokens})
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record TaskResult(
            @JsonProperty("task_id") String taskId,

            @JsonProperty("file_ids") @JsonAlias("file_tokens")
            List<String> fileIds) {}

    /**
     * A user id pair.
     *
     * @param openId  per (app, user)
     * @param unionId per user across apps
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record UserId(
            @JsonProperty("open_id") String openId,
            @JsonProperty("union_id") String unionId) {}

    /**
     * {@code GET /user/basic}.
     *
     * @param id       the user's ids as this app sees them
     * @param nickname display name
     * @param avatar   avatar URL
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record UserInfo(
            @JsonProperty("id") UserId id,
            @JsonProperty("nickname") String nickname,
            @JsonProperty("avatar") String avatar) {}

    /**
     * {@code POST /user/edit_token}.
     *
     * @param token     the edit token
     * @param timeoutMs its lifetime in milliseconds (as the WebOffice JS-SDK's {@code setToken} wants it)
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record EditToken(
            @JsonProperty("token") String token,
            @JsonProperty("timeout") long timeoutMs) {
        @Override
        public String toString() {
            return "EditToken[token=***, timeoutMs=" + timeoutMs + "]";
        }
    }

    /**
     * The {@code with_edit_token} endpoints (api.md §5.8).
     *
     * @param url       a page URL carrying the token
     * @param token     the edit token
     * @param timeoutMs its lifetime in milliseconds
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record EditUrl(
            @JsonProperty("url") String url,
            @JsonProperty("token") String token,
            @JsonProperty("timeout") long timeoutMs) {}

    /**
     * One page of an app-space file's versions, newest first.
     *
     * @param versions   file info as of each version
     * @param nextOffset cursor for older versions, -1 at the end
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record VersionPage(
            @JsonProperty("versions") List<AppFileInfo> versions,
            @JsonProperty("next_offset") long nextOffset) {}

    /**
     * A finished, verified download.
     *
     * @param path    the file written
     * @param size    its size (equal to the size the server announced)
     * @param sha1    its SHA-1 (equal to the announced {@code checksums.sha1})
     * @param resumes how many times the transfer resumed after a dropped connection
     */
    public record DownloadResult(Path path, long size, String sha1, int resumes) {}
}
