package io.yundoc.server.files;

import io.yundoc.server.core.ApiException;
import java.util.ArrayList;
import java.util.List;
import org.jdbi.v3.core.Handle;

/**
 * Folders nest at most {@link #MAX} levels below a root (the user's drive or an app space), so that no chain of
 * parents can grow without bound: every walk up a chain (paths, ancestry checks, recovery) stays short. Counted where
 * folders come into being (parent paths) and where they move (move, copy, recovery); deeper → 10001.
 */
public final class FolderDepth {
    public static final int MAX = 64;

    private FolderDepth() {}

    /**
     * Levels of {@code folderId} below its root: the root itself (or the app-space root, the empty id) is 0, a folder
     * in it 1. Walks at most {@code MAX + 1} parents: anything deeper counts as {@code MAX + 1}.
     */
    public static int of(Handle h, String folderId) {
        int depth = 0;
        String at = folderId;
        while (at != null && !at.isEmpty() && depth <= MAX) {
            FileRecord f = FileStore.find(h, at).orElse(null);
            if (f == null || "root".equals(f.kind())) {
                break;
            }
            depth++;
            at = f.parentId();
        }
        return depth;
    }

    /**
     * Folder levels in the subtree of {@code item}, the item included: 0 for a file, 1 for a folder without folders.
     * Counts live folders, and for an item in the recycle bin the folders that went there with it.
     */
    public static int height(Handle h, FileRecord item) {
        if (!item.isFolder()) {
            return 0;
        }
        int levels = 0;
        List<String> level = List.of(item.fileId());
        while (!level.isEmpty() && levels <= MAX) {
            levels++;
            List<String> next = new ArrayList<>();
            for (String id : level) {
                next.addAll(FileStore.subfolderIds(h, id, item.fileId()));
            }
            level = next;
        }
        return levels;
    }

    /** 10001 unless {@code item} fits below the folder {@code targetId}. */
    public static void requireFits(Handle h, String targetId, FileRecord item) {
        if (item.isFolder()) {
            require(of(h, targetId) + height(h, item));
        }
    }

    /** 10001 when a folder would sit {@code depth} levels below its root. */
    public static void require(int depth) {
        if (depth > MAX) {
            throw ApiException.invalid("folders nest at most " + MAX + " levels deep");
        }
    }
}
