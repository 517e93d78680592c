package io.yundoc.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import io.yundoc.client.AppFolder;
import io.yundoc.client.LinkOptions;
import io.yundoc.client.ListOptions;
import io.yundoc.client.Models;
import io.yundoc.client.Placement;
import io.yundoc.client.YundocClient;
import io.yundoc.protocol.Scope;
import io.yundoc.protocol.wire.AppFileInfo;
import io.yundoc.protocol.wire.DownloadInfo;
import io.yundoc.protocol.wire.FileItem;
import io.yundoc.protocol.wire.LinkInfo;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** The client commands of {@code yundoc}: login, ls, upload, download, rm, mv, cp, share, unshare, info, versions. */
final class ClientCommands {
    private ClientCommands() {
    }

    /** Shared plumbing: output streams, the client, the app-space switch. */
    abstract static class Base implements Callable<Integer> {
        @Mixin
        ClientOptions o;
        @Spec
        CommandSpec spec;

        PrintWriter out() {
            return spec.commandLine().getOut();
        }

        PrintWriter err() {
            return spec.commandLine().getErr();
        }

        static List<String> itemRow(FileItem f) {
            return List.of(f.ftype(), f.fname(), f.ftype().equals("folder") ? "-" : Output.size(f.fsize()),
                    Output.time(f.mtime()), f.id().openId());
        }

        static final List<String> ITEM_HEADER = List.of("TYPE", "NAME", "SIZE", "MODIFIED", "ID");

        static List<String> appRow(AppFileInfo f) {
            return List.of(f.type(), f.name(), f.type().equals("folder") ? "-" : Output.size(f.size()),
                    Long.toString(f.version()), Output.time(f.mtime()), f.fileToken());
        }

        static final List<String> APP_HEADER = List.of("TYPE", "NAME", "SIZE", "VERSION", "MODIFIED", "TOKEN");

        static CliException usage(String message) {
            return new CliException(2, message);
        }

        /**
         * File tokens may start with '-', so unknown options reach the commands as arguments; one that starts with
         * "--" is still a typo'd option (a token that starts with "--" is 1 in 4096 and can be given as -- --x...).
         */
        void rejectOptionLike(List<?> args) {
            List<String> raw = spec.commandLine().getParseResult().originalArgs();
            int dashdash = raw.indexOf("--");
            for (Object a : args) {
                String s = String.valueOf(a);
                int at = raw.indexOf(s);
                if (s.startsWith("--") && s.length() > 2 && (dashdash < 0 || at < dashdash)) {
                    throw usage("unknown option " + s);
                }
            }
        }

        void rejectOptionLike(Object one) {
            if (one != null) {
                rejectOptionLike(List.of(one));
            }
        }
    }

    @Command(name = "login", mixinStandardHelpOptions = true,
            description = {"Authorize this command line as a yundoc user (OAuth authorization code flow).",
                    "Prints the authorize URL (and opens it when a desktop browser is available), listens on 127.0.0.1 for "
                            + "the redirect, exchanges the code and stores the tokens in the config dir with mode 0600.",
                    "The app must have a loopback redirect URI such as http://127.0.0.1/callback registered (any port matches)."})
    static final class Login extends Base {
        @Option(names = "--callback-port", defaultValue = "0", description = "callback port on 127.0.0.1 (default: any free port)")
        int port;
        @Option(names = "--scopes", split = ",", description = "scopes to request (default: all eight)")
        List<String> scopes;
        @Option(names = "--no-browser", arity = "0..1", fallbackValue = "true", description = "only print the URL")
        boolean noBrowser;
        @Option(names = "--login-timeout", defaultValue = "300", description = "seconds to wait for the redirect (default ${DEFAULT-VALUE})")
        int timeout;

