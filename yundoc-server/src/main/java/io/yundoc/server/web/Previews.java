package io.yundoc.server.web;

import io.helidon.http.Method;
import io.yundoc.server.api.Call;
import io.yundoc.server.blob.BlobRecord;
import io.yundoc.server.blob.BlobResponder;
import io.yundoc.server.blob.BlobStore;
import io.yundoc.server.blob.ContentTypes;
import io.yundoc.server.files.FileRecord;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import org.commonmark.node.Image;
import org.commonmark.node.Link;
import org.commonmark.parser.Parser;
import org.commonmark.renderer.html.HtmlRenderer;

/**
 * Inline previews of the share and view pages (api.md §7; the page's preview block is in {@code share/file.jte}). Only an allow-list is ever served inline: images,
 * PDF, plain text, and Markdown rendered here to HTML with raw HTML escaped, URLs sanitised and images dropped
 * (no external resources). HTML and SVG never are. Every preview is sandboxed by CSP; PDF gets {@code sandbox}
 * alone, because a stricter policy can break the browser's own viewer.
 */
public final class Previews {
    static final long MARKDOWN_LIMIT = 1 << 20;
    private static final Map<String, String> IMAGES = Map.of("png", "image/png", "jpg", "image/jpeg", "jpeg", "image/jpeg",
            "gif", "image/gif", "webp", "image/webp");
    private final SharedFiles shared;
    private final BlobStore store;
    private final BlobResponder responder;
    private final Parser parser = Parser.builder().build();
    private final HtmlRenderer renderer = HtmlRenderer.builder()
            .escapeHtml(true)
            .sanitizeUrls(true)
            .attributeProviderFactory(ctx -> (node, tag, attrs) -> {
                if (node instanceof Image) {
                    attrs.remove("src"); // no external (or any) resources from a preview
                }
                if (node instanceof Link) {
                    attrs.put("rel", "noopener noreferrer nofollow");
                    attrs.put("target", "_blank");
                }
            })
            .build();

    public Previews(SharedFiles shared, BlobStore store, BlobResponder responder) {
        this.shared = shared;
        this.store = store;
        this.responder = responder;
    }

    /** What a file's preview is, by its extension. */
    public enum Kind { IMAGE, PDF, TEXT, MARKDOWN, NONE }

    static Kind kind(FileRecord f) {
        if (f.isFolder() || f.online() || f.blobKey() == null) {
            return Kind.NONE;
        }
        String ext = ContentTypes.extension(f.name());
        if (IMAGES.containsKey(ext)) {
            return Kind.IMAGE;
        }
        return switch (ext) {
            case "pdf" -> Kind.PDF;
            case "txt" -> Kind.TEXT;
            case "md" -> Kind.MARKDOWN;
            default -> Kind.NONE;
        };
    }

    /** Serves the preview of {@code f}; false when its type has none (the caller answers 404). */
    boolean serve(Call c, FileRecord f) {
        Kind kind = kind(f);
        if (kind == Kind.NONE) {
            return false;
        }
        BlobRecord b = shared.blobRow(f).orElse(null);
        if (b == null) {
            return false;
        }
        var res = c.response();
        res.header("Content-Security-Policy", kind == Kind.PDF ? "sandbox" : "sandbox; default-src 'none'; style-src 'unsafe-inline'");
        res.header("Referrer-Policy", "no-referrer");
        res.header("X-Robots-Tag", "noindex, nofollow");
        if (kind == Kind.MARKDOWN && b.size() <= MARKDOWN_LIMIT) {
            byte[] html = markdownPage(f.name(), read(b)).getBytes(StandardCharsets.UTF_8);
            res.header("Content-Type", "text/html; charset=utf-8");
            res.header("Content-Disposition", "inline");
            res.header("Cache-Control", "no-store");
            res.header("X-Content-Type-Options", "nosniff");
            res.header("ETag", "\"md-" + b.sha1() + "\"");
            if (Method.HEAD.equals(c.request().prologue().method())) {
                res.header("Content-Length", Integer.toString(html.length));
                res.send();
            } else {
                res.send(html);
            }
            return true;
        }
        String type = switch (kind) {
            case IMAGE -> IMAGES.get(ContentTypes.extension(f.name()));
            case PDF -> "application/pdf";
            default -> "text/plain; charset=utf-8"; // .txt, and Markdown over the render limit
        };
        responder.serve(c.request(), res, new BlobResponder.Body(b.key(), b.size(), b.sha1(), f.mtime(), f.name(), type,
                "no-store", true));
        return true;
    }

    /** Markdown rendered to a standalone, script-free document. */
    String markdownPage(String title, String markdown) {
        Map<String, Object> params = new HashMap<>();
        params.put("title", title);
        params.put("html", renderer.render(parser.parse(markdown)));
        return Pages.render("share/markdown.jte", params);
    }

    private String read(BlobRecord b) {
        try (InputStream in = store.open(b.key(), 0)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
