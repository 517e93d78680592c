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

    /**
     * A new row at version 1: created and modified {@code now} by {@code creator} (raw JSON, may be null), live,
     * with no pinned download.
     */
    public static FileRecord created(
            String fileId,
            String space,
            String ownerId,
            String parentId,
            String name,
            String kind,
            long size,
            String blobKey,
            String contentType,
            String creator,
            String appId,
            long now) {
        return new FileRecord(
                fileId,
                space,
                ownerId,
                parentId,
                name,
                kind,
                size,
                blobKey,
                contentType,
                1,
                creator,
                creator,
                appId,
                now,
                now,
                null,
                null,
                null,
                null);
    }

    /** This file's next version with other content; {@code modifier} null keeps the current one. */
    public FileRecord nextVersion(long newSize, String newBlobKey, String newContentType, String modifier, long now) {
        return new FileRecord(
                fileId,
                space,
                ownerId,
                parentId,
                name,
                kind,
                newSize,
                newBlobKey,
                newContentType,
                version + 1,
                creator,
                modifier != null ? modifier : this.modifier,
                appId,
                ctime,
                now,
                null,
                null,
                null,
                null);
    }

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
