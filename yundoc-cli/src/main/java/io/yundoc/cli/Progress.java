package io.yundoc.cli;

import io.yundoc.client.TransferListener;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A progress bar on stderr for transfers that last more than a second, drawn only when stderr is a terminal
 * ({@code YUNDOC_PROGRESS=always|never} overrides the detection). Redraws at most ten times a second.
 */
final class Progress implements TransferListener {
    private final PrintWriter err;
    private final String label;
    private final boolean enabled;
    private final long started = System.nanoTime();
    private long lastDraw;
    private boolean drawn;
    private long lastDone;
    private long lastTotal = -1;

    Progress(PrintWriter err, String label) {
        this.err = err;
        this.label = label;
        this.enabled = stderrIsTerminal();
    }

    static boolean stderrIsTerminal() {
        String force = System.getenv("YUNDOC_PROGRESS");
        if ("always".equals(force)) {
            return true;
        }
        if ("never".equals(force)) {
            return false;
        }
        return isTerminal(2);
    }

    /**
     * Whether file descriptor {@code fd} (0, 1, 2) is a terminal. On Linux from /proc; elsewhere the console check,
     * which on JDK 22+ is only a hint.
     */
    static boolean isTerminal(int fd) {
        try {
            Path p = Path.of("/proc/self/fd/" + fd);
            if (Files.exists(p)) {
                String target = Files.readSymbolicLink(p).toString();
                return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty");
            }
        } catch (Exception ignored) {
            // not Linux: fall back to the console check
        }
        return consolePresent();
    }

    @SuppressWarnings("SystemConsoleNull") // the hint meant above: Console.isTerminal() is JDK 22+, this code is 21
    private static boolean consolePresent() {
        return System.console() != null;
    }

    @Override
    public synchronized void progress(long done, long total) {
        lastDone = done;
        lastTotal = total;
        if (!enabled) {
            return;
        }
        long now = System.nanoTime();
        if (now - started < 1_000_000_000L || (drawn && now - lastDraw < 100_000_000L && done != total)) {
            return;
        }
        lastDraw = now;
        drawn = true;
        draw(done, total, now);
    }

    private void draw(long done, long total, long now) {
        double secs = Math.max(0.001, (now - started) / 1e9);
        String rate = Output.size((long) (done / secs)) + "/s";
        String line;
        if (total > 0) {
            int width = 30;
            int filled = (int) Math.min(width, done * width / total);
            line = String.format(
                    "%s [%s%s] %3d%% %s / %s %s",
                    label,
                    "#".repeat(filled),
                    ".".repeat(width - filled),
                    done * 100 / total,
                    Output.size(done),
                    Output.size(total),
                    rate);
        } else {
            line = String.format("%s %s %s", label, Output.size(done), rate);
        }
        err.print("\r" + line + "\u001b[K");
        err.flush();
    }

    /** Ends the bar's line if one was drawn. */
    synchronized void finish() {
        if (drawn) {
            draw(lastDone, lastTotal, System.nanoTime());
            err.println();
            err.flush();
        }
    }
}
