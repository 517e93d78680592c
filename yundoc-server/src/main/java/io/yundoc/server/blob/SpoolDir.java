package io.yundoc.server.blob;

import io.yundoc.server.core.DataDir;
import io.yundoc.server.core.DirTree;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Logger;
import java.util.stream.Stream;

/**
 * The directory where this process keeps the files of uploads in progress ({@code .part}), under a parent that
 * several processes may share (scale-out instances started on one {@code --data}). A kill -9 leaves such files behind
 * and nothing else would ever remove them, so each start removes those no running process owns.
 *
 * <p>Layout: {@code parent/<id>.lock}, exclusively locked by its owner for as long as it runs, and {@code parent/<id>/}
 * holding its files. The kernel drops a file lock when its process dies, however it dies, so any {@code <id>.lock}
 * another process can lock belongs to a dead one: its directory is removed, then the lock file. A new owner creates
 * and locks its lock file under a temporary name ({@code .claim-<id>}) and only then renames it into place, so a
 * sweeper never finds a live owner's lock file unlocked. Loose {@code *.part} files directly in the parent were
 * written by versions before this layout: they go at once when the caller owns the whole parent (the data-dir lock of
 * embedded mode), else once older than {@link #LEGACY_AGE}, as those versions did.
 */
final class SpoolDir implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(SpoolDir.class.getName());
    static final Duration LEGACY_AGE = Duration.ofHours(6);
    /** A claim older than this was interrupted (its process died between create and rename). */
    private static final Duration CLAIM_AGE = Duration.ofMinutes(1);
    /**
     * Lock files held in this JVM. Never opened by a sweep here: closing any channel to a file drops every POSIX lock
     * this process holds on it, so sweeping a sibling server's lock file in the same JVM would unlock it.
     */
    private static final Set<Path> HELD_HERE = ConcurrentHashMap.newKeySet();

    private final Path dir;
    private final Path lockFile;
    private final FileChannel channel;
    private final FileLock lock;
    private final int leftoversRemoved;

    private SpoolDir(Path dir, Path lockFile, FileChannel channel, FileLock lock, int leftoversRemoved) {
        this.dir = dir;
        this.lockFile = lockFile;
        this.channel = channel;
        this.lock = lock;
        this.leftoversRemoved = leftoversRemoved;
    }

    /**
     * Takes a new directory of this process's own under {@code parent}, then removes every upload file there that no
     * running process owns.
     *
     * @param ownsParent true when nothing but this process writes under {@code parent} (the caller holds the data-dir
     *                   lock): loose files of older versions then go at once
     */
    static SpoolDir claim(Path parent, boolean ownsParent) throws IOException {
        DataDir.createOwnerOnly(parent);
        byte[] random = new byte[12];
        new SecureRandom().nextBytes(random); // not generateSeed: that may wait for the kernel's entropy pool
        String id = HexFormat.of().formatHex(random);
        Path claim = parent.resolve(".claim-" + id);
        Path lockFile = parent.resolve(id + ".lock");
        FileChannel ch = FileChannel.open(claim, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        try {
            FileLock lock = ch.lock(); // waits out a sweeper in another process that holds it for a moment
            Files.move(claim, lockFile, StandardCopyOption.ATOMIC_MOVE); // the lock stays with the file
            HELD_HERE.add(lockFile.toAbsolutePath().normalize());
            Path dir = DataDir.createOwnerOnly(parent.resolve(id));
            int removed = sweep(parent, ownsParent);
            if (removed > 0) {
                LOG.info("removed " + removed + " upload file(s) left in "
                        + parent.toAbsolutePath().normalize() + " by a server that stopped without finishing them");
            }
            return new SpoolDir(dir, lockFile, ch, lock, removed);
        } catch (IOException | RuntimeException e) {
            HELD_HERE.remove(lockFile.toAbsolutePath().normalize());
            ch.close();
            Files.deleteIfExists(claim);
            throw e;
        }
    }

    /** Where this process writes its upload files. */
    Path dir() {
        return dir;
    }

    /** How many left-over files the claim removed (for tests and the start-up log). */
    int leftoversRemoved() {
        return leftoversRemoved;
    }

    private static int sweep(Path parent, boolean ownsParent) throws IOException {
        List<Path> entries;
        try (Stream<Path> s = Files.list(parent)) {
            entries = s.toList();
        }
        int removed = 0;
        long now = System.currentTimeMillis();
        for (Path p : entries) {
            String name = p.getFileName().toString();
            try {
                if (name.endsWith(".lock") && Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
                    removed += reclaim(p, parent.resolve(name.substring(0, name.length() - ".lock".length())));
                } else if (name.startsWith(".claim-")) {
                    if (now - Files.getLastModifiedTime(p).toMillis() > CLAIM_AGE.toMillis()) {
                        removed += reclaim(p, null);
                    }
                } else if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                    // an owner renames its lock into place before it creates its directory: a directory without a
                    // lock file is what a sweep that died half-way left
                    if (!Files.exists(parent.resolve(name + ".lock"), LinkOption.NOFOLLOW_LINKS)) {
                        removed += DirTree.delete(p);
                    }
                } else if (name.endsWith(".part")
                        && Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)
                        && (ownsParent || now - Files.getLastModifiedTime(p).toMillis() > LEGACY_AGE.toMillis())) {
                    if (Files.deleteIfExists(p)) {
                        removed++;
                    }
                }
            } catch (NoSuchFileException gone) {
                // another process's sweep got there first
            }
        }
        return removed;
    }

    /** Removes {@code dir} and {@code lockFile} when no live process holds the lock; returns the files removed. */
    private static int reclaim(Path lockFile, Path dir) throws IOException {
        if (HELD_HERE.contains(lockFile.toAbsolutePath().normalize())) {
            return 0;
        }
        try (FileChannel ch = FileChannel.open(lockFile, StandardOpenOption.WRITE)) {
            FileLock l;
            try {
                l = ch.tryLock();
            } catch (OverlappingFileLockException heldInThisJvm) {
                return 0;
            }
            if (l == null) {
                return 0; // its owner runs
            }
            int removed = dir == null ? 0 : DirTree.delete(dir);
            Files.deleteIfExists(lockFile); // while still locked; closing the channel releases the lock
            return removed;
        }
    }

    /** Removes this process's directory (its uploads have ended) and lock file, then lets go of the lock. */
    @Override
    public void close() {
        try {
            DirTree.delete(dir);
            Files.deleteIfExists(lockFile);
        } catch (IOException e) {
            LOG.warning("spool dir " + dir + " not removed (" + e.getMessage() + "); the next start removes it");
        } finally {
            HELD_HERE.remove(lockFile.toAbsolutePath().normalize());
            try {
                lock.release();
                channel.close();
            } catch (IOException ignored) {
                // closing the channel drops the lock in any case
            }
        }
    }
}
