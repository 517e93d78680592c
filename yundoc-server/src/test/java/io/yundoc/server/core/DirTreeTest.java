package io.yundoc.server.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Tree deletion counts regular files, removes symbolic links as links, and never follows them out of the tree. */
class DirTreeTest {
    @TempDir
    Path tmp;

    Path treeWithLinks(Path outside) throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("work/a/b"));
        Files.writeString(dir.resolve("one.txt"), "1");
        Files.writeString(dir.getParent().resolve("two.txt"), "2");
        Files.createSymbolicLink(dir.resolve("to-file"), outside.resolve("keep.txt"));
        Files.createSymbolicLink(dir.resolve("to-dir"), outside);
        return tmp.resolve("work");
    }

    Path outside() throws Exception {
        Path outside = Files.createDirectories(tmp.resolve("outside"));
        Files.writeString(outside.resolve("keep.txt"), "blob");
        return outside;
    }

    @Test
    void deleteCountsRegularFilesAndLeavesWhatLinksPointAt() throws Exception {
        Path outside = outside();
        Path work = treeWithLinks(outside);

        assertThat(DirTree.delete(work)).isEqualTo(2);

        assertThat(work).doesNotExist();
        assertThat(outside.resolve("keep.txt")).hasContent("blob");
        assertThat(DirTree.delete(work)).as("a tree that is not there").isZero();
    }

    @Test
    void deleteQuietlyGoesOnPastWhatItCannotDelete() throws Exception {
        Path outside = outside();
        Path work = treeWithLinks(outside);

        DirTree.deleteQuietly(work);
        assertThat(work).doesNotExist();
        assertThat(outside.resolve("keep.txt")).hasContent("blob");

        Path locked = Files.createDirectories(tmp.resolve("locked/inner"));
        Files.writeString(locked.resolve("f"), "x");
        locked.toFile().setWritable(false);
        try {
            boolean root = "root".equals(System.getProperty("user.name"));
            // root deletes from a read-only directory; anyone else cannot, and gets no exception for it
            DirTree.deleteQuietly(tmp.resolve("locked"));
            assertThat(Files.exists(tmp.resolve("locked"))).isEqualTo(!root);
        } finally {
            locked.toFile().setWritable(true);
        }
    }
}
