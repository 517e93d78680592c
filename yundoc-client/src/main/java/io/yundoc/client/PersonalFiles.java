package io.yundoc.client;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.yundoc.protocol.wire.DownloadInfo;
import io.yundoc.protocol.wire.FileItem;
import io.yundoc.protocol.wire.LinkInfo;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.function.Function;

/**
 * The personal-space endpoints of api.md §5.3–§5.8, called with the user's access token (refreshed automatically on
 * 20007). Obtain it from {@link YundocClient#personal()}. Every method is synchronous and thread-safe; failures are
 * {@link YundocException} (the server said no) or {@link YundocClientException} (the network or a local file).
 */
public final class PersonalFiles {
    private static final String BASE = "/api/v1/openapi/personal";
    private final Transport t;
    private final Downloader downloader;

    PersonalFiles(Transport t, Downloader downloader) {
        this.t = t;
        this.downloader = downloader;
    }

    private static ApiRequest get(String path) {
        return new ApiRequest("GET", BASE + path, ApiRequest.Auth.TOKEN);
    }

    private static ApiRequest body(String method, String path, ObjectNode json) {
        ApiRequest r = new ApiRequest(method, BASE + path, ApiRequest.Auth.TOKEN);
        return r.json(YundocClient.bytes(json));
    }

    private static String seg(String id) {
        return ApiRequest.enc(Objects.requireNonNull(id, "file token"));
    }

    private static ApiRequest listing(String path, ListOptions o) {
        return get(path)
                .query("parent_id", o.parentId())
                .query("count", o.count())
                .query("offset", o.offset())
                .query("order", o.order())
                .query("order_by", o.orderBy())
                .query("filter", o.filter())
                .queryAll("ignore", o.ignore())
                .queryAll("exts", o.exts());
    }

    /** {@code GET /personal/files}: one page of a folder (default 我的文档). */
    public Models.FilePage list(ListOptions options) {
        return t.call(listing("/files", options), Models.FilePage.class);
    }

    /** Every item of a folder, fetched page by page as the iteration proceeds. */
    public Iterable<FileItem> listAll(ListOptions options) {
        return pages(options, this::list);
    }

    /** {@code GET /personal/files/flat}: every folder and file under 我的文档, one page. */
    public Models.FilePage flat(ListOptions options) {
        return t.call(listing("/files/flat", options), Models.FilePage.class);
    }

    /** {@code GET /personal/apps/files}: one page of the app's own folder 我的文档/应用/&lt;app&gt;. */
    public Models.FilePage appFiles(ListOptions options) {
        return t.call(listing("/apps/files", options), Models.FilePage.class);
    }

    /** {@code GET /personal/files/recent}: files, newest change first. */
    public Models.FilePage recent(Integer count, Long offset) {
        return t.call(get("/files/recent").query("count", count).query("offset", offset), Models.FilePage.class);
    }

    /**
     * {@code GET /personal/files/search/name}: case-insensitive substring of names in the app folder.
     *
     * @param fileName the text to find
     * @param parentId subtree to search, or null
     * @param count    page size, or null
     * @param offset   cursor, or null
     */
    public Models.FilePage searchName(String fileName, String parentId, Integer count, Long offset) {
        return t.call(
                get("/files/search/name")
                        .query("file_name", Objects.requireNonNull(fileName, "fileName"))
                        .query("parent_id", parentId)
                        .query("count", count)
                        .query("offset", offset),
                Models.FilePage.class);
    }

    /**
     * {@code GET /personal/files/search/content}: full-text search of extracted text.
     *
     * @param content  the text to find (≤ 100 characters)
     * @param parentId subtree to search, or null
     * @param count    page size, or null
     * @param offset   cursor, or null
     */
    public Models.FilePage searchContent(String content, String parentId, Integer count, Long offset) {
        return t.call(
                get("/files/search/content")
                        .query("content", Objects.requireNonNull(content, "content"))
                        .query("parent_id", parentId)
                        .query("count", count)
                        .query("offset", offset),
                Models.FilePage.class);
    }

    /**
     * {@code POST /personal/files}: a blank document ({@code .docx .xlsx .pptx .doc .xls .ppt .otl .ksheet .dbt}).
     *
     * @param filename the name, with one of those extensions
     * @param where    where to put it
     */
    public FileItem create(String filename, Placement where) {
        ObjectNode b =
                placement(YundocClient.object().put("filename", Objects.requireNonNull(filename, "filename")), where);
        return t.call(body("POST", "/files", b), FileItem.class);
    }

