package io.yundoc.server.blob;

import io.yundoc.server.core.DataDir;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Optional;

/**
 * Blobs as files under {@code <data>/blobs/ab/cd/<sha256>}: streamed to a temp file in the same file system while
 * hashed, fsynced, then moved into place atomically. Identical content is stored once.
 */
public final class LocalBlobStore implements BlobStore {
    private final Path root;
    private final SpoolDir spool;

    /** A store on {@code root} that other processes may write too (upload files of a crashed run go by their locks). */
    public LocalBlobStore(Path root) throws IOException {
        this(root, false);
    }

    /**
     * @param ownsRoot true when the caller holds the data-dir lock, so no other process writes under {@code root}
     */
    public LocalBlobStore(Path root, boolean ownsRoot) throws IOException {
        this.root = root;
        DataDir.createOwnerOnly(root); // user content: private like the rest of the data dir
        // upload files go to a directory of this process's own under tmp/ (same file system: commit is a rename);
        // those a killed run left there are removed now (SpoolDir)
        this.spool = SpoolDir.claim(root.resolve("tmp"), ownsRoot);
    }

    Path pathOf(String key) {
        if (key == null || !key.matches("[0-9a-f]{64}")) {
            throw new IllegalArgumentException("not a blob key");
        }
        return root.resolve(key.substring(0, 2)).resolve(key.substring(2, 4)).resolve(key);
    }

    @Override
    public PendingBlob write(InputStream in, long maxBytes) throws IOException {
        return new LocalPending(Spool.write(in, spool.dir(), "up-", maxBytes, true));
    }

    @Override
    public InputStream open(String key, long offset) throws IOException {
        FileChannel ch = FileChannel.open(pathOf(key), StandardOpenOption.READ);
        if (offset > 0) {
            ch.position(offset);
        }
        return Channels.newInputStream(ch);
    }

    @Override
    public Optional<Path> localPath(String key) {
        return Optional.of(pathOf(key));
    }

    @Override
    public boolean exists(String key) {
        return Files.exists(pathOf(key));
    }

    @Override
    public void delete(String key) throws IOException {
        Files.deleteIfExists(pathOf(key));
    }

    @Override
    public boolean healthy() {
        return Files.isDirectory(spool.dir()) && Files.isWritable(spool.dir());
    }

    @Override
    public void close() {
        spool.close();
    }

    private final class LocalPending extends Spool.Pending {
        private boolean committed;

        LocalPending(Spool.Spooled spooled) {
            super(spooled);
        }

        @Override
        public void commit() throws IOException {
            Path target = pathOf(key());
            if (Files.exists(target)) {
                Files.deleteIfExists(file()); // same content already stored
                committed = true;
                return;
            }
            Files.createDirectories(target.getParent());
            try {
                Files.move(file(), target, StandardCopyOption.ATOMIC_MOVE);
            } catch (FileAlreadyExistsException e) {
                Files.deleteIfExists(file());
            } catch (AtomicMoveNotSupportedException e) {
                throw new IOException("blob dir must be on one file system", e);
            }
            try (FileChannel dir = FileChannel.open(target.getParent(), StandardOpenOption.READ)) {
                dir.force(true); // make the rename itself durable
            } catch (IOException | UnsupportedOperationException ignored) {
                // some file systems cannot fsync a directory; the data itself is already synced
            }
            committed = true;
        }

        @Override
        public void close() {
            if (!committed) {
                try {
                    Files.deleteIfExists(file());
                } catch (NoSuchFileException ignored) {
                    // already gone
                } catch (IOException ignored) {
                    // a stray temp file is harmless; the next start may clean tmp/
                }
            }
        }
    }
}
