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
 * alone. PDFs, and Office documents once a {@link PreviewSource} has converted them, are drawn by the page's PDF.js
 * viewer ({@code static/viewer/}) from the bytes served here; an Office document still being converted shows as
 * {@link Kind#PREPARING}.
 */
public final class Previews {
    static final long MARKDOWN_LIMIT = 1 << 20;
    private static final Map<String, String> IMAGES = Map.of(
            "png", "image/png", "jpg", "image/jpeg", "jpeg", "image/jpeg", "gif", "image/gif", "webp", "image/webp");
    private final SharedFiles shared;
    private final BlobStore store;
    private final BlobResponder responder;
    private final PreviewSource source;
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

    public Previews(SharedFiles shared, BlobStore store, BlobResponder responder, PreviewSource source) {
        this.shared = shared;
        this.source = source;
        this.store = store;
        this.responder = responder;
    }

    /**
     * What a file's preview is. {@code PDF} is drawn by the viewer (a PDF file, or an Office document's converted
     * PDF); {@code PREPARING}: an Office document whose PDF is being made; {@code NONE}: the no-preview note.
     */
    public enum Kind {
        IMAGE,
        PDF,
        TEXT,
        MARKDOWN,
        PREPARING,
        NONE
    }

    /** What the page shows for {@code f} now: by extension, and for Office documents by the preview source. */
    Kind shown(FileRecord f) {
        Kind k = kind(f);
        if (k != Kind.NONE
                || f.isFolder()
                || f.online()
                || f.blobKey() == null
                || !PreviewSource.OFFICE.contains(ContentTypes.extension(f.name()))) {
            return k;
        }
        return switch (officePdf(f).state()) {
            case READY -> Kind.PDF;
            case PREPARING -> Kind.PREPARING;
            case NONE -> Kind.NONE;
        };
    }

    private PreviewSource.PdfPreview officePdf(FileRecord f) {
        return source.pdfFor(new PreviewSource.FileVersion(f.fileId(), f.name(), f.blobKey(), f.size()));
    }

    /** The state the page's poll reads ({@code /preview/status}): preparing, ready or none. */
    static String state(Kind k) {
        return switch (k) {
            case PREPARING -> "preparing";
            case NONE -> "none";
            default -> "ready";
        };
    }

    /** What a file's preview is by its extension alone (Office documents: NONE, see {@link #shown}). */
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
        boolean office = false;
        BlobRecord b;
        if (kind == Kind.NONE) {
            if (f.isFolder()
                    || f.online()
                    || f.blobKey() == null
                    || !PreviewSource.OFFICE.contains(ContentTypes.extension(f.name()))) {
                return false;
            }
            // an Office document is previewed through its converted PDF's bytes, once there
            b = officePdf(f).pdf();
            kind = Kind.PDF;
            office = true;
        } else {
            b = shared.blobRow(f).orElse(null);
        }
        if (b == null) {
            return false;
        }
        var res = c.response();
        res.header(
                "Content-Security-Policy",
                kind == Kind.PDF ? "sandbox" : "sandbox; default-src 'none'; style-src 'unsafe-inline'");
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
        String name = office ? stem(f.name()) + ".pdf" : f.name();
        responder.serve(
                c.request(),
                res,
                new BlobResponder.Body(b.key(), b.size(), b.sha1(), f.mtime(), name, type, "no-store", true));
        return true;
    }

    private static String stem(String name) {
        int dot = name.lastIndexOf('.');
        return dot > 0 ? name.substring(0, dot) : name;
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
