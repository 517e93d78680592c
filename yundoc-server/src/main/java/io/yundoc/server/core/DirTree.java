package io.yundoc.server.core;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Deleting a directory tree the server made (spool, conversion work dirs, a migration's spool, a throw-away data dir).
 * Symbolic links inside are removed as links: what they point at is never touched.
 */
public final class DirTree {
    private DirTree() {}

    /**
     * Deletes {@code dir} and everything under it.
     *
     * @return the number of regular files removed (0 when {@code dir} does not exist)
     * @throws IOException when listing or deleting fails; what was deleted before stays deleted
     */
    public static int delete(Path dir) throws IOException {
        if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            return 0;
        }
        List<Path> all;
        try (Stream<Path> walk = Files.walk(dir)) {
            all = walk.sorted(Comparator.reverseOrder()).toList(); // children before their directory
        }
        int files = 0;
        for (Path p : all) {
            boolean regular = Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS);
            if (Files.deleteIfExists(p) && regular) {
                files++;
            }
        }
        return files;
    }

    /**
     * Deletes what it can of {@code dir}, going on past failures; for temporary dirs whose leftovers the next start
     * (or the operating system) removes.
     */
    public static void deleteQuietly(Path dir) {
        if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException ignored) {
                    // a busy file or a permission: it and its parents stay for the next clean-up
                }
            }
        } catch (IOException | RuntimeException ignored) {
            // the walk itself failed (a directory vanished or became unreadable under it): as above
        }
    }
}
