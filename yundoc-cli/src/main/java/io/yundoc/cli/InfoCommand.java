package io.yundoc.cli;

import io.yundoc.client.YundocClient;
import io.yundoc.client.YundocException;
import io.yundoc.protocol.wire.AppFileInfo;
import io.yundoc.protocol.wire.DownloadInfo;
import io.yundoc.protocol.wire.LinkInfo;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
        name = "info",
        mixinStandardHelpOptions = true,
        description = "Show a file: app-space file info (--app), or a personal file's size, SHA-1 and share link.")
final class InfoCommand extends ClientCommand {
    @Parameters(index = "0", description = "file token")
    String token;

    @Option(names = "--app", arity = "0..1", fallbackValue = "true", description = "app space")
    boolean app;

    @Override
    public Integer call() {
        rejectOptionLike(token);
        try (YundocClient c = o.client(app)) {
            if (app) {
                AppFileInfo f = c.appSpace().info(token);
                if (o.json) {
                    Output.json(out(), f);
                } else {
                    Output.table(
                            out(),
                            List.of("FIELD", "VALUE"),
                            List.of(
                                    List.of("name", f.name()),
                                    List.of("type", f.type()),
                                    List.of("size", f.size() + " (" + Output.size(f.size()) + ")"),
                                    List.of("version", Long.toString(f.version())),
                                    List.of("content_type", String.valueOf(f.contentType())),
                                    List.of("parent_token", f.parentToken()),
                                    List.of("created", Output.time(f.ctime())),
                                    List.of("modified", Output.time(f.mtime())),
                                    List.of("creator", String.valueOf(f.creator())),
                                    List.of("modifier", String.valueOf(f.modifier())),
                                    List.of("file_token", f.fileToken())));
                }
                return 0;
            }
            DownloadInfo d = null;
            String note = null;
            try {
                d = c.personal().downloadInfo(token);
            } catch (YundocException e) {
                if (e.code() != 30006 && e.code() != 10001) {
                    throw e;
                }
                note = e.code() == 30006 ? "online document (no bytes)" : "folder";
            }
            LinkInfo link = null;
            try {
                link = c.personal().getLink(token);
            } catch (YundocException e) {
                if (e.code() != 30014) {
                    throw e;
                }
            }
            if (o.json) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("file_token", token);
                m.put("fsize", d == null ? null : d.fsize());
                m.put("sha1", d == null ? null : d.checksums().sha1());
                m.put("link", link);
                Output.json(out(), m);
            } else {
                List<List<String>> rows = new ArrayList<>();
                rows.add(List.of("file_token", token));
                if (d != null) {
                    rows.add(List.of("size", d.fsize() + " (" + Output.size(d.fsize()) + ")"));
                    rows.add(List.of("sha1", d.checksums().sha1()));
                } else {
                    rows.add(List.of("kind", note));
                }
                rows.add(List.of(
                        "link", link == null ? "not shared" : link.linkUrl() + " (" + link.linkPermission() + ")"));
                Output.table(out(), List.of("FIELD", "VALUE"), rows);
            }
        }
        return 0;
    }
}
