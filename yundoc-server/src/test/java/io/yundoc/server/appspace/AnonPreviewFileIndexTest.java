package io.yundoc.server.appspace;

import static org.assertj.core.api.Assertions.assertThat;

import io.yundoc.server.core.Database;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Migration V16: purging a file for good ends its anonymous-preview tasks with two statements by {@code file_id}
 * ({@link AnonymousStore#forgetFile}); the query planner answers both through the index {@code anon_previews_file},
 * not a scan of the table. SQLite here, PostgreSQL in {@link AnonPreviewFileIndexPostgresTest}.
 */
class AnonPreviewFileIndexTest {
    Path dir;
    Database db;

    /** The metadata database under test, migrated by Flyway on open. */
    Database openDatabase(Path dir) {
        return Database.open(null, dir);
    }

    /** The plan of {@code sql}, one line per step. */
    List<String> plan(String sql) {
        return db.jdbi()
                .withHandle(h -> h.createQuery("EXPLAIN QUERY PLAN " + sql)
                        .map((rs, ctx) -> rs.getString("detail"))
                        .list());
    }

    @BeforeEach
    void open() throws IOException {
        dir = Files.createTempDirectory("v16");
        db = openDatabase(dir);
    }

    @AfterEach
    void close() throws IOException {
        db.close();
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    @Test
    void thePurgeHooksStatementsByFileUseTheIndex() {
        assertThat(String.join("\n", plan("DELETE FROM anon_previews WHERE file_id = 'f1'")))
                .contains("anon_previews_file");
        assertThat(String.join(
                        "\n",
                        plan("DELETE FROM anon_tokens WHERE task_id IN"
                                + " (SELECT task_id FROM anon_previews WHERE file_id = 'f1')")))
                .contains("anon_previews_file");
    }
}
