package io.yundoc.server.files;

import io.yundoc.protocol.ErrorCode;
import io.yundoc.server.blob.BlobIndex;
import io.yundoc.server.blob.BlobRecord;
import io.yundoc.server.blob.BlobStore;
import io.yundoc.server.core.ApiException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import org.jdbi.v3.core.Handle;

/**
 * Puts file content into the blob store for both spaces: streamed, size-limited (30008), committed before any
 * metadata refers to it.
 */
public final class ContentStore {
    private final BlobStore blobs;
    private final long maxUpload;
    private volatile io.yundoc.server.blob.BlobCollector collector;

    public ContentStore(BlobStore blobs, long maxUpload) {
        this.blobs = blobs;
        this.maxUpload = maxUpload;
    }

    /** Coordinates commits with the blob garbage collector (see {@link io.yundoc.server.blob.BlobCollector#touch}). */
    public void collectedBy(io.yundoc.server.blob.BlobCollector c) {
        this.collector = c;
    }

    public long maxUpload() {
        return maxUpload;
    }

    /** Streams into a pending blob; over the limit → 30008 and nothing kept. */
    public BlobStore.PendingBlob receive(InputStream in) throws IOException {
        try {
            return blobs.write(in, maxUpload);
        } catch (BlobStore.BlobTooLargeException e) {
            throw new ApiException(ErrorCode.FILE_SIZE_LIMITED, "file larger than " + maxUpload + " bytes");
        }
    }

    public BlobStore.PendingBlob receive(byte[] bytes) {
        try {
            return blobs.write(new ByteArrayInputStream(bytes), Long.MAX_VALUE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Makes the blob durable, then returns its index row for the metadata transaction. */
    public BlobRecord commit(BlobStore.PendingBlob p, long now) {
        try {
            io.yundoc.server.blob.BlobCollector c = collector;
            if (c == null) {
                p.commit();
            } else {
                c.touch(p.key(), p::commit);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new BlobRecord(p.key(), p.size(), p.sha1(), p.md5(), now);
    }

    public static void index(Handle h, BlobRecord b) {
        BlobIndex.record(h, b);
    }
}
