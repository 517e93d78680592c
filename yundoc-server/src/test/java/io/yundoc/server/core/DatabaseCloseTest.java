package io.yundoc.server.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;

/**
 * A pool closed on an interrupted thread (a warm-up's throw-away server stopped during its start) closes without
 * Hikari's "Interrupted during closing" warning and stack trace, and the thread stays interrupted.
 */
class DatabaseCloseTest {

    @Test
    void closingOnAnInterruptedThreadIsQuietAndKeepsTheInterrupt() throws Exception {
        Path dir = Files.createTempDirectory("yundoc-db-close");
        List<LogRecord> warnings = new ArrayList<>();
        Logger hikari = Logger.getLogger("com.zaxxer.hikari");
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord r) {
                if (r.getLevel().intValue() >= Level.WARNING.intValue()) {
                    warnings.add(r);
                }
            }

            @Override
            public void flush() {}

            @Override
            public void close() {}
        };
        hikari.addHandler(capture);
        try {
            Database db = Database.open("jdbc:sqlite:" + dir.resolve("yundoc.db"), dir);
            assertThat(db.healthy()).isTrue();
            Thread.currentThread().interrupt();
            db.close();
            assertThat(Thread.interrupted())
                    .as("the interrupt is kept (and cleared here)")
                    .isTrue();
            assertThat(db.healthy()).as("closed").isFalse();
            assertThat(warnings).extracting(LogRecord::getMessage).isEmpty();
        } finally {
            Thread.interrupted();
            hikari.removeHandler(capture);
            DirTree.delete(dir);
        }
    }
}
