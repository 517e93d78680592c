package io.yundoc.server.web;

import io.helidon.http.Method;
import io.yundoc.server.api.ApiRoutes;
import io.yundoc.server.api.Call;
import io.yundoc.server.api.Routes;
import io.yundoc.server.appspace.AnonymousPreviewService;
import io.yundoc.server.blob.BlobRecord;
import io.yundoc.server.blob.BlobResponder;
import io.yundoc.server.blob.ContentTypes;
import io.yundoc.server.files.DownloadService;
import io.yundoc.server.files.FileRecord;
import io.yundoc.server.links.LinkRecord;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The share page {@code /l/<sid>} (api.md §7): the file's name, type, size, owner, permission and expiry, and a
 * download button carrying a fresh temporary URL. Every reason a link cannot be used gets the same 404 page.
 */
public final class SharePageRoutes implements ApiRoutes {
    private final SharedFiles shared;
    private final BlobResponder responder;
    private final DownloadService downloads;
    private final ZoneId zone;
    private final Previews previews;

    private AnonymousPreviewService anonymous;

    /**
     * The viewer's scripts (PDF.js from the npm package {@code pdfjs-dist}, Apache-2.0, and {@code viewer.mjs}),
     * served by yundoc itself: no CDN. Module scripts and module workers need a JavaScript media type.
     */
    private static final Map<String, String> ASSETS = Map.of(
            "viewer.mjs", "/static/viewer/viewer.mjs",
            "pdf.min.mjs", "/static/viewer/pdf.min.mjs",
            "pdf.worker.min.mjs", "/static/viewer/pdf.worker.min.mjs");

    private final Map<String, byte[]> assetBytes = new ConcurrentHashMap<>();

    /**
     * Same-origin scripts only: the viewer ({@code /viewer/*.mjs}) and its PDF.js worker, which fetch the preview
     * bytes and the status from this site; PDF.js paints into canvases and loads a PDF's fonts as data.
     */
    static final String PAGE_CSP = "default-src 'none'; script-src 'self'; worker-src 'self'; connect-src 'self'; "
            + "style-src 'unsafe-inline'; img-src 'self' blob: data:; font-src 'self' data:; frame-src 'self'; "
            + "base-uri 'none'; form-action 'none'";

    public SharePageRoutes(
            SharedFiles shared, BlobResponder responder, DownloadService downloads, ZoneId zone, Previews previews) {
        this.shared = shared;
        this.previews = previews;
        this.responder = responder;
        this.downloads = downloads;
        this.zone = zone;
    }

    @Override
    public void routes(Routes r) {
        r.open(Method.GET, "/l/:sid", this::page);
        r.open(Method.HEAD, "/l/:sid", this::page);
        r.open(Method.GET, "/l/:sid/download", this::download);
        r.open(Method.HEAD, "/l/:sid/download", this::download);
        r.open(Method.GET, "/l/:sid/preview", this::linkPreview);
        r.open(Method.HEAD, "/l/:sid/preview", this::linkPreview);
        r.open(Method.GET, "/v/:file_token", this::view);
        r.open(Method.HEAD, "/v/:file_token", this::view);
        r.open(Method.GET, "/v/:file_token/preview", this::viewPreview);
        r.open(Method.HEAD, "/v/:file_token/preview", this::viewPreview);
        r.open(Method.GET, "/l/:sid/preview/status", c -> status(c, shared.byLink(c.param("sid"))));
        r.open(
                Method.GET,
                "/v/:file_token/preview/status",
                c -> status(
                        c,
                        shared.byEditToken(
                                c.param("file_token"), c.query("token").orElse(null))));
        r.open(Method.GET, "/viewer/:name", this::asset);
        if (anonymous != null) {
            r.open(Method.GET, "/a/:task_id", this::anonymousPage);
            r.open(Method.HEAD, "/a/:task_id", this::anonymousPage);
            r.open(Method.GET, "/a/:task_id/preview", this::anonymousPreview);
            r.open(Method.HEAD, "/a/:task_id/preview", this::anonymousPreview);
            r.open(Method.GET, "/a/:task_id/preview/status", c -> {
                var o = anonymous.open(c.param("task_id"), c.query("token").orElse(null));
                if (o.isEmpty()) {
                    notFound(c);
                    return;
                }
                sendStatus(c, previews.shown(o.get().file()));
            });
        }
    }

    /** Serves the anonymous-preview page {@code /a/<task_id>?token=} (api-families.md §F4.2) from these tasks. */
    public SharePageRoutes withAnonymous(AnonymousPreviewService service) {
        this.anonymous = service;
        return this;
    }

