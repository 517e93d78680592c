package io.yundoc.client;

/** Progress of an upload or download, called from the transferring thread; keep it cheap. */
@FunctionalInterface
public interface TransferListener {
    /** Ignores progress. */
    TransferListener NONE = (done, total) -> {};

    /**
     * Reports the bytes moved so far.
     *
     * @param transferred bytes so far (a resumed download counts the bytes it already had)
     * @param total       the expected total, or -1 when unknown
     */
    void progress(long transferred, long total);
}
