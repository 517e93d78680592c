package io.yundoc.server.web;

import gg.jte.ContentType;
import gg.jte.TemplateEngine;
import gg.jte.output.StringOutput;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * The HTML pages' templates: {@code src/main/jte}, precompiled by jte-maven-plugin into classes in the jar (no
 * template is parsed at run time), rendered through {@link PageOutput}, which escapes every value they print.
 */
public final class Pages {
    /** The rules every page uses ({@code static/yundoc.css}): inlined by {@code page.jte}, linked by the landing page. */
    public static final String BASE_CSS = css("/static/yundoc.css");
    /** The rules of the pages with forms ({@code static/forms.css}). */
    public static final String FORMS_CSS = css("/static/forms.css");

    private static final TemplateEngine TEMPLATES = TemplateEngine.createPrecompiled(ContentType.Html);

    private Pages() {}

    /** Renders {@code template} (a path under src/main/jte, such as {@code "auth/login.jte"}) with its parameters. */
    public static String render(String template, Map<String, Object> params) {
        StringOutput out = new StringOutput();
        TEMPLATES.render(template, params, new PageOutput(out));
        return out.toString();
    }

    private static String css(String resource) {
        return new String(OpsRoutes.load(resource), StandardCharsets.UTF_8).strip();
    }
}
