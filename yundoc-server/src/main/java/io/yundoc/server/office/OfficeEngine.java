package io.yundoc.server.office;

import io.yundoc.server.core.BackgroundPriority;
import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeoutException;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.jodconverter.core.office.OfficeException;
import org.jodconverter.local.LocalConverter;
import org.jodconverter.local.filter.DefaultFilterChain;
import org.jodconverter.local.office.LocalOfficeManager;
import org.jodconverter.local.office.PasswordProtectedException;

/**
 * The office engine: a pool of long-lived LibreOffice processes driven through JODConverter (docs/api-families.md
 * §F3.3 "Converter"). Each process has its own profile dir under {@code <data>/office} (JODConverter makes one per
 * process in its working dir), listens on a loopback port of its own, runs one task at a time, is killed and restarted
 * when a task outlives {@code --office-task-timeout}, and is restarted after {@code --office-max-tasks-per-process}
 * tasks. The pool starts on first use (or by {@link #warmUp} in the background), so server start-up does not wait
 * for office processes.
 */
public final class OfficeEngine implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(OfficeEngine.class.getName());
    /** The Debian packages that bring the engine, named in the 30005 hint and the README. */
    public static final String PACKAGES = "libreoffice-writer-nogui libreoffice-calc-nogui libreoffice-impress-nogui "
            + "fonts-noto-cjk poppler-utils";

    private final Path home;
    private final Path workDir;
    private final int processes;
    private final Duration taskTimeout;
    private final int maxTasksPerProcess;
    private LocalOfficeManager manager;
    private boolean closed;

    /** Why a conversion failed, in a short line for the task's {@code message}. */
    public static final class Failed extends Exception {
        public Failed(String message) {
            super(message, null, false, false);
        }
    }

    /**
     * @param home the LibreOffice installation ({@code --office-home}), or null to look for soffice on the PATH
     */
    public OfficeEngine(String home, Path workDir, int processes, Duration taskTimeout, int maxTasksPerProcess) {
        this.home = locate(home).orElse(null);
        this.workDir = workDir;
        this.processes = processes;
        this.taskTimeout = taskTimeout;
        this.maxTasksPerProcess = maxTasksPerProcess;
    }

    /** True when an office installation was found (the convert routes work). */
    public boolean available() {
        return home != null;
    }

    /** The installation dir: the one named, else the one of soffice or libreoffice on the PATH (symlinks resolved). */
    static Optional<Path> locate(String named) {
        if (named != null && !named.isBlank()) {
            Path h = Path.of(named);
            return Files.isExecutable(h.resolve("program").resolve("soffice")) ? Optional.of(h) : Optional.empty();
        }
        String path = System.getenv("PATH");
        if (path == null) {
            return Optional.empty();
        }
        for (String dir : path.split(File.pathSeparator, -1)) {
            for (String exe : new String[] {"soffice", "libreoffice"}) {
                Path p = Path.of(dir.isEmpty() ? "." : dir, exe);
                if (Files.isExecutable(p)) {
                    try {
                        Path real = p.toRealPath(); // /usr/bin/soffice -> /usr/lib/libreoffice/program/soffice
                        Path program = real.getParent();
                        if (program != null
                                && program.getParent() != null
                                && Files.isExecutable(program.resolve("soffice"))) {
                            return Optional.of(program.getParent());
                        }
                    } catch (IOException ignored) {
                        // a dangling link: keep looking
                    }
                }
            }
        }
        return Optional.empty();
    }

    /** Starts the pool in the background (boot), so the first conversion does not pay the start. */
    public void warmUp() {
        if (home == null) {
            return;
        }
        Thread.ofVirtual().name("yundoc-office-start").start(() -> {
            try {
                running();
            } catch (Failed e) {
                LOG.log(Level.WARNING, "office engine did not start: {0}", e.getMessage());
            }
        });
    }

    private synchronized LocalOfficeManager running() throws Failed {
        if (closed) {
            throw new Failed("server stopping");
        }
        if (home == null) {
            throw new Failed("no office engine installed");
        }
        if (manager != null && manager.isRunning()) {
            return manager;
        }
        try {
            Files.createDirectories(workDir);
            int[] ports = new int[processes];
            for (int i = 0; i < processes; i++) {
                ports[i] = freePort();
            }
            LocalOfficeManager.Builder builder = LocalOfficeManager.builder()
                    .officeHome(home.toFile())
                    .workingDir(workDir.toFile())
                    .hostName("127.0.0.1")
                    .portNumbers(ports)
                    .taskExecutionTimeout(taskTimeout.toMillis())
                    .taskQueueTimeout(Math.max(30_000L, taskTimeout.toMillis() * 4))
                    .maxTasksPerProcess(maxTasksPerProcess)
                    .processTimeout(120_000L);
            List<String> priority = BackgroundPriority.prefix();
            if (!priority.isEmpty()) {
                builder.runAsArgs(priority.toArray(String[]::new)); // conversions yield the CPU to requests
            }
            LocalOfficeManager m = builder.build();
            m.start();
            manager = m;
            LOG.log(Level.INFO, "office engine started: {0} process(es) from {1}", new Object[] {processes, home});
            return m;
        } catch (OfficeException | IOException e) {
            throw new Failed("the office engine could not start: " + e.getMessage());
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /**
     * Converts an office document to PDF ({@code out}); the format follows from the file names. A task longer than
     * the time limit is cancelled and its process killed and restarted by the pool.
     */
    public void toPdf(Path in, Path out, String password, boolean comments) throws Failed {
        toPdf(in, out, password, comments, false, false);
    }

    /**
     * As {@link #toPdf(Path, Path, String, boolean)}; a spreadsheet's columns ({@code fitWidth}) and/or rows
     * ({@code fitHeight}) are laid out on one page per sheet ({@link SheetFitFilter}).
     */
    public void toPdf(Path in, Path out, String password, boolean comments, boolean fitWidth, boolean fitHeight)
            throws Failed {
        LocalOfficeManager m = running();
        Map<String, Object> load = new HashMap<>();
        load.put("Hidden", true);
        load.put("ReadOnly", true);
        load.put("UpdateDocMode", (short) 0); // never update links: no outbound fetch from inside a document
        load.put("MacroExecutionMode", (short) 0); // never run macros
        if (password != null && !password.isEmpty()) {
            load.put("Password", password);
        }
        Map<String, Object> filterData = new HashMap<>();
        filterData.put("ExportNotes", comments);
        filterData.put("ExportNotesInMargin", comments);
        Map<String, Object> store = new HashMap<>();
        store.put("FilterData", filterData);
        try {
            LocalConverter.Builder converter = LocalConverter.builder()
                    .officeManager(m)
                    .applyDefaultLoadProperties(false)
                    .loadProperties(load)
                    .storeProperties(store);
            if (fitWidth || fitHeight) {
                converter.filterChain(new DefaultFilterChain(true, new SheetFitFilter(fitWidth, fitHeight)));
            }
            converter.build().convert(in.toFile()).to(out.toFile()).execute();
        } catch (OfficeException e) {
            throw new Failed(reason(e, password));
        }
    }

    static String reason(OfficeException e, String password) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof PasswordProtectedException) {
                return password == null || password.isEmpty() ? "password required" : "wrong password";
            }
            if (t instanceof TimeoutException) {
                return "conversion took too long";
            }
        }
        String msg = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        if (msg.contains("imeout") || msg.contains("timed out")) {
            return "conversion took too long";
        }
        if (msg.contains("ould not load document") || msg.contains("ould not open document")) {
            // LibreOffice refuses an encrypted OOXML file with a wrong password this way, not as password-protected
            return password == null || password.isEmpty() ? "the document could not be opened" : "wrong password";
        }
        msg = msg.replaceAll("\\s+", " ").strip();
        // paths of our work dir are nobody's business on the wire
        msg = msg.replaceAll("/[^ :]*", "…");
        return "conversion failed: " + (msg.length() > 200 ? msg.substring(0, 199) + "…" : msg);
    }

    @Override
    public void close() {
        LocalOfficeManager m;
        synchronized (this) {
            closed = true;
            m = manager;
            manager = null;
        }
        if (m != null) {
            try {
                m.stop();
            } catch (OfficeException e) {
                LOG.log(Level.FINE, "office engine stop", e);
            }
        }
    }
}