    /**
     * The anonymous-preview page: the same viewer as the share page, without login, while the token lives; a download
     * button only when the task allowed it. A cancelled, refreshed, expired or forged token gets the 404 page.
     */
    private void anonymousPage(Call c) {
        String task = c.param("task_id");
        String token = c.query("token").orElse(null);
        var o = anonymous.open(task, token);
        if (o.isEmpty()) {
            notFound(c, Framing.ALLOW);
            return;
        }
        PageText t = PageText.byAcceptLanguage(c.request());
        FileRecord f = o.get().file();
        String expiry = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm")
                        .format(Instant.ofEpochMilli(o.get().expiresAt()).atZone(zone))
                + " (" + zone.getId() + ")";
        String downloadUrl = o.get().download() && !f.online() && f.blobKey() != null
                ? downloads.url(c.baseUrl(), f.fileId(), f.blobKey(), f.name())
                : null;
        String base = c.baseUrl() + "/a/" + task + "/preview";
        String query = "?token=" + URLEncoder.encode(token, StandardCharsets.UTF_8);
        // frameable: the page exists to be embedded by the app (jssdk), like the /v/ view page
        send(
                c,
                200,
                Pages.render(
                        "share/file.jte",
                        Map.of(
                                "t",
                                t,
                                "v",
                                view(
                                        c,
                                        f,
                                        "—",
                                        t.get("share.perm.read"),
                                        expiry,
                                        downloadUrl,
                                        base + query,
                                        base + "/status" + query))),
                Framing.ALLOW);
    }

    private void anonymousPreview(Call c) {
        var o = anonymous.open(c.param("task_id"), c.query("token").orElse(null));
        if (o.isEmpty() || !previews.serve(c, o.get().file())) {
            notFound(c);
        }
    }

    private void asset(Call c) {
        String path = ASSETS.get(c.param("name"));
        if (path == null) {
            notFound(c);
            return;
        }
        byte[] bytes = assetBytes.computeIfAbsent(path, OpsRoutes::load);
        var res = c.response();
        res.header("Content-Type", "text/javascript; charset=utf-8");
        res.header("Cache-Control", "public, max-age=3600");
        res.header("X-Content-Type-Options", "nosniff");
        res.header("Cross-Origin-Resource-Policy", "same-origin");
        res.send(bytes);
    }

    /** {@code {"state":"preparing"|"ready"|"none"}}: what the page's poll waits on; the 404 page when the link ended. */
    private void status(Call c, Optional<SharedFiles.Shared> s) {
        if (s.isEmpty()) {
            notFound(c);
            return;
        }
        sendStatus(c, previews.shown(s.get().file()));
    }

    static void sendStatus(Call c, Previews.Kind shown) {
        var res = c.response();
        res.header("Content-Type", "application/json");
        res.header("Cache-Control", "no-store");
        res.header("X-Content-Type-Options", "nosniff");
        res.send(("{\"state\":\"" + Previews.state(shown) + "\"}").getBytes(StandardCharsets.UTF_8));
    }

    private void view(Call c) {
        String token = c.query("token").orElse(null);
        Optional<SharedFiles.Shared> s = shared.byEditToken(c.param("file_token"), token);
        if (s.isEmpty()) {
            notFound(c);
            return;
        }
        String base = c.baseUrl() + "/v/" + s.get().file().fileId() + "/preview";
        String query = "?token=" + URLEncoder.encode(token, StandardCharsets.UTF_8);
        render(c, s.get(), base + query, base + "/status" + query, Framing.ALLOW);
    }

    private void viewPreview(Call c) {
        Optional<SharedFiles.Shared> s =
                shared.byEditToken(c.param("file_token"), c.query("token").orElse(null));
        if (s.isEmpty() || !previews.serve(c, s.get().file())) {
            notFound(c);
        }
    }

    private void linkPreview(Call c) {
        Optional<SharedFiles.Shared> s = shared.byLink(c.param("sid"));
        if (s.isEmpty() || !previews.serve(c, s.get().file())) {
            notFound(c);
        }
    }

    private void page(Call c) {
        Optional<SharedFiles.Shared> s = shared.byLink(c.param("sid"));
        if (s.isEmpty()) {
            notFound(c, Framing.DENY);
            return;
        }
        String preview = c.baseUrl() + "/l/" + s.get().link().sid() + "/preview";
        render(c, s.get(), preview, preview + "/status", Framing.DENY);
    }

    /**
     * What the share and view pages show of a file ({@code share/file.jte}). {@code downloadUrl} is null for an
     * online document; {@code previewUrl} is used when {@code preview} is not {@code NONE}; {@code statusUrl} is
     * polled while it is {@code PREPARING}; {@code assets} is where the viewer's scripts are ({@code /viewer}).
     */
    public record FileView(
            String icon,
            String name,
            boolean online,
            String humanSize,
            long size,
            String type,
            String owner,
            String permission,
            String expires,
            String downloadUrl,
            Previews.Kind preview,
            String previewUrl,
            String statusUrl,
            String assets) {}

