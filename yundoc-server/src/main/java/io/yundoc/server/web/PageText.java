package io.yundoc.server.web;

import io.helidon.webserver.http.ServerRequest;
import java.util.Locale;
import java.util.ResourceBundle;

/**
 * The words of a page in the reader's language: {@code i18n/pages_zh.properties} or {@code pages_en.properties}.
 * {@code ?lang=zh|en} wins, else the browser's first {@code Accept-Language} (Chinese unless it names another).
 */
public final class PageText {
    private static final ResourceBundle ZH = ResourceBundle.getBundle("i18n.pages", Locale.CHINESE, NO_FALLBACK.INSTANCE);
    private static final ResourceBundle EN = ResourceBundle.getBundle("i18n.pages", Locale.ENGLISH, NO_FALLBACK.INSTANCE);
    private final ResourceBundle bundle;
    private final boolean chinese;

    private PageText(boolean chinese) {
        this.chinese = chinese;
        this.bundle = chinese ? ZH : EN;
    }

    public static PageText of(ServerRequest req) {
        String lang = req.query().first("lang").orElse("");
        if (lang.equals("zh") || lang.equals("en")) {
            return new PageText(lang.equals("zh"));
        }
        return new PageText(Html.chinese(req));
    }

    public static PageText of(boolean chinese) {
        return new PageText(chinese);
    }

    /** The {@code lang} attribute of the page. */
    public String lang() {
        return chinese ? "zh-CN" : "en";
    }

    public String get(String key) {
        return bundle.getString(key);
    }

    /** Each language's bundle stands alone: a missing key fails loudly instead of showing the other language. */
    private static final class NO_FALLBACK extends ResourceBundle.Control {
        static final NO_FALLBACK INSTANCE = new NO_FALLBACK();

        @Override
        public Locale getFallbackLocale(String baseName, Locale locale) {
            return null;
        }
    }
}
