package io.yundoc.server.core;

/**
 * What the process does when a thread dies with an {@link Error}: it stops at once, with one line on stderr and a
 * non-zero status, so that a supervisor (systemd, Kubernetes, a container runtime) starts a fresh one. A JVM that
 * ran out of memory or could not load a class is in an unknown state; serving on from it (or, worse, staying alive
 * with its port closed) is what this prevents. {@code -XX:+ExitOnOutOfMemoryError}, set by {@code bin/yundoc}, covers
 * an out-of-memory error that some library catches before it reaches a thread's end.
 *
 * <p>{@link AssertionError} is left to the default handling: it reports a failed check, not a broken JVM. Exceptions
 * keep the default handling too (the thread's stack trace), as before.
 */
public final class FatalErrors {
    /** The exit status of a process ended by this handler (EX_SOFTWARE of sysexits.h). */
    public static final int STATUS = 70;

    private static volatile boolean installed;

    private FatalErrors() {}

    /** Installs the process-wide handler (once; later calls do nothing). */
    public static synchronized void install() {
        if (installed) {
            return;
        }
        Thread.UncaughtExceptionHandler previous = Thread.getDefaultUncaughtExceptionHandler();
        Thread.setDefaultUncaughtExceptionHandler((thread, e) -> {
            if (e instanceof Error && !(e instanceof AssertionError)) {
                halt("thread " + thread.getName() + " died with " + e);
            }
            if (previous != null) {
                previous.uncaughtException(thread, e);
            } else {
                // what the JVM prints by default (ThreadGroup would call this handler again)
                System.err.print("Exception in thread \"" + thread.getName() + "\" ");
                e.printStackTrace(System.err);
            }
        });
        installed = true;
    }

    /**
     * Ends the process now with {@link #STATUS} after one line on stderr. Written without logging or allocation-heavy
     * formatting, and with {@code halt}: neither shutdown hooks nor a full heap can stop it.
     */
    public static void halt(String why) {
        try {
            System.err.println("yundoc: fatal: " + why + "; exiting so that a supervisor restarts the server");
            System.err.flush();
        } finally {
            Runtime.getRuntime().halt(STATUS);
        }
    }
}
