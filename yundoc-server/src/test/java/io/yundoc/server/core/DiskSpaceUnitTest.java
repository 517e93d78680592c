package io.yundoc.server.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileSystemException;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How long "a write has just failed for lack of space" lasts, and which failures count as a full disk. */
class DiskSpaceUnitTest {
    @TempDir
    Path dir;

    static IOException enospc() {
        return new IOException("No space left on device");
    }

    @Test
    void aFailedWriteIsFullUntilALaterWriteSucceeds() {
        AtomicLong now = new AtomicLong();
        DiskSpace d = new DiskSpace(dir, Long.MAX_VALUE, now::get); // every disk is below this threshold: LOW
        assertThat(d.state()).isEqualTo(DiskSpace.State.LOW);
        d.failed(enospc());
        assertThat(d.state()).isEqualTo(DiskSpace.State.FULL);
        now.addAndGet(DiskSpace.FULL_HOLD.toNanos() - 1);
        assertThat(d.state()).isEqualTo(DiskSpace.State.FULL);
        d.succeeded();
        assertThat(d.state()).isEqualTo(DiskSpace.State.LOW);
    }

    @Test
    void aFailedWriteIsFullForTheHoldAtMostSoABalancerLetsTheInstanceTryAgain() {
        AtomicLong now = new AtomicLong(42);
        DiskSpace d = new DiskSpace(dir, Long.MAX_VALUE, now::get);
        d.failed(enospc());
        now.addAndGet(DiskSpace.FULL_HOLD.toNanos());
        assertThat(d.state()).isEqualTo(DiskSpace.State.LOW);
        d.failed(enospc()); // the next write fails again
        assertThat(d.state()).isEqualTo(DiskSpace.State.FULL);
    }

    @Test
    void roomAboveTheThresholdEndsIt() {
        DiskSpace d = new DiskSpace(dir, 0, System::nanoTime);
        assertThat(d.usable()).isPositive();
        d.failed(enospc());
        assertThat(d.state()).isEqualTo(DiskSpace.State.OK);
    }

    @Test
    void roomHereDoesNotEndAFullPostgresDiskOnlyALaterWriteOrTheHoldDoes() {
        AtomicLong now = new AtomicLong();
        DiskSpace d = new DiskSpace(dir, 0, now::get);
        d.failed(new IllegalStateException(new SQLException("could not extend file", "53100")));
        assertThat(d.state()).isEqualTo(DiskSpace.State.FULL);
        now.addAndGet(DiskSpace.FULL_HOLD.toNanos());
        assertThat(d.state()).isEqualTo(DiskSpace.State.OK);
    }

    @Test
    void recognisesFullDisksFromTheOsSqliteAndPostgresThroughWrappers() {
        assertThat(DiskSpace.isOutOfSpace(new IOException("No space left on device")))
                .isTrue();
        assertThat(DiskSpace.isOutOfSpace(new FileSystemException("/d/x.part", null, "Disk quota exceeded")))
                .isTrue();
        assertThat(DiskSpace.isOutOfSpace(new UncheckedIOException(new IOException("No space left on device"))))
                .isTrue();
        SQLException sqliteFull = new SQLException("[SQLITE_FULL] Insertion failed because database is full", null, 13);
        assertThat(DiskSpace.isOutOfSpace(new IllegalStateException("jdbi", sqliteFull)))
                .isTrue();
        assertThat(DiskSpace.isOutOfSpace(new SQLException("could not extend file", "53100")))
                .isTrue();
        RuntimeException suppressing = new RuntimeException("rollback failed");
        suppressing.addSuppressed(new IOException("No space left on device"));
        assertThat(DiskSpace.isOutOfSpace(suppressing)).isTrue();

        assertThat(DiskSpace.isOutOfSpace(new IOException("Connection reset by peer")))
                .isFalse();
        assertThat(DiskSpace.isOutOfSpace(new SQLException("[SQLITE_BUSY] database is locked", null, 5)))
                .isFalse();
        assertThat(DiskSpace.isOutOfSpace(new SQLException("deadlock detected", "40P01")))
                .isFalse();
        RuntimeException cyclic = new RuntimeException("a");
        RuntimeException other = new RuntimeException("b", cyclic);
        cyclic.initCause(other);
        assertThat(DiskSpace.isOutOfSpace(cyclic)).isFalse();
    }
}
