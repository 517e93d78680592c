package io.yundoc.server.core;

import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;
import java.util.function.LongSupplier;

/**
 * Free space under the data dir, and whether a write has just failed for lack of it (what {@code /health} reports).
 *
 * <p><b>How long "just" lasts.</b> After a write fails for lack of space the state is {@link State#FULL} (503 from
 * {@code /health}) until the first of: a later write request succeeds; free space under the data dir is back at or
 * above {@code --min-free-space} (only when the failure was on this machine: a full PostgreSQL disk is not measured
 * here); or {@link #FULL_HOLD} passes without another such failure. The last one keeps a
 * balancer that took the instance out of rotation from keeping it out for good when the space comes back below the
 * threshold (nothing would reach it to succeed); if writes still fail, the next failure makes it FULL again. The hold
 * is measured on the monotonic clock: it is an operational window, not an expiry the dev clock should move.
 */
public final class DiskSpace {
    /** How long a failed write keeps {@code /health} at 503 when nothing clears it earlier. */
    public static final Duration FULL_HOLD = Duration.ofSeconds(60);

    private static final long NEVER = Long.MIN_VALUE;

    /** OK; LOW: free space below the threshold (a warning); FULL: a write has just failed for lack of space. */
    public enum State {
        OK,
        LOW,
        FULL
    }

    private final Path dir;
    private final long minFree;
    private final LongSupplier nanos;
    private volatile long failedAt = NEVER;
    /** Whether the last failure was a file on this machine (ENOSPC, SQLITE_FULL) rather than PostgreSQL's disk. */
    private volatile boolean failedHere;

    /**
     * @param dir     the data dir (its file system is measured)
     * @param minFree {@code --min-free-space}: below this many usable bytes the state is at least LOW
     * @param nanos   a monotonic clock ({@code System::nanoTime})
     */
    public DiskSpace(Path dir, long minFree, LongSupplier nanos) {
        this.dir = dir;
        this.minFree = minFree;
        this.nanos = nanos;
    }

    public long minFree() {
        return minFree;
    }

    /** Usable bytes on the data dir's file system, or -1 when they cannot be read. */
    public long usable() {
        try {
            return Files.getFileStore(dir).getUsableSpace();
        } catch (IOException | SecurityException e) {
            return -1;
        }
    }

    /** A write has just failed for lack of space; {@code cause} tells where (see {@link #isOutOfSpace}). */
    public void failed(Throwable cause) {
        failedHere = !inDatabaseServer(cause);
        failedAt = nanos.getAsLong();
    }

    /** A later write went through: there is room again. */
    public void succeeded() {
        if (failedAt != NEVER) {
            failedAt = NEVER;
        }
    }

    public State state() {
        long free = usable();
        boolean low = free >= 0 && free < minFree;
        long at = failedAt;
        if (at != NEVER) {
            if ((failedHere && !low && free >= 0) || nanos.getAsLong() - at >= FULL_HOLD.toNanos()) {
                failedAt = NEVER; // room is back, or the hold has passed (see the class comment)
            } else {
                return State.FULL;
            }
        }
        return low ? State.LOW : State.OK;
    }

    /**
     * True when {@code t} or a cause of it is the operating system or the database saying the disk is full: ENOSPC or
     * EDQUOT from a file write, SQLITE_FULL from SQLite, SQLSTATE 53100 (disk_full) from PostgreSQL.
     */
    public static boolean isOutOfSpace(Throwable t) {
        Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        return outOfSpace(t, seen);
    }

    private static boolean outOfSpace(Throwable t, Set<Throwable> seen) {
        if (t == null || !seen.add(t) || seen.size() > 32) {
            return false;
        }
        if (t instanceof FileSystemException f && mentionsFullDisk(f.getReason())) {
            return true;
        }
        if (t instanceof IOException && mentionsFullDisk(t.getMessage())) {
            return true;
        }
        if (t instanceof SQLException s
                && ("53100".equals(s.getSQLState())
                        || (s.getErrorCode() == 13
                                && String.valueOf(s.getMessage()).contains("SQLITE_FULL")))) {
            return true;
        }
        for (Throwable suppressed : t.getSuppressed()) {
            if (outOfSpace(suppressed, seen)) {
                return true;
            }
        }
        return outOfSpace(t.getCause(), seen);
    }

    /** True when the full disk is PostgreSQL's (SQLSTATE 53100), not one under this machine's data dir. */
    private static boolean inDatabaseServer(Throwable t) {
        for (int depth = 0; t != null && depth < 32; t = t.getCause(), depth++) {
            if (t instanceof SQLException s && "53100".equals(s.getSQLState())) {
                return true;
            }
        }
        return false;
    }

    private static boolean mentionsFullDisk(String message) {
        return message != null
                && (message.contains("No space left on device") || message.contains("Disk quota exceeded"));
    }
}
