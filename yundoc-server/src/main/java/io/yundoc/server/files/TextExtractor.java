package io.yundoc.server.files;

import io.yundoc.server.core.BackgroundPriority;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.BufferedReader;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Runs Apache Tika in a separate, supervised JVM ({@link ExtractorProcess}) so that no document can hurt the server:
 * a decompression bomb or a parser bug costs that process its heap ({@code -Xmx} = {@code --extract-heap},
 * {@code -XX:+ExitOnOutOfMemoryError}) or its time ({@code --extract-timeout} per file, then it is killed), and the
 * server only learns that this one file cannot be indexed.
 *
 * <p>Why a long-lived child of our own rather than Tika's {@code ForkParser} or tika-server: the child is the same
 * class path as the server (nothing to download or locate), it is started once and fed one file at a time by path
 * (the blob file itself when blobs are local), its answer is bounded by the caller's character cap, which Tika's write
 * limit enforces while parsing, and each failure mode is told apart by the supervisor that sees it: out of memory
 * (exit status 3), killed at the time budget, another exit, or a parse error reported by the child. ForkParser would
 * stream SAX events over its own serialisation and restart semantics we would still have to wrap for the time budget.
 *
 * <p>One caller at a time (the indexer thread; office extraction keeps an instance of its own behind a lock);
 * {@link #close} may come from another thread and ends the child.
 */
public final class TextExtractor implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(TextExtractor.class.getName());
    /** Loading Tika in a fresh JVM on a busy machine; not part of any file's budget. */
    private static final Duration START_TIMEOUT = Duration.ofSeconds(90);
    /** Exit status of a JVM ended by {@code -XX:+ExitOnOutOfMemoryError}. */
    private static final int OOM_EXIT = 3;

    /** Exactly one of text (possibly empty) and failure is set. */
    public record Outcome(String text, String failure, Kind kind) {
        static Outcome text(String t) {
            return new Outcome(t, null, null);
        }

        static Outcome failed(Kind kind, String why) {
            return new Outcome(null, why, kind);
        }
    }

    /** Failure kinds, the {@code reason} label of {@code yundoc_index_failures_total}. */
    public enum Kind {
        UNREADABLE,
        TIMEOUT,
        OUT_OF_MEMORY,
        CRASHED,
        TOO_LARGE,
        INTERRUPTED,
        /** Not the file's doing: the server is stopping. */
        STOPPED,
        /** Not the file's doing: the extractor process cannot be started at all. */
        UNAVAILABLE
    }

    private final List<String> command;
    private final String heapLabel;
    private final Duration timeout;
    private final int maxChars;
    private final ExecutorService readers = Executors.newVirtualThreadPerTaskExecutor();
    private final Object lock = new Object();
    private Child child;
    private volatile boolean closed;
    private int starts;

    public TextExtractor(Duration timeout, long heapBytes, int maxChars) {
        this(
                timeout,
                maxChars,
                ProcessHandle.current()
                        .info()
                        .command()
                        .orElse(Path.of(System.getProperty("java.home"), "bin", "java")
                                .toString()),
                heapBytes);
    }

    /** With the java launcher to run (the server's own, normally). */
    TextExtractor(Duration timeout, int maxChars, String java, long heapBytes) {
        this.timeout = timeout;
        this.maxChars = maxChars;
        List<String> cmd = new ArrayList<>();
        cmd.addAll(BackgroundPriority.prefix());
        // one processor's worth of GC and JIT threads: a bomb costs at most one core while it burns its budget
        cmd.addAll(List.of(
                java,
                "-Xmx" + Math.max(64, heapBytes >> 20) + "m",
                "-XX:+ExitOnOutOfMemoryError",
                "-XX:+UseSerialGC",
                "-XX:ActiveProcessorCount=1",
                "-Djava.awt.headless=true",
                "-cp",
                System.getProperty("java.class.path"),
                ExtractorProcess.class.getName()));
        this.command = List.copyOf(cmd);
        this.heapLabel = Math.max(64, heapBytes >> 20) + "m";
    }

    /** How many times the extractor process was started (restarts after a kill or a crash included). */
    int starts() {
        synchronized (lock) {
            return starts;
        }
    }

    /** Process id of the running extractor, or -1. */
    long pid() {
        synchronized (lock) {
            return child != null && child.process.isAlive() ? child.process.pid() : -1;
        }
    }

    /** The text of {@code file} (named {@code name}, for type detection), at most {@code maxChars} characters. */
    public Outcome extract(Path file, String name) {
        Child c;
        try {
            c = running();
        } catch (IOException e) {
            return Outcome.failed(Kind.UNAVAILABLE, "the extractor process could not start: " + e.getMessage());
        }
        if (c == null) {
            return Outcome.failed(Kind.STOPPED, "server stopping");
        }
        Future<Outcome> answer;
        try {
            c.in.writeUTF(file.toString());
            c.in.writeUTF(name);
            c.in.writeInt(maxChars);
            c.in.flush();
            answer = readers.submit(() -> read(c));
        } catch (IOException e) {
            return died(c);
        }
        try {
            return answer.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            kill(c);
            return Outcome.failed(Kind.TIMEOUT, "extraction took longer than " + timeout.toSeconds() + " s");
        } catch (ExecutionException e) {
            return died(c);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            kill(c);
            return Outcome.failed(Kind.STOPPED, "server stopping");
        }
    }

    private Outcome read(Child c) throws IOException {
        byte status = c.out.readByte();
        int n = c.out.readInt();
        if (n < 0 || n > maxChars * 4 + 1024) { // UTF-8 of maxChars characters is at most 4 bytes each
            throw new IOException("extractor answered " + n + " bytes");
        }
        String s = new String(c.out.readNBytes(n), StandardCharsets.UTF_8);
        return status == ExtractorProcess.TEXT ? Outcome.text(s) : Outcome.failed(Kind.UNREADABLE, s);
    }

    /** The child broke the protocol or exited during a file: says how, and lets the next file start a new one. */
    private Outcome died(Child c) {
        int status = -1;
        try {
            // let a process that is exiting by itself finish, so its own status (3: out of memory) is what we read
            if (c.process.waitFor(5, TimeUnit.SECONDS)) {
                status = c.process.exitValue();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        kill(c);
        if (closed) {
            return Outcome.failed(Kind.STOPPED, "server stopping");
        }
        if (status == OOM_EXIT) {
            return Outcome.failed(Kind.OUT_OF_MEMORY, "extraction ran out of memory (heap cap " + heapLabel + ")");
        }
        return Outcome.failed(
                Kind.CRASHED, "the extractor process ended during this file (exit status " + status + ")");
    }

    /** The live child, started (and waited for until ready) when there is none; null once closed. */
    private Child running() throws IOException {
        synchronized (lock) {
            if (closed) {
                return null;
            }
            if (child != null && child.process.isAlive()) {
                return child;
            }
            child = null;
            Process p = new ProcessBuilder(command).redirectErrorStream(false).start();
            starts++;
            Child c = new Child(
                    p,
                    new DataOutputStream(new BufferedOutputStream(p.getOutputStream())),
                    new DataInputStream(new BufferedInputStream(p.getInputStream())));
            Thread.ofVirtual().name("yundoc-extractor-stderr").start(() -> drainStderr(p));
            child = c;
        }
        Child c = child;
        Future<Byte> ready = readers.submit(() -> c.out.readByte());
        try {
            if (ready.get(START_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS) != ExtractorProcess.READY) {
                throw new IOException("the extractor process answered something else than ready");
            }
            return c;
        } catch (TimeoutException e) {
            kill(c);
            throw new IOException("the extractor process was not ready within " + START_TIMEOUT.toSeconds() + " s");
        } catch (ExecutionException e) {
            kill(c);
            throw new IOException("the extractor process ended while starting: " + e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            kill(c);
            throw new IOException("interrupted");
        }
    }

    /** Parser libraries write warnings to stderr: kept at FINE, never on the server's own log. */
    private static void drainStderr(Process p) {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getErrorStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) {
                LOG.log(Level.FINE, "extractor: {0}", line);
            }
        } catch (IOException ignored) {
            // the process ended
        }
    }

    private void kill(Child c) {
        c.process.destroyForcibly();
        try {
            c.process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        synchronized (lock) {
            if (c.equals(child)) { // the same process: a later child is not ours to forget
                child = null;
            }
        }
    }

    @Override
    public void close() {
        Child c;
        synchronized (lock) {
            closed = true;
            c = child;
            child = null;
        }
        if (c != null) {
            c.process.destroyForcibly();
        }
        readers.shutdownNow();
    }

    private record Child(Process process, DataOutputStream in, DataInputStream out) {}
}
