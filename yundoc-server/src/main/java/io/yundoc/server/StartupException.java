package io.yundoc.server;

/**
 * The server cannot start for a reason the operator can fix (port in use, data dir not writable, database out of
 * reach): the message is one line naming the problem and what to change, without secrets, and the CLI prints only
 * that line and exits 1.
 */
public final class StartupException extends RuntimeException {
    public StartupException(String oneLine, Throwable cause) {
        // no stack trace: the cause is kept for embedders who log it, the line is what a person reads
        super(oneLine.replaceAll("\\s*\\R\\s*", " "), cause, false, false);
    }
}
