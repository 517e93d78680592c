package io.yundoc.server.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.yundoc.server.LogCapture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;

/**
 * A pool closed on an interrupted thread (a server closed by a thread someone interrupted) closes without
 * Hikari's "Interrupted during closing" warning and stack trace, and the thread stays interrupted.
 */
class DatabaseCloseTest {

    @Test
    void closingOnAnInterruptedThreadIsQuietAndKeepsTheInterrupt() throws Exception {
        Path dir = Files.createTempDirectory("yundoc-db-close");
        LogCapture warnings = LogCapture.on(Logger.getLogger("com.zaxxer.hikari"), Level.WARNING);
        try {
            Database db = Database.open("jdbc:sqlite:" + dir.resolve("yundoc.db"), dir);
            assertThat(db.healthy()).isTrue();
            Thread.currentThread().interrupt();
            db.close();
            assertThat(Thread.interrupted())
                    .as("the interrupt is kept (and cleared here)")
                    .isTrue();
            assertThat(db.healthy()).as("closed").isFalse();
            assertThat(warnings.records()).extracting(LogRecord::getMessage).isEmpty();
        } finally {
            Thread.interrupted();
            warnings.close();
            DirTree.delete(dir);
        }
    }
}