    private static ObjectNode placement(ObjectNode b, Placement where) {
        Placement p = where == null ? Placement.appFolder() : where;
        if (p.parentId() != null) {
            b.put("parent_id", p.parentId());
        }
        if (!p.parentPath().isEmpty()) {
            ArrayNode a = b.putArray("parent_path");
            p.parentPath().forEach(a::add);
        }
        b.put("path_from_root", p.pathFromRoot());
        return b;
    }

    /** {@code POST /personal/files/upload}: uploads a local file under its own name. */
    public FileItem upload(Path file, Placement where) {
        return upload(file, file.getFileName().toString(), where, TransferListener.NONE);
    }

    /**
     * {@code POST /personal/files/upload}, streamed from disk.
     *
     * @param file     the local file
     * @param name     the name in yundoc (a clash is auto-renamed: {@code a(2).txt})
     * @param where    where to put it
     * @param listener upload progress
     */
    public FileItem upload(Path file, String name, Placement where, TransferListener listener) {
        return upload(new Multipart().file(name, YundocClient.contentType(name), file), where, listener);
    }

    /**
     * {@code POST /personal/files/upload} from memory.
     *
     * @param name    the name in yundoc
     * @param content the bytes
     * @param where   where to put it
     */
    public FileItem upload(String name, byte[] content, Placement where) {
        return upload(
                new Multipart().file(name, YundocClient.contentType(name), content), where, TransferListener.NONE);
    }

    private FileItem upload(Multipart m, Placement where, TransferListener listener) {
        Placement p = where == null ? Placement.appFolder() : where;
        m.field("parent_id", p.parentId());
        if (!p.parentPath().isEmpty()) {
            m.field("parent_path", String.join(",", p.parentPath()));
        }
        m.field("path_from_root", Boolean.toString(p.pathFromRoot()));
        ApiRequest r = new ApiRequest("POST", BASE + "/files/upload", ApiRequest.Auth.TOKEN);
        r.body = () -> m.publisher(listener);
        r.contentType = m.contentType();
        return t.call(r, FileItem.class);
    }

    /**
     * {@code POST /personal/files/cloud}: the server fetches a URL into a new file.
     *
     * @param url      http(s) URL the server can reach
     * @param filename the new file's name
     * @param where    where to put it
     */
    public FileItem importUrl(String url, String filename, Placement where) {
        ObjectNode b = placement(
                YundocClient.object()
                        .put("url", Objects.requireNonNull(url, "url"))
                        .put("filename", Objects.requireNonNull(filename, "filename")),
                where);
        return t.call(body("POST", "/files/cloud", b), FileItem.class);
    }

    /** {@code GET /personal/files/:ft/download}: the temporary URL with the size and SHA-1 of its bytes. */
    public DownloadInfo downloadInfo(String fileToken) {
        return t.call(get("/files/" + seg(fileToken) + "/download"), DownloadInfo.class);
    }

    /** Downloads a file to {@code target}, verified against its {@code fsize} and {@code sha1}. */
    public Models.DownloadResult download(String fileToken, Path target) {
        return download(fileToken, target, TransferListener.NONE);
    }

    /**
     * Downloads a file to {@code target}: redirects refused, streamed to a temp file beside it, resumed with Range
     * after a dropped connection, checked against {@code fsize} and {@code sha1}, then moved into place.
     *
     * @throws ChecksumMismatchException when the bytes do not match (the target is left untouched)
     */
    public Models.DownloadResult download(String fileToken, Path target, TransferListener listener) {
        return downloader.download(() -> downloadInfo(fileToken), target, listener);
    }

    /** {@code PUT /personal/files/:ft/name}: renames (a file keeps its extension). */
    public FileItem rename(String fileToken, String newName) {
        return t.call(
                body(
                        "PUT",
                        "/files/" + seg(fileToken) + "/name",
                        YundocClient.object().put("new_name", Objects.requireNonNull(newName, "newName"))),
                FileItem.class);
    }

    /** {@code DELETE /personal/files/:ft}: moves the file (or folder) to the recycle bin. */
    public void delete(String fileToken) {
        t.call(new ApiRequest("DELETE", BASE + "/files/" + seg(fileToken), ApiRequest.Auth.TOKEN), (Class<?>) null);
    }

    /** {@code POST /personal/tasks/files/delete}: up to 100 ids to the recycle bin, all or nothing. */
    public Models.TaskResult deleteAll(List<String> fileIds) {
        return t.call(body("POST", "/tasks/files/delete", ids("file_ids", fileIds)), Models.TaskResult.class);
    }

