package io.yundoc.cli;

import io.yundoc.client.AppFolder;
import io.yundoc.client.Placement;
import io.yundoc.client.YundocClient;
import io.yundoc.protocol.wire.AppFileInfo;
import io.yundoc.protocol.wire.FileItem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "upload", mixinStandardHelpOptions = true, description = "Upload local files (personal, or --app).")
final class UploadCommand extends ClientCommand {
    @Parameters(arity = "1..*", description = "local files")
    List<Path> files;

    @Option(names = "--app", arity = "0..1", fallbackValue = "true", description = "into the app space (WPS-2 signed)")
    boolean app;

    @Option(names = "--parent", description = "folder id (personal) or folder token (--app)")
    String parent;

    @Option(names = "--path", description = "folder path like a/b, created when missing")
    String path;

    @Option(
            names = "--root",
            arity = "0..1",
            fallbackValue = "true",
            description = "personal: start the path at 我的文档 instead of the app folder")
    boolean root;

    @Option(names = "--name", description = "name in yundoc (one file only)")
    String name;

    @Option(names = "--creator", description = "app space: creator to record")
    String creator;

    @Override
    public Integer call() {
        rejectOptionLike(files);
        if (name != null && files.size() > 1) {
            throw usage("--name takes one file");
        }
        if (parent != null && path != null) {
            throw usage("--parent and --path exclude each other");
        }
        for (Path f : files) {
            if (!Files.isRegularFile(f)) {
                throw new CliException(3, "not a readable file: " + f);
            }
        }
        List<String> segs = path == null
                ? List.of()
                : Arrays.stream(path.split("/")).filter(s -> !s.isBlank()).toList();
        List<Object> results = new ArrayList<>();
        try (YundocClient c = o.client(app)) {
            for (Path f : files) {
                String n = name != null ? name : f.getFileName().toString();
                Progress bar = new Progress(err(), "upload " + n);
                if (app) {
                    AppFolder where = parent != null
                            ? AppFolder.token(parent)
                            : segs.isEmpty() ? AppFolder.root() : AppFolder.path(segs.toArray(String[]::new));
                    results.add(c.appSpace().upload(f, n, where, creator, bar));
                } else {
                    Placement where = parent != null ? Placement.inFolder(parent) : new Placement(null, segs, root);
                    results.add(c.personal().upload(f, n, where, bar));
                }
                bar.finish();
            }
        }
        if (o.json) {
            Output.json(out(), results.size() == 1 ? results.get(0) : results);
        } else if (app) {
            Output.table(
                    out(),
                    APP_HEADER,
                    results.stream().map(r -> appRow((AppFileInfo) r)).toList());
        } else {
            Output.table(
                    out(),
                    ITEM_HEADER,
                    results.stream().map(r -> itemRow((FileItem) r)).toList());
        }
        return 0;
    }
}