        @Override
        public Integer call() throws Exception {
            if (o.appId() == null || o.appKey() == null) {
                throw usage("login needs --app-id and --app-key (or YUNDOC_APP_ID and YUNDOC_APP_KEY)");
            }
            List<Scope> wanted = new ArrayList<>();
            for (String s : scopes == null ? Arrays.stream(Scope.values()).map(Scope::wireName).toList() : scopes) {
                wanted.add(Scope.parse(s.trim()).orElseThrow(() -> usage("unknown scope " + s)));
            }
            byte[] st = new byte[16];
            new SecureRandom().nextBytes(st);
            String state = HexFormat.of().formatHex(st);
            CompletableFuture<String> redirect = new CompletableFuture<>();
            HttpServer listener = HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), port), 0);
            listener.createContext("/callback", ex -> {
                String q = ex.getRequestURI().getRawQuery();
                Map<String, String> p = query(q == null ? "" : q);
                // only the OAuth redirect ends the wait: a stray request (favicon, a probe) does not
                boolean redirectHit = ex.getRequestURI().getPath().equals("/callback")
                        && (p.containsKey("code") || p.containsKey("error"));
                byte[] page = ("<!doctype html><meta charset=utf-8><title>yundoc</title><p>yundoc: "
                        + (!redirectHit ? "waiting for the authorization redirect."
                        : p.containsKey("code") ? "authorization received; return to the terminal."
                        : "authorization did not complete.") + "</p>").getBytes(StandardCharsets.UTF_8);
                ex.getResponseHeaders().add("Content-Type", "text/html; charset=utf-8");
                ex.getResponseHeaders().add("Cache-Control", "no-store");
                ex.sendResponseHeaders(redirectHit ? 200 : 404, page.length);
                ex.getResponseBody().write(page);
                ex.close();
                if (redirectHit) {
                    redirect.complete(q);
                }
            });
            listener.start();
            try {
                String redirectUri = "http://127.0.0.1:" + listener.getAddress().getPort() + "/callback";
                try (YundocClient client = YundocClient.builder().baseUrl(o.server()).appId(o.appId()).appKey(o.appKey())
                        .tokenStore(new io.yundoc.client.FileTokenStore(o.tokensFile())).build()) {
                    URI url = client.oauth().authorizeUrl(redirectUri, wanted, state);
                    PrintWriter err = err();
                    err.println("Open this URL in a browser to authorize yundoc:");
                    err.println();
                    err.println("  " + url);
                    err.println();
                    if (!noBrowser) {
                        openBrowser(url);
                    }
                    boolean interactive = Progress.isTerminal(0);
                    err.print("Waiting for the redirect to 127.0.0.1:" + listener.getAddress().getPort()
                            + (interactive ? " (or paste the redirect URL here and press Enter): " : " ..."));
                    err.flush();
                    // stdin only when it is a terminal: a pipe may belong to someone else (a test runner's channel)
                    Thread stdin = !interactive ? Thread.ofPlatform().daemon().unstarted(() -> { }) : Thread.ofPlatform().daemon().start(() -> {
                        try {
                            BufferedReader r = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
                            String line = r.readLine();
                            if (line != null && !line.isBlank()) {
                                String l = line.trim();
                                int qi = l.indexOf('?');
                                redirect.complete(qi >= 0 ? l.substring(qi + 1) : l.contains("=") ? l : "code=" + l + "&state=" + state);
                            }
                        } catch (Exception ignored) {
                            // no terminal: the listener alone decides
                        }
                    });
                    String query;
                    try {
                        query = redirect.get(timeout, TimeUnit.SECONDS);
                    } catch (TimeoutException e) {
                        err.println();
                        throw new CliException(4, "no authorization within " + timeout + " s");
                    } finally {
                        stdin.interrupt();
                    }
                    err.println();
                    Map<String, String> p = query(query);
                    if (p.containsKey("error")) {
                        throw new CliException(4, "authorization denied: " + p.get("error"));
                    }
                    if (!state.equals(p.get("state"))) {
                        throw new CliException(4, "the redirect's state does not match this login; try again");
                    }
                    if (p.get("code") == null || p.get("code").isEmpty()) {
                        throw new CliException(4, "the redirect carries no code");
                    }
                    var tokens = client.oauth().exchangeCode(p.get("code"), redirectUri);
                    o.saveConfig(o.server(), o.appId(), o.appKey());
                    if (o.json) {
                        ObjectNode n = ClientOptions.JSON.createObjectNode().put("server", o.server()).put("app_id", o.appId())
                                .put("tokens_file", o.tokensFile().toString())
                                .put("expires_at", tokens.expiresAt() == null ? null : tokens.expiresAt().toString());
                        Output.json(out(), n);
                    } else {
                        out().println("Logged in to " + o.server() + " (app " + o.appId() + "); tokens saved to " + o.tokensFile());
                        out().flush();
                    }
                    return 0;
                }
            } finally {
                listener.stop(0);
            }
        }

        private void openBrowser(URI url) {
            try {
                if (System.getenv("DISPLAY") == null && System.getenv("WAYLAND_DISPLAY") == null
                        && !System.getProperty("os.name").toLowerCase().contains("mac")) {
                    return; // a terminal session: printing the URL is all we can do
                }
                if (java.awt.Desktop.isDesktopSupported() && java.awt.Desktop.getDesktop().isSupported(java.awt.Desktop.Action.BROWSE)) {
                    java.awt.Desktop.getDesktop().browse(url);
                }
            } catch (Throwable ignored) {
                // the printed URL is enough
            }
        }

        static Map<String, String> query(String q) {
            Map<String, String> m = new LinkedHashMap<>();
            for (String kv : q.split("&")) {
                if (kv.isEmpty()) {
                    continue;
                }
                int i = kv.indexOf('=');
                String k = URLDecoder.decode(i < 0 ? kv : kv.substring(0, i), StandardCharsets.UTF_8);
                String v = i < 0 ? "" : URLDecoder.decode(kv.substring(i + 1), StandardCharsets.UTF_8);
                m.putIfAbsent(k, v);
            }
            return m;
        }
    }

    @Command(name = "logout", mixinStandardHelpOptions = true, description = "Forget the stored tokens.")
    static final class Logout extends Base {
        @Override
        public Integer call() {
            new io.yundoc.client.FileTokenStore(o.tokensFile()).clear();
            if (!o.json) {
                out().println("Logged out; removed " + o.tokensFile());
                out().flush();
            } else {
                Output.json(out(), Map.of("logged_out", true));
            }
            return 0;
        }
    }

    @Command(name = "ls", mixinStandardHelpOptions = true, description = "List a personal folder (default 我的文档), every page.")
    static final class Ls extends Base {
        @Parameters(index = "0", arity = "0..1", description = "folder id (default: 我的文档)")
        String folder;
        @Option(names = "--app", arity = "0..1", fallbackValue = "true", description = "app space (it has no listing endpoint: refused)")
        boolean app;
        @Option(names = "--app-folder", arity = "0..1", fallbackValue = "true", description = "list the app's own folder 我的文档/应用/<app>")
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
                    Output.table(out(), ITEM_HEADER, items.stream().map(Base::itemRow).toList());
                }
            }
            return 0;
        }
    }

    @Command(name = "upload", mixinStandardHelpOptions = true, description = "Upload local files (personal, or --app).")
    static final class Upload extends Base {
        @Parameters(arity = "1..*", description = "local files")
        List<Path> files;
        @Option(names = "--app", arity = "0..1", fallbackValue = "true", description = "into the app space (WPS-2 signed)")
        boolean app;
        @Option(names = "--parent", description = "folder id (personal) or folder token (--app)")
        String parent;
        @Option(names = "--path", description = "folder path like a/b, created when missing")
        String path;
        @Option(names = "--root", arity = "0..1", fallbackValue = "true", description = "personal: start the path at 我的文档 instead of the app folder")
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
            List<String> segs = path == null ? List.of() : Arrays.stream(path.split("/")).filter(s -> !s.isBlank()).toList();
            List<Object> results = new ArrayList<>();
            try (YundocClient c = o.client(app)) {
                for (Path f : files) {
                    String n = name != null ? name : f.getFileName().toString();
                    Progress bar = new Progress(err(), "upload " + n);
                    if (app) {
                        AppFolder where = parent != null ? AppFolder.token(parent) : segs.isEmpty() ? AppFolder.root()
                                : AppFolder.path(segs.toArray(String[]::new));
                        results.add(c.appSpace().upload(f, n, where, creator, bar));
                    } else {
                        Placement where = parent != null ? Placement.inFolder(parent)
                                : new Placement(null, segs, root);
                        results.add(c.personal().upload(f, n, where, bar));
                    }
                    bar.finish();
                }
            }
            if (o.json) {
                Output.json(out(), results.size() == 1 ? results.get(0) : results);
            } else if (app) {
                Output.table(out(), APP_HEADER, results.stream().map(r -> appRow((AppFileInfo) r)).toList());
            } else {
                Output.table(out(), ITEM_HEADER, results.stream().map(r -> itemRow((FileItem) r)).toList());
            }
            return 0;
        }
    }

    @Command(name = "download",
            description = "Download a file, verified against its size and SHA-1, resuming after dropped connections.")
    static final class Download extends Base {
        @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help message and exit.")
        boolean help;
        @Parameters(index = "0", description = "file token")
        String token;
        @Option(names = {"-o", "--output"}, description = "target file or directory (default: the file's name, here)")
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
                    name = URLDecoder.decode(u.substring(u.lastIndexOf('/') + 1).replace("+", "%2B"), StandardCharsets.UTF_8);
                    if (name.isBlank() || name.contains("/") || name.equals("..") || name.equals(".")) {
                        name = token;
                    }
                }
                Path target = output == null ? Path.of(name) : Files.isDirectory(output) ? output.resolve(name) : output;
                Progress bar = new Progress(err(), "download " + name);
                Models.DownloadResult r = app
                        ? (version == null ? c.appSpace().download(token, target, bar) : c.appSpace().downloadVersion(token, version, target, bar))
                        : c.personal().download(token, target, bar);
                bar.finish();
                if (o.json) {
                    Output.json(out(), Map.of("path", r.path().toString(), "size", r.size(), "sha1", r.sha1(), "resumes", r.resumes()));
                } else {
                    out().println("Downloaded " + r.path() + " (" + Output.size(r.size()) + ", sha1 " + r.sha1() + " verified"
                            + (r.resumes() > 0 ? ", resumed " + r.resumes() + "x" : "") + ")");
                    out().flush();
                }
            }
            return 0;
        }
    }

    @Command(name = "rm", mixinStandardHelpOptions = true,
            description = "Delete files: personal ones go to the recycle bin; --app destroys them for good.")
    static final class Rm extends Base {
        @Parameters(arity = "1..*", description = "file tokens")
        List<String> tokens;
        @Option(names = "--app", arity = "0..1", fallbackValue = "true", description = "app space (permanent)")
        boolean app;
        @Option(names = "--modifier", description = "app space: modifier to record")
        String modifier;

        @Override
        public Integer call() {
            rejectOptionLike(tokens);
            try (YundocClient c = o.client(app)) {
                if (app) {
                    for (String t : tokens) {
                        c.appSpace().destroy(t, modifier);
                    }
                } else if (tokens.size() == 1) {
                    c.personal().delete(tokens.get(0));
                } else {
                    c.personal().deleteAll(tokens);
                }
            }
            if (o.json) {
                Output.json(out(), Map.of("deleted", tokens));
            } else {
                out().println((app ? "Destroyed " : "Moved to the recycle bin: ") + String.join(" ", tokens));
                out().flush();
            }
            return 0;
        }
    }

    @Command(name = "mv", mixinStandardHelpOptions = true, description = "Move files into a folder.")
    static final class Mv extends Base {
        @Parameters(arity = "1..*", description = "file tokens (all from one folder)")
        List<String> tokens;
        @Option(names = "--to", required = true, description = "target folder id (personal) or token (--app; \"\" = root)")
        String to;
        @Option(names = "--app", arity = "0..1", fallbackValue = "true", description = "app space")
        boolean app;

        @Override
        public Integer call() {
            rejectOptionLike(tokens);
            Models.TaskResult r;
            try (YundocClient c = o.client(app)) {
                r = app ? c.appSpace().move(tokens, to, null) : c.personal().move(tokens, to);
            }
            if (o.json) {
                Output.json(out(), r);
            } else {
                out().println("Moved " + String.join(" ", r.fileIds()) + " to " + (to.isEmpty() ? "the root" : to));
                out().flush();
            }
            return 0;
        }
    }

    @Command(name = "cp", mixinStandardHelpOptions = true, description = "Copy personal files (deeply for folders).")
    static final class Cp extends Base {
        @Parameters(arity = "1..*", description = "file tokens")
        List<String> tokens;
        @Option(names = "--to", description = "target folder id (default: the source folder)")
        String to;
        @Option(names = "--app", arity = "0..1", fallbackValue = "true", description = "app space: not supported (no copy endpoint)")
        boolean app;

        @Override
        public Integer call() {
            rejectOptionLike(tokens);
            if (app) {
                throw usage("the app space has no copy endpoint (api.md §5.9)");
            }
            Models.TaskResult r;
            try (YundocClient c = o.client(false)) {
                r = c.personal().copy(tokens, to);
            }
            if (o.json) {
                Output.json(out(), r);
            } else {
                out().println("Copied; new ids: " + String.join(" ", r.fileIds()));
                out().flush();
            }
            return 0;
        }
    }

    @Command(name = "share", mixinStandardHelpOptions = true, description = "Create or update a personal file's share link.")
    static final class Share extends Base {
        @Parameters(index = "0", description = "file token")
        String token;
        @Option(names = "--write", arity = "0..1", fallbackValue = "true", description = "allow editing (default: read)")
        boolean write;
        @Option(names = "--comment", arity = "0..1", fallbackValue = "true", description = "allow comments")
        boolean comment;
        @Option(names = "--period", description = "0 (permanent), 7 or 30 days")
        Integer period;
        @Option(names = "--close", arity = "0..1", fallbackValue = "true", description = "members only")
        boolean close;
        @Option(names = "--reset", arity = "0..1", fallbackValue = "true", description = "issue a new link, killing the old one")
        boolean reset;
        @Option(names = "--app", arity = "0..1", fallbackValue = "true", description = "app space: not supported (no links)")
        boolean app;

        @Override
        public Integer call() {
            rejectOptionLike(token);
            if (app) {
                throw usage("app-space files have no share links");
            }
            if (period != null && period != 0 && period != 7 && period != 30) {
                throw usage("--period must be 0, 7 or 30");
            }
            LinkOptions l = write ? LinkOptions.write() : LinkOptions.read();
            if (comment) {
                l = l.withComments();
            }
            if (period != null) {
                l = l.withPeriod(period);
            }
            if (close) {
                l = l.withStatus("close");
            }
            if (reset) {
                l = l.withReset();
            }
            LinkInfo info;
            try (YundocClient c = o.client(false)) {
                info = c.personal().share(token, l);
            }
            printLink(info);
            return 0;
        }

        void printLink(LinkInfo info) {
            if (o.json) {
                Output.json(out(), info);
            } else {
                out().println(info.linkUrl());
                out().println("  file " + info.filename() + ", " + info.linkPermission()
                        + (info.extPermList().contains("comment") ? " + comment" : "")
                        + ", " + (info.expireTime() == 0 ? "permanent" : "expires " + Output.time(info.expireTime())));
                out().flush();
            }
        }
    }

    @Command(name = "unshare", mixinStandardHelpOptions = true, description = "Remove a personal file's share link for good.")
    static final class Unshare extends Base {
        @Parameters(index = "0", description = "file token")
        String token;

        @Override
        public Integer call() {
            rejectOptionLike(token);
            try (YundocClient c = o.client(false)) {
                c.personal().unshare(token);
            }
            if (o.json) {
                Output.json(out(), Map.of("unshared", token));
            } else {
                out().println("Removed the share link of " + token);
                out().flush();
            }
            return 0;
        }
    }

    @Command(name = "info", mixinStandardHelpOptions = true,
            description = "Show a file: app-space file info (--app), or a personal file's size, SHA-1 and share link.")
    static final class Info extends Base {
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
                        Output.table(out(), List.of("FIELD", "VALUE"), List.of(
                                List.of("name", f.name()), List.of("type", f.type()), List.of("size", f.size() + " (" + Output.size(f.size()) + ")"),
                                List.of("version", Long.toString(f.version())), List.of("content_type", String.valueOf(f.contentType())),
                                List.of("parent_token", f.parentToken()), List.of("created", Output.time(f.ctime())),
                                List.of("modified", Output.time(f.mtime())), List.of("creator", String.valueOf(f.creator())),
                                List.of("modifier", String.valueOf(f.modifier())), List.of("file_token", f.fileToken())));
                    }
                    return 0;
                }
                DownloadInfo d = null;
                String note = null;
                try {
                    d = c.personal().downloadInfo(token);
                } catch (io.yundoc.client.YundocException e) {
                    if (e.code() != 30006 && e.code() != 10001) {
                        throw e;
                    }
                    note = e.code() == 30006 ? "online document (no bytes)" : "folder";
                }
                LinkInfo link = null;
                try {
                    link = c.personal().getLink(token);
                } catch (io.yundoc.client.YundocException e) {
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
                    rows.add(List.of("link", link == null ? "not shared" : link.linkUrl() + " (" + link.linkPermission() + ")"));
                    Output.table(out(), List.of("FIELD", "VALUE"), rows);
                }
            }
            return 0;
        }
    }

    @Command(name = "versions", mixinStandardHelpOptions = true, description = "List an app-space file's versions, newest first.")
    static final class Versions extends Base {
        @Parameters(index = "0", description = "file token")
        String token;
        @Option(names = "--app", arity = "0..1", fallbackValue = "true", description = "app space (the only space with versions; implied)")
        boolean app;

        @Override
        public Integer call() {
            rejectOptionLike(token);
            List<AppFileInfo> all = new ArrayList<>();
            try (YundocClient c = o.client(true)) {
                Long offset = null;
                do {
                    Models.VersionPage p = c.appSpace().versions(token, offset, 100);
                    all.addAll(p.versions());
                    offset = p.nextOffset() < 0 ? null : p.nextOffset();
                } while (offset != null);
            }
            if (o.json) {
                Output.json(out(), all);
            } else {
                Output.table(out(), APP_HEADER, all.stream().map(Base::appRow).toList());
            }
            return 0;
        }
    }

    @Command(name = "completion", mixinStandardHelpOptions = true,
            description = {"Print a bash/zsh completion script for yundoc.",
                    "Use: source <(yundoc completion)  or  yundoc completion > /etc/bash_completion.d/yundoc"})
    static final class Completion implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            CommandLine root = spec.root().commandLine();
            spec.commandLine().getOut().print(AutoComplete.bash("yundoc", root));
            spec.commandLine().getOut().flush();
            return 0;
        }
    }
}