    /** The page shared by /l/ and /v/: details, preview, download button. {@code link} may be null on /v/. */
    private void render(Call c, SharedFiles.Shared s, String previewUrl, String statusUrl, Framing framing) {
        PageText t = PageText.byAcceptLanguage(c.request());
        FileRecord f = s.file();
        LinkRecord l = s.link();
        String expiry = l == null
                ? "—"
                : l.expireTime() == 0
                        ? t.get("share.permanent")
                        : DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm")
                                        .format(Instant.ofEpochSecond(l.expireTime())
                                                .atZone(zone))
                                + " (" + zone.getId() + ")";
        String perm = t.get(
                l == null
                        ? "share.perm.member"
                        : "write".equals(l.permission()) ? "share.perm.write" : "share.perm.read");
        if (l != null && l.extPermList().contains("comment")) {
            perm += t.get("share.perm.comment");
        }
        String downloadUrl = !f.online() && f.blobKey() != null
                ? downloads.url(c.baseUrl(), f.fileId(), f.blobKey(), f.name())
                : null;
        send(
                c,
                200,
                Pages.render(
                        "share/file.jte",
                        Map.of(
                                "t",
                                t,
                                "v",
                                view(c, f, s.owner().nickname(), perm, expiry, downloadUrl, previewUrl, statusUrl))),
                framing);
    }

    /** The page's view of {@code f}, its preview as shown now (an Office document may be PREPARING). */
    FileView view(
            Call c,
            FileRecord f,
            String owner,
            String perm,
            String expiry,
            String downloadUrl,
            String previewUrl,
            String statusUrl) {
        String ext = ContentTypes.extension(f.name());
        return new FileView(
                icon(f.name()),
                f.name(),
                f.online(),
                PageText.humanSize(f.size()),
                f.size(),
                ext.isEmpty() ? "—" : "." + ext,
                owner,
                perm,
                expiry,
                downloadUrl,
                previews.shown(f),
                previewUrl,
                statusUrl,
                c.baseUrl() + "/viewer");
    }

    private void download(Call c) {
        Optional<SharedFiles.Shared> s = shared.byLink(c.param("sid"));
        if (s.isEmpty() || s.get().file().online() || s.get().file().blobKey() == null) {
            notFound(c, Framing.DENY);
            return;
        }
        FileRecord f = s.get().file();
        BlobRecord blob = shared.blob(f);
        c.response().header("Referrer-Policy", "no-referrer");
        c.response().header("X-Robots-Tag", "noindex, nofollow");
        responder.serve(
                c.request(),
                c.response(),
                new BlobResponder.Body(
                        blob.key(),
                        blob.size(),
                        blob.sha1(),
                        f.mtime(),
                        f.name(),
                        ContentTypes.of(f.name()),
                        "no-store",
                        false));
    }

    private static String icon(String name) {
        return switch (ContentTypes.extension(name)) {
            case "doc", "docx", "otl", "txt", "md" -> "📄";
            case "xls", "xlsx", "ksheet", "csv", "dbt" -> "📊";
            case "ppt", "pptx" -> "📽";
            case "pdf" -> "📕";
            case "png", "jpg", "jpeg", "gif", "webp" -> "🖼";
            default -> "📁";
        };
    }

    /**
     * Whether a page may be shown inside another site's frame. The share page refuses, as the auth pages do
     * (clickjacking: its download button must not be overlaid by a hostile page). The {@code /v/} view page and
     * the 404 answered inside the share page's own preview frame stay frameable: edit-token URLs exist to be
     * embedded, and a DENY there would blank the preview frame instead of showing the 404 text.
     */
    enum Framing {
        DENY,
        ALLOW
    }

    static void notFound(Call c) {
        notFound(c, Framing.ALLOW);
    }

    static void notFound(Call c, Framing framing) {
        PageText t = PageText.byAcceptLanguage(c.request());
        send(c, 404, Pages.render("share/notfound.jte", Map.of("t", t)), framing);
    }

    static void send(Call c, int status, String html, Framing framing) {
        var res = c.response();
        res.status(status);
        res.header("Content-Type", "text/html; charset=utf-8");
        res.header("Cache-Control", "no-store");
        res.header("Referrer-Policy", "no-referrer");
        res.header("X-Robots-Tag", "noindex, nofollow");
        res.header("X-Content-Type-Options", "nosniff");
        if (framing == Framing.DENY) {
            res.header("X-Frame-Options", "DENY");
            res.header("Content-Security-Policy", PAGE_CSP + "; frame-ancestors 'none'");
        } else {
            res.header("Content-Security-Policy", PAGE_CSP);
        }
        byte[] bytes = html.getBytes(StandardCharsets.UTF_8);
        if (Method.HEAD.equals(c.request().prologue().method())) {
            res.header("Content-Length", Integer.toString(bytes.length));
            res.send();
        } else {
            res.send(bytes);
        }
    }
}
