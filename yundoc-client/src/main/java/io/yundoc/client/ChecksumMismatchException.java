package io.yundoc.client;

/**
 * A download's bytes did not match the {@code fsize} or {@code checksums.sha1} the API announced. The partial file
 * has been deleted; the target path was never touched.
 */
public final class ChecksumMismatchException extends YundocClientException {
    private final long expectedSize;
    private final long actualSize;
    private final String expectedSha1;
    private final String actualSha1;

    /**
     * @param expectedSize {@code fsize} from the API
     * @param actualSize   bytes received
     * @param expectedSha1 {@code checksums.sha1} from the API
     * @param actualSha1   SHA-1 of the bytes received
     */
    public ChecksumMismatchException(long expectedSize, long actualSize, String expectedSha1, String actualSha1) {
        super("download does not match its checksums: expected " + expectedSize + " bytes sha1 " + expectedSha1
                + ", got " + actualSize + " bytes sha1 " + actualSha1);
        this.expectedSize = expectedSize;
        this.actualSize = actualSize;
        this.expectedSha1 = expectedSha1;
        this.actualSha1 = actualSha1;
    }

    /** The announced size. */
    public long expectedSize() {
        return expectedSize;
    }

    /** The received size. */
    public long actualSize() {
        return actualSize;
    }

    /** The announced SHA-1 (lowercase hex). */
    public String expectedSha1() {
        return expectedSha1;
    }

    /** The SHA-1 of what arrived (lowercase hex). */
    public String actualSha1() {
        return actualSha1;
    }
}
