package io.yundoc.server.office;

import io.yundoc.server.core.BackgroundPriority;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * PDF work done by poppler-utils in child processes (never a PDF parser in the server's heap): page count and sizes
 * ({@code pdfinfo}), page images ({@code pdftoppm}), page text ({@code pdftotext}), page selection
 * ({@code pdfseparate} + {@code pdfunite}). Each run is bounded by the task's deadline and, where {@code prlimit} is
 * installed, by an address-space cap, so a hostile PDF costs a child process, not the server.
 */
final class PdfTools {
    private static final Path PRLIMIT = Path.of("/usr/bin/prlimit");
    private static final long CHILD_MEMORY = 2L << 30;
    private static final Pattern PAGES = Pattern.compile("(?m)^Pages:\\s+(\\d+)");
    private static final Pattern SIZE = Pattern.compile("(?m)^Page\\s+(\\d+) size:\\s+([0-9.]+) x ([0-9.]+) pts");
    private final Path bin;

    PdfTools(Path bin) {
        this.bin = bin;
    }

    /** poppler-utils from the PATH (/usr/bin on Debian). */
    static PdfTools onPath() {
        String path = System.getenv("PATH");
        if (path != null) {
            for (String d : path.split(File.pathSeparator, -1)) {
                if (!d.isEmpty() && Files.isExecutable(Path.of(d, "pdftoppm"))) {
                    return new PdfTools(Path.of(d));
                }
            }
        }
        return new PdfTools(null);
    }

    boolean available() {
        return bin != null;
    }

    /** Page count and sizes (points) of a PDF; fails with "password required" / "wrong password" for encrypted ones. */
    Info info(Path pdf, String password, Path work, long deadline) throws OfficeEngine.Failed {
        List<String> cmd = new ArrayList<>(List.of(tool("pdfinfo")));
        addPassword(cmd, password);
        cmd.add(pdf.toString());
        String out = run(cmd, work, deadline, "pdfinfo", password);
        Matcher m = PAGES.matcher(out);
        if (!m.find()) {
            throw new OfficeEngine.Failed("not a readable PDF");
        }
        int pages = Integer.parseInt(m.group(1));
        return new Info(pages);
    }

    /** Width and height in points of pages {@code from..to}. */
    List<double[]> sizes(Path pdf, String password, int from, int to, Path work, long deadline)
            throws OfficeEngine.Failed {
        List<String> cmd =
                new ArrayList<>(List.of(tool("pdfinfo"), "-f", Integer.toString(from), "-l", Integer.toString(to)));
        addPassword(cmd, password);
        cmd.add(pdf.toString());
        String out = run(cmd, work, deadline, "pdfinfo", password);
        List<double[]> sizes = new ArrayList<>();
        Matcher m = SIZE.matcher(out);
        while (m.find()) {
            sizes.add(new double[] {Double.parseDouble(m.group(2)), Double.parseDouble(m.group(3))});
        }
        return sizes;
    }

    record Info(int pages) {}

    /** Page {@code page} as a JPEG at {@code dpi} and {@code quality}. */
    Path jpeg(Path pdf, String password, int page, int dpi, int quality, Path work, long deadline)
            throws OfficeEngine.Failed {
        Path prefix = work.resolve("page-" + page);
        List<String> cmd = new ArrayList<>(List.of(
                tool("pdftoppm"),
                "-jpeg",
                "-jpegopt",
                "quality=" + quality,
                "-r",
                Integer.toString(dpi),
                "-f",
                Integer.toString(page),
                "-l",
                Integer.toString(page),
                "-singlefile"));
        addPassword(cmd, password);
        cmd.add(pdf.toString());
        cmd.add(prefix.toString());
        run(cmd, work, deadline, "pdftoppm", password);
        Path out = work.resolve("page-" + page + ".jpg");
        if (!Files.isRegularFile(out)) {
            throw new OfficeEngine.Failed("page " + page + " could not be rendered");
        }
        return out;
    }

    /** The text of page {@code page}, UTF-8. */
    Path text(Path pdf, String password, int page, Path work, long deadline) throws OfficeEngine.Failed {
        Path out = work.resolve("page-" + page + ".txt");
        List<String> cmd = new ArrayList<>(List.of(
                tool("pdftotext"),
                "-enc",
                "UTF-8",
                "-layout",
                "-f",
                Integer.toString(page),
                "-l",
                Integer.toString(page)));
        addPassword(cmd, password);
        cmd.add(pdf.toString());
        cmd.add(out.toString());
        run(cmd, work, deadline, "pdftotext", password);
        return out;
    }

    /** A PDF holding only {@code pages} (1-based, in order) of {@code pdf}. */
    Path select(Path pdf, List<Integer> pages, Path work, long deadline) throws OfficeEngine.Failed {
        List<String> unite = new ArrayList<>(List.of(tool("pdfunite")));
        for (int p : pages) {
            Path one = work.resolve("sel-" + p + ".pdf");
            run(
                    List.of(
                            tool("pdfseparate"),
                            "-f",
                            Integer.toString(p),
                            "-l",
                            Integer.toString(p),
                            pdf.toString(),
                            one.toString()),
                    work,
                    deadline,
                    "pdfseparate",
                    null);
            unite.add(one.toString());
        }
        Path out = work.resolve("selected.pdf");
        if (pages.size() == 1) {
            return work.resolve("sel-" + pages.get(0) + ".pdf");
        }
        unite.add(out.toString());
        run(unite, work, deadline, "pdfunite", null);
        return out;
    }

    private static void addPassword(List<String> cmd, String password) {
        if (password != null && !password.isEmpty()) {
            cmd.add("-upw");
            cmd.add(password);
        }
    }

    private String tool(String name) throws OfficeEngine.Failed {
        if (bin == null) {
            throw new OfficeEngine.Failed("poppler-utils are not installed");
        }
        return bin.resolve(name).toString();
    }

    /** Runs a tool to completion within the deadline; its stdout (at most 1 MiB read), or a failure line. */
    private static String run(List<String> tool, Path work, long deadline, String what, String password)
            throws OfficeEngine.Failed {
        List<String> cmd = new ArrayList<>(BackgroundPriority.prefix());
        if (Files.isExecutable(PRLIMIT)) {
            cmd.addAll(List.of(PRLIMIT.toString(), "--as=" + CHILD_MEMORY));
        }
        cmd.addAll(tool);
        Path out = work.resolve(what + ".out");
        Path err = work.resolve(what + ".err");
        Process p;
        try {
            p = new ProcessBuilder(cmd)
                    .redirectOutput(out.toFile())
                    .redirectError(err.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .start();
        } catch (IOException e) {
            throw new OfficeEngine.Failed(what + " could not be started");
        }
        try {
            long left = deadline - System.nanoTime();
            if (left <= 0 || !p.waitFor(left, TimeUnit.NANOSECONDS)) {
                p.destroyForcibly();
                p.waitFor(10, TimeUnit.SECONDS);
                throw new OfficeEngine.Failed("conversion took too long");
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new OfficeEngine.Failed("server stopping");
        }
        try {
            String errText = Files.exists(err) ? head(err) : "";
            if (p.exitValue() != 0) {
                if (errText.contains("Incorrect password")) {
                    throw new OfficeEngine.Failed(
                            password == null || password.isEmpty() ? "password required" : "wrong password");
                }
                throw new OfficeEngine.Failed(
                        what.equals("pdfinfo") ? "not a readable PDF" : what + " failed on this document");
            }
            return Files.exists(out) ? head(out) : "";
        } catch (IOException e) {
            throw new OfficeEngine.Failed(what + " output unreadable");
        }
    }

    private static String head(Path f) throws IOException {
        try (var in = Files.newInputStream(f)) {
            return new String(in.readNBytes(1 << 20), StandardCharsets.UTF_8);
        }
    }
}
