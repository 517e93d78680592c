package io.yundoc.server.web;

import io.helidon.http.Method;
import io.yundoc.server.api.ApiRoutes;
import io.yundoc.server.api.Routes;
import io.yundoc.server.api.Call;
import io.yundoc.server.blob.BlobRecord;
import io.yundoc.server.blob.BlobResponder;
import io.yundoc.server.blob.ContentTypes;
import io.yundoc.server.core.ServerClock;
import io.yundoc.server.files.DownloadService;
import io.yundoc.server.files.FileRecord;
import io.yundoc.server.links.LinkRecord;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Optional;

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

    public SharePageRoutes(SharedFiles shared, BlobResponder responder, DownloadService downloads, ZoneId zone,
                           Previews previews) {
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
    }

    private void view(Call c) {
        boolean zh = Html.chinese(c.request());
        String token = c.query("token").orElse(null);
        Optional<SharedFiles.Shared> s = shared.byEditToken(c.param("file_token"), token);
        if (s.isEmpty()) {
            notFound(c, zh);
            return;
        }
        String previewUrl = c.baseUrl() + "/v/" + s.get().file().fileId() + "/preview?token="
                + java.net.URLEncoder.encode(token, StandardCharsets.UTF_8);
        render(c, zh, s.get(), previewUrl, Framing.ALLOW);
    }

    private void viewPreview(Call c) {
        Optional<SharedFiles.Shared> s = shared.byEditToken(c.param("file_token"), c.query("token").orElse(null));
        if (s.isEmpty() || !previews.serve(c, s.get().file())) {
            notFound(c, Html.chinese(c.request()));
        }
    }

    private void linkPreview(Call c) {
        Optional<SharedFiles.Shared> s = shared.byLink(c.param("sid"));
        if (s.isEmpty() || !previews.serve(c, s.get().file())) {
            notFound(c, Html.chinese(c.request()));
        }
    }

    private void page(Call c) {
        boolean zh = Html.chinese(c.request());
        Optional<SharedFiles.Shared> s = shared.byLink(c.param("sid"));
        if (s.isEmpty()) {
            notFound(c, zh, Framing.DENY);
            return;
        }
        render(c, zh, s.get(), c.baseUrl() + "/l/" + s.get().link().sid() + "/preview", Framing.DENY);
    }

    /** The page body shared by /l/ and /v/: details, preview, download button. {@code link} may be null on /v/. */
    private void render(Call c, boolean zh, SharedFiles.Shared s, String previewUrl, Framing framing) {
        FileRecord f = s.file();
        LinkRecord l = s.link();
        String expiry = l == null ? "—" : l.expireTime() == 0 ? (zh ? "永久有效" : "permanent")
                : DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm").format(Instant.ofEpochSecond(l.expireTime()).atZone(zone))
                + " (" + zone.getId() + ")";
        String perm = l == null ? (zh ? "所有者或成员" : "owner or member")
                : "write".equals(l.permission()) ? (zh ? "可编辑" : "can edit") : (zh ? "仅查看" : "view only");
        if (l != null && l.extPermList().contains("comment")) {
            perm += zh ? "，允许评论" : ", comments allowed";
        }
        StringBuilder b = new StringBuilder();
        b.append("<div class=\"icon\" aria-hidden=\"true\">").append(icon(f.name())).append("</div>");
        b.append("<h1 id=\"file-name\">").append(Html.esc(f.name())).append("</h1><dl>");
        row(b, zh ? "大小" : "Size", f.online() ? (zh ? "在线文档" : "online document")
                : Html.humanSize(f.size()) + " (" + f.size() + (zh ? " 字节)" : " bytes)"));
        row(b, zh ? "类型" : "Type", ContentTypes.extension(f.name()).isEmpty() ? "—" : "." + ContentTypes.extension(f.name()));
        row(b, zh ? "分享者" : "Shared by", s.owner().nickname());
        row(b, zh ? "权限" : "Permission", perm);
        row(b, zh ? "有效期至" : "Expires", expiry);
        b.append("</dl>");
        if (!f.online() && f.blobKey() != null) {
            String url = downloads.url(c.baseUrl(), f.fileId(), f.blobKey(), f.name());
            b.append("<p><a class=\"btn\" id=\"download\" href=\"").append(Html.esc(url)).append("\" download>")
                    .append(zh ? "下载" : "Download").append("</a></p>");
        }
        b.append(previews.embed(f, previewUrl, zh));
        send(c, 200, Html.page(zh, f.name(), b.toString()), framing);
    }

    private void download(Call c) {
        Optional<SharedFiles.Shared> s = shared.byLink(c.param("sid"));
        if (s.isEmpty() || s.get().file().online() || s.get().file().blobKey() == null) {
            notFound(c, Html.chinese(c.request()), Framing.DENY);
            return;
        }
        FileRecord f = s.get().file();
        BlobRecord blob = shared.blob(f);
        c.response().header("Referrer-Policy", "no-referrer");
        c.response().header("X-Robots-Tag", "noindex, nofollow");
        responder.serve(c.request(), c.response(), new BlobResponder.Body(blob.key(), blob.size(), blob.sha1(), f.mtime(),
                f.name(), ContentTypes.of(f.name()), "no-store", false));
    }

    private static void row(StringBuilder b, String k, String v) {
        b.append("<dt>").append(Html.esc(k)).append("</dt><dd>").append(Html.esc(v)).append("</dd>");
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
    enum Framing { DENY, ALLOW }

    static void notFound(Call c, boolean zh) {
        notFound(c, zh, Framing.ALLOW);
    }

    static void notFound(Call c, boolean zh, Framing framing) {
        String body = zh
                ? "<h1>链接不存在或已失效</h1><p>可能的原因：</p><ul><li>链接输入有误</li><li>分享者已关闭、重置或删除了该链接</li>"
                + "<li>链接已过期</li><li>文件已被删除</li></ul><p class=\"muted\">The link does not exist or is no longer valid.</p>"
                : "<h1>This link does not exist or is no longer valid</h1><p>Possible reasons:</p><ul><li>the address was mistyped</li>"
                + "<li>the owner closed, reset or deleted the link</li><li>the link expired</li><li>the file was removed</li></ul>"
                + "<p class=\"muted\">链接不存在或已失效。</p>";
        send(c, 404, Html.page(zh, zh ? "链接不存在" : "Link not found", body), framing);
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
            res.header("Content-Security-Policy",
                    "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'; frame-src 'self'; frame-ancestors 'none'");
        } else {
            res.header("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'; frame-src 'self'");
        }
        byte[] bytes = html.getBytes(StandardCharsets.UTF_8);
        if (c.request().prologue().method() == Method.HEAD) {
            res.header("Content-Length", Integer.toString(bytes.length));
            res.send();
        } else {
            res.send(bytes);
        }
    }
}
