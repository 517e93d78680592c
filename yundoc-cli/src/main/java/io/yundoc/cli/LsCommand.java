package io.yundoc.cli;

import io.yundoc.client.ListOptions;
import io.yundoc.client.Models;
import io.yundoc.client.YundocClient;
import io.yundoc.protocol.wire.FileItem;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
        name = "ls",
        mixinStandardHelpOptions = true,
        description = "List a personal folder (default 我的文档), every page.")
final class LsCommand extends ClientCommand {
    @Parameters(index = "0", arity = "0..1", description = "folder id (default: 我的文档)")
    String folder;

    @Option(
            names = "--app",
            arity = "0..1",
            fallbackValue = "true",
            description = "app space (it has no listing endpoint: refused)")
    boolean app;

    @Option(
            names = "--app-folder",
            arity = "0..1",
            fallbackValue = "true",
            description = "list the app's own folder 我的文档/应用/<app>")
    boolean appFolder;

    @Option(names = "--order-by", description = "mtime, fname or fsize")
    String orderBy;

    @Option(names = "--order", description = "asc or desc")
    String order;

    @Override
    public Integer call() {
        rejectOptionLike(folder);
        if (app) {
            throw usage("the app space has no listing endpoint (api.md §5.9); use yundoc info --app TOKEN");
        }
        ListOptions.Builder lb = ListOptions.builder().parentId(folder).count(100);
        if (orderBy != null) {
            lb.orderBy(orderBy);
        }
        if (order != null) {
            lb.order(order);
        }
        try (YundocClient c = o.client(false)) {
            List<FileItem> items = new ArrayList<>();
            ListOptions opts = lb.build();
            if (appFolder) {
                // same paging as the list, on the app folder endpoint
                Models.FilePage p = c.personal().appFiles(opts);
                items.addAll(p.files());
                while (!p.last()) {
                    p = c.personal().appFiles(opts.next(p.nextOffset(), p.nextFilter()));
                    items.addAll(p.files());
                }
            } else {
                c.personal().listAll(opts).forEach(items::add);
            }
            if (o.json) {
                Output.json(out(), items);
            } else {
                Output.table(
                        out(),
                        ITEM_HEADER,
                        items.stream().map(ClientCommand::itemRow).toList());
            }
        }
        return 0;
    }
}
