package io.yundoc.server.web;

import gg.jte.Content;
import gg.jte.TemplateOutput;
import gg.jte.html.HtmlTemplateOutput;
import java.util.Locale;
import java.util.Set;

/**
 * Where the templates write, and how everything they did not write themselves is escaped. Every value a template
 * prints ({@code ${…}}) has {@code < > & " '} replaced by the entities for less-than, greater-than, ampersand, quote and apostrophe, in element text and
 * in attribute values alike: the entities the pages have always used, which clients that read the hidden form
 * fields rely on (jte's own default writes a numeric entity for the quote in attributes). As jte's default does, a URL attribute never
 * takes a {@code javascript:} or {@code data:} value, and values never go into event-handler attributes or into
 * {@code <script>} and {@code <style>} bodies: the templates have none, and a new one fails loudly.
 */
final class PageOutput implements HtmlTemplateOutput {
    private static final Set<String> URL_ATTRIBUTES = Set.of("href", "src", "action", "formaction");
    private final TemplateOutput out;
    private String tag;
    private String attribute;

    PageOutput(TemplateOutput out) {
        this.out = out;
    }

    @Override
    public void setContext(String tagName, String attributeName) {
        this.tag = tagName;
        this.attribute = attributeName;
    }

    @Override
    public void writeContent(String value) {
        out.writeContent(value);
    }

    @Override
    public void writeContent(String value, int beginIndex, int endIndex) {
        out.writeContent(value, beginIndex, endIndex);
    }

    @Override
    public void writeUserContent(String value) {
        if (value == null) {
            return;
        }
        if (attribute == null && ("script".equals(tag) || "style".equals(tag))) {
            throw new IllegalStateException("no values inside <" + tag + "> (template bug)");
        }
        if (attribute != null) {
            if (attribute.toLowerCase(Locale.ROOT).startsWith("on")) {
                throw new IllegalStateException("no values in event handler " + attribute + " (template bug)");
            }
            if (URL_ATTRIBUTES.contains(attribute.toLowerCase(Locale.ROOT)) && unsafeUrl(value)) {
                return; // the attribute stays empty: a link that does nothing beats one that runs script
            }
        }
        escape(value);
    }

    @Override
    public void writeUserContent(Content content) {
        if (content == null) {
            return;
        }
        if (attribute != null) {
            throw new IllegalStateException("no template content inside attribute " + attribute + " (template bug)");
        }
        content.writeTo(this);
    }

    private static boolean unsafeUrl(String url) {
        String u = url.strip().toLowerCase(Locale.ROOT).replaceAll("[\\s\\x00-\\x1f]", "");
        return u.startsWith("javascript:") || u.startsWith("data:") || u.startsWith("vbscript:");
    }

    private void escape(String s) {
        int from = 0;
        for (int i = 0; i < s.length(); i++) {
            String entity = switch (s.charAt(i)) {
                case '<' -> "&lt;";
                case '>' -> "&gt;";
                case '&' -> "&amp;";
                case '"' -> "&quot;";
                case '\'' -> "&#39;";
                default -> null;
            };
            if (entity != null) {
                if (i > from) {
                    out.writeContent(s, from, i);
                }
                out.writeContent(entity);
                from = i + 1;
            }
        }
        if (from < s.length()) {
            out.writeContent(s, from, s.length());
        }
    }
}
