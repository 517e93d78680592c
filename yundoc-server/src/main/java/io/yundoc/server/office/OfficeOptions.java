package io.yundoc.server.office;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.yundoc.server.core.ApiException;
import io.yundoc.server.core.Json;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * A convert request's fields, validated as docs/api-families.md §F3.2 says (every violation → 10001 with a hint).
 * Stored with the task as JSON ({@link #toJson}); the password is dropped from the stored copy when the task ends.
 */
record OfficeOptions(
        String kind,
        String filename,
        String ext,
        String password,
        String ranges,
        Integer fromPage,
        Integer toPage,
        boolean showComments,
        boolean longPic,
        int dpi,
        int scale,
        int quality,
        boolean longTxt,
        boolean holdLineFeed,
        boolean fitToWidth,
        boolean fitToHeight) {
    static final int LONG_PIC_PAGES = 20;
    static final Set<String> OFFICE = Set.of("docx", "doc", "xlsx", "xls", "pptx", "ppt");
    private static final int MAX_PAGE = 100_000;

    /** Input types per route (§F3.1). */
    static Set<String> accepted(String kind) {
        return kind.equals("pdf") ? OFFICE : plusPdf();
    }

    private static Set<String> plusPdf() {
        Set<String> s = new HashSet<>(OFFICE);
        s.add("pdf");
        return s;
    }

    static String extension(String filename) {
        int dot = filename.lastIndexOf('.');
        return dot < 0 ? "" : filename.substring(dot + 1).toLowerCase(Locale.ROOT);
    }

    /** The file name: required, one path segment, a sensible length. */
    static String filename(ObjectNode body) {
        String name = Json.text(body, "filename").orElse("").strip();
        if (name.isEmpty()) {
            throw ApiException.invalid("filename is required");
        }
        if (name.length() > 240
                || name.contains("/")
                || name.contains("\\")
                || name.chars().anyMatch(ch -> ch < 0x20)) {
            throw ApiException.invalid("filename is not a valid file name");
        }
        return name;
    }

    static OfficeOptions parse(String kind, ObjectNode body) {
        String name = filename(body);
        String ext = extension(name);
        if (!accepted(kind).contains(ext)) {
            throw ApiException.invalid("unsupported input type");
        }
        String password = Json.text(body, "password").filter(p -> !p.isEmpty()).orElse(null);
        if (password != null && password.length() > 256) {
            throw ApiException.invalid("password is too long");
        }
        String ranges = Json.text(body, "ranges")
                .map(String::strip)
                .filter(r -> !r.isEmpty())
                .orElse(null);
        Integer from = Json.integer(body, "from_page")
                .map(v -> bounded("from_page", v, 1, MAX_PAGE))
                .orElse(null);
        Integer to = Json.integer(body, "to_page")
                .map(v -> bounded("to_page", v, 1, MAX_PAGE))
                .orElse(null);
        if (ranges != null && (from != null || to != null)) {
            throw ApiException.invalid("ranges and from_page/to_page are mutually exclusive");
        }
        if (from != null && to != null && to <= from) {
            throw ApiException.invalid("to_page must be greater than from_page");
        }
        if (ranges != null) {
            pages(ranges, Integer.MAX_VALUE); // syntax check now
        }
        boolean comments = flag(body, "show_comments");
        boolean longPic = kind.equals("jpg") && flag(body, "long_pic");
        int dpi = Json.integer(body, "image_dpi")
                .map(v -> bounded("image_dpi", v, 96, 600))
                .orElse(96);
        int scale = Json.integer(body, "scale")
                .map(v -> bounded("scale", v, 20, 200))
                .orElse(100);
        int quality = Json.integer(body, "quality")
                .map(v -> bounded("quality", v, 0, 100))
                .orElse(90);
        // spreadsheets only (the engine's SheetFitFilter); jpg is the documented route, the others take them too
        boolean fitWidth = Json.integer(body, "fit_to_width")
                        .map(v -> bounded("fit_to_width", v, 0, 1))
                        .orElse(0)
                == 1;
        boolean fitHeight = Json.integer(body, "fit_to_height")
                        .map(v -> bounded("fit_to_height", v, 0, 1))
                        .orElse(0)
                == 1;
        boolean longTxt = flag(body, "long_txt");
        boolean hold = flag(body, "hold_line_feed");
        OfficeOptions o = new OfficeOptions(
                kind, name, ext, password, ranges, from, to, comments, longPic, dpi, scale, quality, longTxt, hold,
                fitWidth, fitHeight);
        if (longPic && o.explicitPageCount() > LONG_PIC_PAGES) {
            throw ApiException.invalid("long_pic takes at most " + LONG_PIC_PAGES + " pages");
        }
        return o;
    }

    /** A boolean that KDocs types as int (show_comments) or bool: 0/1/true/false. */
    private static boolean flag(ObjectNode body, String field) {
        JsonNode n = body.get(field);
        if (n == null || n.isNull()) {
            return false;
        }
        return Json.parseBool(field, n.isTextual() ? n.asText().strip() : n.toString());
    }

    private static int bounded(String field, long v, int min, int max) {
        if (v < min || v > max) {
            throw ApiException.invalid(field + " must be between " + min + " and " + max);
        }
        return (int) v;
    }

    /** Pages the request names before the document's page count is known (for the long_pic limit); 0: open-ended. */
    private int explicitPageCount() {
        if (ranges != null) {
            return pages(ranges, Integer.MAX_VALUE).size();
        }
        if (fromPage != null && toPage != null) {
            return toPage - fromPage + 1;
        }
        return toPage != null ? toPage : 0;
    }

    /** The selected pages of a document of {@code count} pages, in order, clipped; empty when nothing remains. */
    List<Integer> select(int count) {
        if (ranges != null) {
            return new ArrayList<>(pages(ranges, count));
        }
        int a = fromPage == null ? 1 : fromPage;
        int b = toPage == null ? count : Math.min(toPage, count);
        List<Integer> out = new ArrayList<>();
        for (int p = a; p <= b; p++) {
            out.add(p);
        }
        return out;
    }

    /** {@code "1,2-4,7"}: 1-based pages and ranges, comma-separated, kept when ≤ {@code count}. */
    static TreeSet<Integer> pages(String ranges, int count) {
        TreeSet<Integer> out = new TreeSet<>();
        String[] parts = ranges.split(",", -1);
        if (parts.length > 1000) {
            throw ApiException.invalid("ranges has too many parts");
        }
        for (String raw : parts) {
            String part = raw.strip();
            if (!part.matches("[0-9]{1,6}(-[0-9]{1,6})?")) {
                throw ApiException.invalid("ranges must look like \"1,2-4,7\"");
            }
            int dash = part.indexOf('-');
            int a = Integer.parseInt(dash < 0 ? part : part.substring(0, dash));
            int b = dash < 0 ? a : Integer.parseInt(part.substring(dash + 1));
            if (a < 1 || b < a || b > MAX_PAGE) {
                throw ApiException.invalid("ranges must look like \"1,2-4,7\" with pages from 1 up");
            }
            for (int p = a; p <= Math.min(b, count); p++) {
                out.add(p);
            }
        }
        return out;
    }

    /** The stored form; {@code withPassword} false once the task has ended. */
    String toJson(boolean withPassword) {
        ObjectNode n = Json.MAPPER.createObjectNode();
        n.put("kind", kind).put("filename", filename);
        if (withPassword && password != null) {
            n.put("password", password);
        }
        if (ranges != null) {
            n.put("ranges", ranges);
        }
        if (fromPage != null) {
            n.put("from_page", fromPage);
        }
        if (toPage != null) {
            n.put("to_page", toPage);
        }
        n.put("show_comments", showComments)
                .put("long_pic", longPic)
                .put("image_dpi", dpi)
                .put("scale", scale)
                .put("quality", quality)
                .put("long_txt", longTxt)
                .put("hold_line_feed", holdLineFeed)
                .put("fit_to_width", fitToWidth ? 1 : 0)
                .put("fit_to_height", fitToHeight ? 1 : 0);
        return Json.writeString(n);
    }

    static OfficeOptions fromJson(String json) {
        ObjectNode n = Json.parseObject(json.getBytes(StandardCharsets.UTF_8), true);
        return parse(n.get("kind").asText(), n);
    }
}
