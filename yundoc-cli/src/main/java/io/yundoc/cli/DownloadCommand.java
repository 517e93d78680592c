package io.yundoc.cli;

import io.yundoc.client.Models;
import io.yundoc.client.YundocClient;
import io.yundoc.protocol.wire.DownloadInfo;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
        name = "download",
        description = "Download a file, verified against its size and SHA-1, resuming after dropped connections.")
final class DownloadCommand extends ClientCommand {
    @Option(
            names = {"-h", "--help"},
            usageHelp = true,
            description = "Show this help message and exit.")
    boolean help;

    @Parameters(index = "0", description = "file token")
    String token;

    @Option(
            names = {"-o", "--output"},
            description = "target file or directory (default: the file's name, here)")
    Path output;

    @Option(names = "--app", arity = "0..1", fallbackValue = "true", description = "from the app space")
    boolean app;

    @Option(names = "--version", description = "app space: that version")
    Long version;

    @Override
    public Integer call() {
        rejectOptionLike(token);
        if (version != null && !app) {
            throw usage("--version needs --app (personal files expose no versions)");
        }
        try (YundocClient c = o.client(app)) {
            String name;
            if (app) {
                name = c.appSpace().info(token).name();
            } else {
                DownloadInfo info = c.personal().downloadInfo(token);
                String u = URI.create(info.url()).getRawPath();
                name = URLDecoder.decode(
                        u.substring(u.lastIndexOf('/') + 1).replace("+", "%2B"), StandardCharsets.UTF_8);
                if (name.isBlank() || name.contains("/") || name.equals("..") || name.equals(".")) {
                    name = token;
                }
            }
            Path target = output == null ? Path.of(name) : Files.isDirectory(output) ? output.resolve(name) : output;
            Progress bar = new Progress(err(), "download " + name);
            Models.DownloadResult r = app
                    ? (version == null
                            ? c.appSpace().download(token, target, bar)
                            : c.appSpace().downloadVersion(token, version, target, bar))
                    : c.personal().download(token, target, bar);
            bar.finish();
            if (o.json) {
                Output.json(
                        out(),
                        Map.of(
                                "path",
                                r.path().toString(),
                                "size",
                                r.size(),
                                "sha1",
                                r.sha1(),
                                "resumes",
                                r.resumes()));
            } else {
                out().println("Downloaded " + r.path() + " (" + Output.size(r.size()) + ", sha1 " + r.sha1()
                        + " verified" + (r.resumes() > 0 ? ", resumed " + r.resumes() + "x" : "") + ")");
                out().flush();
            }
        }
        return 0;
    }
}
