package io.yundoc.client;

import java.util.List;

/**
 * Where an app-space create or upload puts the file (api.md §5.9): the root, a folder token, or a path of folder
 * names (created when missing). A token and a path exclude each other.
 *
 * @param parentToken folder token ({@code ""} = the root), or null to use {@code parentPath}
 * @param parentPath  folder names from the root (may be empty)
 */
public record AppFolder(String parentToken, List<String> parentPath) {
    /** Normalises the path. */
    public AppFolder {
        parentPath = parentPath == null ? List.of() : List.copyOf(parentPath);
        if (parentToken != null && !parentPath.isEmpty()) {
            throw new IllegalArgumentException("parentToken and parentPath exclude each other");
        }
    }

    /** The app space's root. */
    public static AppFolder root() {
        return new AppFolder(null, List.of());
    }

    /**
     * The folder with this token.
     *
     * @param parentToken an existing folder's token
     */
    public static AppFolder token(String parentToken) {
        return new AppFolder(parentToken, List.of());
    }

    /**
     * The folder at this path from the app folder.
     *
     * @param folders folder names from the root, created when missing
     */
    public static AppFolder path(String... folders) {
        return new AppFolder(null, List.of(folders));
    }
}
