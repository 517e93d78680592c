package io.yundoc.server.core;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.logging.Logger;

/**
 * Secrets at rest: the data dir holds the app keys, the download-ticket key and the CSRF key (in {@code yundoc.db})
 * and the admin token, so it is created 0700 and yundoc's own files in it are 0600. PostgreSQL refuses to start on a
 * data dir others can read; yundoc warns with the fix, and tightens the files it owns. On a file system without POSIX
 * permissions (Windows) all of this is skipped.
 */
public final class DataDir {
    private static final Logger LOG = Logger.getLogger(DataDir.class.getName());
    public static final Set<PosixFilePermission> OWNER_DIR = PosixFilePermissions.fromString("rwx------");
    public static final Set<PosixFilePermission> OWNER_FILE = PosixFilePermissions.fromString("rw-------");
    private static final Set<PosixFilePermission> GROUP_OR_OTHERS = EnumSet.of(
            PosixFilePermission.GROUP_READ,
            PosixFilePermission.GROUP_WRITE,
            PosixFilePermission.GROUP_EXECUTE,
            PosixFilePermission.OTHERS_READ,
            PosixFilePermission.OTHERS_WRITE,
            PosixFilePermission.OTHERS_EXECUTE);
    /** The SQLite database and the files SQLite keeps beside it (they hold the same rows). */
    public static final List<String> DATABASE_FILES =
            List.of("yundoc.db", "yundoc.db-wal", "yundoc.db-shm", "yundoc.db-journal");
    /** Files yundoc writes at the top of the data dir, tightened to 0600 at every start. */
    private static final List<String> OWN_FILES =
            List.of("yundoc.db", "yundoc.db-wal", "yundoc.db-shm", "yundoc.db-journal", "admin.token", "yundoc.lock");
    /** Directories yundoc writes under the data dir: 0700 keeps every blob and spool file in them private too. */
    private static final List<String> OWN_DIRS = List.of("blobs", "spool");

    private DataDir() {}

    /**
     * Run once at start, before anything is written: creates {@code dir} 0700 when missing; when it exists and lets
     * group or others in, logs one warning naming the fix (the operator's directory is theirs to change); then
     * tightens yundoc's own files to 0600 and its own sub-directories to 0700.
     */
    public static void prepare(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            createOwnerOnly(dir);
        }
        PosixFileAttributeView view = Files.getFileAttributeView(dir, PosixFileAttributeView.class);
        if (view == null) {
            return;
        }
        Set<PosixFilePermission> perms = view.readAttributes().permissions();
        if (perms.stream().anyMatch(GROUP_OR_OTHERS::contains)) {
            Path abs = dir.toAbsolutePath().normalize();
            LOG.warning("data dir " + abs + " is open to group or others (mode " + PosixFilePermissions.toString(perms)
                    + ") and holds app keys and signing keys; fix: chmod 700 " + abs);
        }
        for (String name : OWN_FILES) {
            ownerOnly(dir.resolve(name), OWNER_FILE);
        }
        for (String name : OWN_DIRS) {
            ownerOnly(dir.resolve(name), OWNER_DIR);
        }
    }

    /** Creates {@code dir} (and missing parents, with default modes) with mode 0700 itself, if it does not exist. */
    public static Path createOwnerOnly(Path dir) throws IOException {
        if (Files.isDirectory(dir)) {
            return dir;
        }
        Path parent = dir.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        try {
            if (posix(parent)) {
                Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(OWNER_DIR));
            } else {
                Files.createDirectory(dir);
            }
        } catch (FileAlreadyExistsException e) {
            if (!Files.isDirectory(dir)) {
                throw e;
            }
        }
        return dir;
    }

    /**
     * Creates an empty file with mode 0600 unless it exists, else sets 0600. SQLite gives its -wal, -shm and -journal
     * files the mode of the database file, so creating that one 0600 before SQLite opens it covers them all.
     */
    public static void createOwnerOnlyFile(Path file) throws IOException {
        try {
            if (posix(file.toAbsolutePath().getParent())) {
                Files.createFile(file, PosixFilePermissions.asFileAttribute(OWNER_FILE));
            } else {
                Files.createFile(file);
            }
        } catch (FileAlreadyExistsException e) {
            ownerOnly(file, OWNER_FILE);
        }
    }

    /** Sets {@code perms} on {@code path} when it exists (not following links) and the file system has POSIX modes. */
    private static void ownerOnly(Path path, Set<PosixFilePermission> perms) throws IOException {
        PosixFileAttributeView view =
                Files.getFileAttributeView(path, PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS);
        if (view == null || !Files.exists(path, LinkOption.NOFOLLOW_LINKS) || Files.isSymbolicLink(path)) {
            return;
        }
        try {
            if (!view.readAttributes().permissions().equals(perms)) {
                view.setPermissions(perms);
            }
        } catch (IOException e) {
            // e.g. a file another user owns: say so, but a mode yundoc cannot set is no reason to refuse to serve
            LOG.warning("cannot make " + path.toAbsolutePath().normalize() + " owner-only (" + e.getMessage()
                    + "); fix: chmod " + (perms.equals(OWNER_DIR) ? "700 " : "600 ")
                    + path.toAbsolutePath().normalize());
        }
    }

    private static boolean posix(Path dir) {
        return dir != null && dir.getFileSystem().supportedFileAttributeViews().contains("posix");
    }
}