    /** {@code POST /personal/tasks/files/move}: up to 100 ids from one folder into {@code parentId}. */
    public Models.TaskResult move(List<String> fileIds, String parentId) {
        return t.call(
                body(
                        "POST",
                        "/tasks/files/move",
                        ids("file_ids", fileIds).put("parent_id", Objects.requireNonNull(parentId, "parentId"))),
                Models.TaskResult.class);
    }

    /** {@code POST /personal/tasks/files/copy}: deep copies; {@code fileIds()} of the result are the new ids. */
    public Models.TaskResult copy(List<String> fileIds, String parentId) {
        ObjectNode b = ids("file_ids", fileIds);
        if (parentId != null) {
            b.put("parent_id", parentId);
        }
        return t.call(body("POST", "/tasks/files/copy", b), Models.TaskResult.class);
    }

    static ObjectNode ids(String field, List<String> ids) {
        ObjectNode b = YundocClient.object();
        ArrayNode a = b.putArray(field);
        Objects.requireNonNull(ids, field).forEach(a::add);
        return b;
    }

    /** {@code GET /personal/recycles}: the recycle bin, most recently deleted first. */
    public List<FileItem> recycles(Integer count, Long offset) {
        return t.call(
                get("/recycles").query("count", count).query("offset", offset), new TypeReference<List<FileItem>>() {});
    }

    /** {@code POST /personal/recycles/recover}: back to their folders (or 我的文档), names auto-renamed. */
    public void recover(List<String> fileTokens) {
        t.call(body("POST", "/recycles/recover", ids("file_tokens", fileTokens)), (Class<?>) null);
    }

    /** {@code GET /personal/files/:ft/links}: the file's share link. */
    public LinkInfo getLink(String fileToken) {
        return t.call(get("/files/" + seg(fileToken) + "/links"), LinkInfo.class);
    }

    /** {@code POST /personal/files/:ft/links}: creates the share link or updates it (owner only). */
    public LinkInfo share(String fileToken, LinkOptions options) {
        ObjectNode b = YundocClient.object()
                .put("range", "anyone")
                .put("permission", Objects.requireNonNull(options.permission(), "permission"));
        if (options.status() != null) {
            b.put("status", options.status());
        }
        if (options.extPermList() != null) {
            ArrayNode a = b.putArray("ext_perm_list");
            options.extPermList().forEach(a::add);
        }
        if (options.period() != null) {
            b.put("period", options.period());
        }
        if (options.reset() != null) {
            b.put("reset", options.reset());
        }
        return t.call(body("POST", "/files/" + seg(fileToken) + "/links", b), LinkInfo.class);
    }

    /** {@code DELETE /personal/files/:ft/links}: removes the link and its members for good. */
    public void unshare(String fileToken) {
        t.call(new ApiRequest("DELETE", BASE + "/files/" + seg(fileToken) + "/links", ApiRequest.Auth.TOKEN), (Class<?>)
                null);
    }

    /**
     * {@code PUT /personal/files/:ft/links/members/:user_id}: gives a user access through the link.
     *
     * @param userId     the member's open_id as this app sees it, or their union_id
     * @param permission {@code read} or {@code write}
     */
    public void setLinkMember(String fileToken, String userId, String permission) {
        t.call(
                body(
                        "PUT",
                        "/files/" + seg(fileToken) + "/links/members/" + ApiRequest.enc(userId),
                        YundocClient.object().put("permission", permission)),
                (Class<?>) null);
    }

    /** {@code GET /personal/files/:ft/links/with_edit_token}: the share page URL with an edit token. */
    public Models.EditUrl linkWithEditToken(String fileToken) {
        return t.call(get("/files/" + seg(fileToken) + "/links/with_edit_token"), Models.EditUrl.class);
    }

    /** {@code GET /personal/files/:ft/url/with_edit_token}: the view page URL with an edit token. */
    public Models.EditUrl urlWithEditToken(String fileToken) {
        return t.call(get("/files/" + seg(fileToken) + "/url/with_edit_token"), Models.EditUrl.class);
    }

    /** Iterates items across pages, following {@code next_offset}/{@code next_filter}. */
    static Iterable<FileItem> pages(ListOptions first, Function<ListOptions, Models.FilePage> fetch) {
        return () -> new Iterator<>() {
            private ListOptions next = first;
            private Iterator<FileItem> current = List.<FileItem>of().iterator();

            @Override
            public boolean hasNext() {
                while (!current.hasNext() && next != null) {
                    Models.FilePage p = fetch.apply(next);
                    current = p.files() == null
                            ? List.<FileItem>of().iterator()
                            : p.files().iterator();
                    next = p.last() ? null : next.next(p.nextOffset(), p.nextFilter());
                }
                return current.hasNext();
            }

            @Override
            public FileItem next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                return current.next();
            }
        };
    }
}
