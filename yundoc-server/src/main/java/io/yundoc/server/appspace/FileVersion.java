package io.yundoc.server.appspace;

/** One row of {@code file_versions}: an app-space file as it was at one version (api.md §5.9). */
public record FileVersion(
        String fileId,
        long version,
        String name,
        long size,
        String blobKey,
        String contentType,
        String modifier,
        long ctime,
        long mtime) {}
