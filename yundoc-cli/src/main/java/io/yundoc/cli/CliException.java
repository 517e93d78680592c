package io.yundoc.cli;

/** A failure with the exit code the command should end with (see {@link Main} for the list). */
final class CliException extends RuntimeException {
    final int exitCode;

    CliException(int exitCode, String message) {
        super(message);
        this.exitCode = exitCode;
    }
}
