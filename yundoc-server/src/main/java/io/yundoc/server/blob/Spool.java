package io.yundoc.server.blob;

import io.yundoc.protocol.Hex;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;

/**
 * Streams content to a temp file while hashing it (SHA-256 for the key, SHA-1 and MD5 for the checksums clients
 * see), with a fixed buffer: memory does not grow with the size. Both blob stores write through it.
 */
final class Spool {
    private static final int BUFFER = 256 * 1024;

    private Spool() {}

    /** A spooled file and what was learnt while writing it. */
    record Spooled(Path file, String sha256, long size, String sha1, String md5) {}

    /** A pending blob over a spooled file: the stores differ only in how they commit and clean up. */
    abstract static class Pending implements BlobStore.PendingBlob {
        final Spooled spooled;

        Pending(Spooled spooled) {
            this.spooled = spooled;
        }

        final Path file() {
            return spooled.file();
        }

        @Override
        public final String key() {
            return spooled.sha256();
        }

        @Override
        public final long size() {
            return spooled.size();
        }

        @Override
        public final String sha1() {
            return spooled.sha1();
        }

        @Override
        public final String md5() {
            return spooled.md5();
        }
    }

    /**
     * Writes {@code in} to a new temp file in {@code dir}; deletes it again on any failure.
     *
     * @param fsync force the bytes to disk before returning (the file becomes the blob itself)
     * @throws BlobStore.BlobTooLargeException once more than {@code maxBytes} arrive
     */
    static Spooled write(InputStream in, Path dir, String prefix, long maxBytes, boolean fsync) throws IOException {
        Path file = Files.createTempFile(dir, prefix, ".part");
        MessageDigest sha256 = Hex.digest("SHA-256");
        MessageDigest sha1 = Hex.digest("SHA-1");
        MessageDigest md5 = Hex.digest("MD5");
        long size = 0;
        boolean ok = false;
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE);
                OutputStream out = Channels.newOutputStream(ch)) {
            byte[] buf = new byte[BUFFER];
            int n;
            while ((n = in.read(buf)) >= 0) {
                size += n;
                if (size > maxBytes) {
                    throw new BlobStore.BlobTooLargeException(maxBytes);
                }
                sha256.update(buf, 0, n);
                sha1.update(buf, 0, n);
                md5.update(buf, 0, n);
                out.write(buf, 0, n);
            }
            out.flush();
            if (fsync) {
                ch.force(true);
            }
            ok = true;
        } finally {
            if (!ok) {
                Files.deleteIfExists(file);
            }
        }
        return new Spooled(file, Hex.of(sha256.digest()), size, Hex.of(sha1.digest()), Hex.of(md5.digest()));
    }
}
