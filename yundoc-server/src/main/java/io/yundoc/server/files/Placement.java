package io.yundoc.server.files;

import java.util.List;

/** Where a new personal file goes (api.md §5.1): an explicit folder id wins over a path. */
public record Placement(String parentId, List<String> parentPath, boolean pathFromRoot) {}
