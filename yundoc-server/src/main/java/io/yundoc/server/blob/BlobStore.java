package io.yundoc.server.blob;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * Content-addressed blob storage, keyed by the SHA-256 of the content. A write is invisible until it is
 * committed, so a request that fails half-way leaves nothing behind.
 */
public interface BlobStore extends AutoCloseable {

    /**
     * Streams {@code in} into a pending blob while hashing it.
     *
     * @throws BlobTooLargeException once more than {@code maxBytes} arrive
     */
    PendingBlob write(InputStream in, long maxBytes) throws IOException;

    /** Opens the blob's bytes from {@code offset} on. */
    InputStream open(String key, long offset) throws IOException;

    /** Opens {@code length} bytes from {@code offset}; stores that fetch remotely ask for exactly that range. */
    default InputStream open(String key, long offset, long length) throws IOException {
        return open(key, offset);
    }

    /**
     * A URL where a client can fetch the blob directly for {@code ttl}, served with this file name and type, when the
     * store offers that (presigned S3 GET); empty means yundoc serves the bytes itself.
     */
    default Optional<String> directUrl(String key, String fileName, String contentType, Duration ttl) {
        return Optional.empty();
    }

    /**
     * The blob's file when it lies on this machine's file system (local store), so another process can read it in
     * place; empty when it must be copied out through {@link #open}.
     */
    default Optional<Path> localPath(String key) {
        return Optional.empty();
    }

    boolean exists(String key);

    void delete(String key) throws IOException;

    /** True when the store can be reached (for {@code /health}). */
    boolean healthy();

    @Override
    default void close() {}

    /** A written but not yet committed blob. Closing it without {@link #commit()} discards it. */
    interface PendingBlob extends AutoCloseable {
        String key();

        long size();

        String sha1();

        String md5();

        void commit() throws IOException;

        @Override
        void close();
    }

    final class BlobTooLargeException extends IOException {
        public BlobTooLargeException(long max) {
            super("content larger than " + max + " bytes");
        }
    }
}
