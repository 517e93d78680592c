package io.yundoc.server.files;

import io.yundoc.protocol.wire.FileItem;

/**
 * A row of {@code files}: a personal or app-space file or folder. {@code kind} is {@code file}, {@code folder},
 * {@code root} (a user's 我的文档) or {@code appdir} (我的文档/应用/&lt;app&gt;, bound to {@code appId}).
 * {@code creator}/{@code modifier} are raw JSON.
 */
public record FileRecord(
        String fileId,
        String space,
        String ownerId,
        String parentId,
        String name,
        String kind,
        long size,
        String blobKey,
        String contentType,
        long version,
        String creator,
        String modifier,
        String appId,
        long ctime,
        long mtime,
        Long deletedAt,
        String pinnedUrl,
        Long pinnedFsize,
        String pinnedSha1) {

    public static final String PERSONAL = "personal";
    public static final String APP = "app";

    public boolean isFolder() {
        return !"file".equals(kind);
    }

    public boolean live() {
        return deletedAt == null;
    }

    public boolean online() {
        return "file".equals(kind) && FileNames.isOnline(name);
    }

    public FileItem toItem() {
        return new FileItem(
                new FileItem.FileId(fileId, fileId),
                name,
                isFolder() ? "folder" : "file",
                isFolder() ? 0 : size,
                ctime,
                mtime,
                parentId == null ? "" : parentId);
    }
}
