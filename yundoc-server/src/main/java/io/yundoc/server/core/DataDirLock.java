package io.yundoc.server.core;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * An exclusive lock on an embedded data dir, held while a server runs on it. Two servers on one SQLite file would
 * each count quotas and cache rows on their own; the second one is refused at start instead.
 */
public final class DataDirLock implements AutoCloseable {
    private final FileChannel channel;
    private final FileLock lock;

    private DataDirLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /** Takes the lock, or fails with a one-line reason when another server holds it. */
    public static DataDirLock acquire(Path dataDir) {
        FileChannel ch;
        try {
            DataDir.createOwnerOnly(dataDir);
            DataDir.createOwnerOnlyFile(dataDir.resolve("yundoc.lock"));
            ch = FileChannel.open(dataDir.resolve("yundoc.lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the lock file in data dir " + dataDir, e);
        }
        try {
            FileLock l = ch.tryLock();
            if (l != null) {
                return new DataDirLock(ch, l);
            }
        } catch (OverlappingFileLockException e) {
            // held by a server in this very JVM
        } catch (IOException e) {
            closeQuietly(ch);
            throw new UncheckedIOException("cannot lock data dir " + dataDir, e);
        }
        closeQuietly(ch);
        throw held(dataDir);
    }

    private static void closeQuietly(FileChannel ch) {
        try {
            ch.close();
        } catch (IOException ignored) {
            // nothing was locked through it
        }
    }

    private static IllegalStateException held(Path dataDir) {
        return new IllegalStateException("another yundoc server is using the data dir "
                + dataDir.toAbsolutePath().normalize() + "; stop it first (or give this one another --data)");
    }

    @Override
    public void close() {
        try {
            lock.release();
            channel.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
