package io.yundoc.client;

import java.util.List;

/**
 * Where a personal create, upload or URL import puts the new file (api.md §5.1 "Placement"). {@code parentId}
 * wins over {@code parentPath}; missing folders of the path are created.
 *
 * @param parentId     an existing folder id, or null
 * @param parentPath   folder names below the start folder (may be empty)
 * @param pathFromRoot false: start at 我的文档/应用/&lt;app name&gt; (the default); true: start at 我的文档
 */
public record Placement(String parentId, List<String> parentPath, boolean pathFromRoot) {
    /** Normalises the path. */
    public Placement {
        parentPath = parentPath == null ? List.of() : List.copyOf(parentPath);
    }

    /** The app's own folder, 我的文档/应用/&lt;app name&gt; (the server's default). */
    public static Placement appFolder() {
        return new Placement(null, List.of(), false);
    }

    /** 我的文档 itself. */
    public static Placement root() {
        return new Placement(null, List.of(), true);
    }

    /**
     * In an existing folder.
     *
     * @param folderId an existing folder
     */
    public static Placement inFolder(String folderId) {
        return new Placement(folderId, List.of(), false);
    }

    /**
     * In the folder at this path, created when missing.
     *
     * @param fromRoot start at 我的文档 (true) or at the app folder (false)
     * @param folders  folder names, created when missing
     */
    public static Placement path(boolean fromRoot, String... folders) {
        return new Placement(null, List.of(folders), fromRoot);
    }
}
