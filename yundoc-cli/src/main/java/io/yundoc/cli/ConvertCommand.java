package io.yundoc.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.yundoc.client.Office;
import io.yundoc.client.YundocClient;
import io.yundoc.protocol.wire.AppFileInfo;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code yundoc convert FILE --to pdf|jpg|txt}: uploads the file into the app space, converts it through
 * docs/api-families.md §F3 (the server reads its own download URL from its store), shows the task's progress on one
 * line, downloads the outputs next to the file (or into {@code --out}), and removes the uploaded copy.
 */
@Command(
        name = "convert",
        mixinStandardHelpOptions = true,
        description = "Convert a local Office document (or PDF) to pdf, jpg or txt on the server (WPS-2 signed).")
final class ConvertCommand extends ClientCommand {
    @Parameters(arity = "1", description = "the local document (.docx .doc .xlsx .xls .pptx .ppt, or .pdf for jpg/txt)")
    Path file;

    @Option(names = "--to", required = true, description = "pdf, jpg or txt")
    String to;

    @Option(names = "--out", description = "folder for the outputs (default: the file's folder)")
    Path outDir;

    @Option(names = "--ranges", description = "pages like 1,2-4,7")
    String ranges;

    @Option(names = "--password", description = "the document's open password")
    String password;

    @Option(
            names = "--long",
            arity = "0..1",
            fallbackValue = "true",
            description = "jpg: one long picture; txt: one text")
    boolean longOutput;

    @Option(
            names = "--timeout",
            defaultValue = "10m",
            converter = Units.DurationConverter.class,
            description = "how long to wait for the conversion (default ${DEFAULT-VALUE})")
    Duration timeout;

    @Override
    public Integer call() throws IOException, InterruptedException {
        rejectOptionLike(file);
        String kind = to.toLowerCase(Locale.ROOT);
        if (!List.of("pdf", "jpg", "txt").contains(kind)) {
            throw usage("--to must be pdf, jpg or txt");
        }
        if (!Files.isRegularFile(file)) {
            throw new CliException(3, "not a readable file: " + file);
        }
        Path target = outDir != null ? outDir : file.toAbsolutePath().getParent();
        Files.createDirectories(target);
        String name = file.getFileName().toString();
        List<Path> written = new ArrayList<>();
        try (YundocClient c = o.client(true)) {
            Progress up = new Progress(err(), "upload " + name);
            AppFileInfo uploaded = c.appSpace().upload(file, name, null, null, up);
            up.finish();
            try {
                String url = c.appSpace().downloadInfo(uploaded.fileToken()).url();
                ObjectNode body = Office.request(url, name);
                if (ranges != null) {
                    body.put("ranges", ranges);
                }
                if (password != null) {
                    body.put("password", password);
                }
                if (longOutput) {
                    body.put(kind.equals("jpg") ? "long_pic" : "long_txt", true);
                }
                Office.Task task = c.office().convert(kind, body);
                Office.Status done = await(task);
                HttpClient http = HttpClient.newBuilder()
                        .connectTimeout(Duration.ofSeconds(10))
                        .build();
                for (Office.Output out : done.outputs()) {
                    written.add(fetch(http, out, target));
                }
            } finally {
                c.appSpace().destroy(uploaded.fileToken(), null);
            }
        }
        if (o.json) {
            Output.json(
                    out(),
                    Map.of("outputs", written.stream().map(Path::toString).toList()));
        } else {
            written.forEach(p -> out().println(p));
        }
        return 0;
    }

    /** Polls the task with a one-line progress display on stderr. */
    private Office.Status await(Office.Task task) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        boolean tty = Progress.stderrIsTerminal();
        String last = "";
        while (true) {
            Office.Status s = task.status();
            String line = "convert " + file.getFileName() + " → " + to + ": " + s.status() + " " + s.progress() + " %";
            if (!line.equals(last)) {
                if (tty) {
                    err().print("\r" + line + "\u001b[K");
                } else {
                    err().println(line);
                }
                err().flush();
                last = line;
            }
            if (s.done()) {
                if (tty) {
                    err().println();
                }
                if (s.status().equals("failure")) {
                    throw new CliException(1, "conversion failed: " + s.message());
                }
                return s;
            }
            if (System.nanoTime() > deadline) {
                throw new CliException(
                        1, "conversion still running after " + timeout.toSeconds() + " s (task " + task.id() + ")");
            }
            Thread.sleep(500);
        }
    }

    private static Path fetch(HttpClient http, Office.Output out, Path dir) throws IOException, InterruptedException {
        String raw = out.url().substring(out.url().lastIndexOf('/') + 1);
        String name = Path.of(URLDecoder.decode(raw, StandardCharsets.UTF_8))
                .getFileName()
                .toString();
        if (name.isBlank() || name.startsWith(".")) {
            name = "output";
        }
        HttpResponse<InputStream> r = http.send(
                HttpRequest.newBuilder(URI.create(out.url())).GET().build(), HttpResponse.BodyHandlers.ofInputStream());
        try (InputStream in = r.body()) {
            if (r.statusCode() != 200) {
                throw new CliException(1, "download of " + name + " answered HTTP " + r.statusCode());
            }
            Path p = dir.resolve(name);
            Files.copy(in, p, StandardCopyOption.REPLACE_EXISTING);
            return p;
        }
    }
}
