package io.yundoc.server.web;

import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerRequest;
import io.yundoc.protocol.Scope;
import java.text.MessageFormat;
import java.util.Locale;
import java.util.ResourceBundle;

/**
 * The words of a page in the reader's language: {@code i18n/pages_zh.properties} or {@code pages_en.properties}.
 * Chinese unless the browser's first {@code Accept-Language} names another language; on the landing and docs pages
 * {@code ?lang=zh|en} wins.
 */
public final class PageText {
    private static final ResourceBundle ZH =
            ResourceBundle.getBundle("i18n.pages", Locale.CHINESE, NO_FALLBACK.INSTANCE);
    private static final ResourceBundle EN =
            ResourceBundle.getBundle("i18n.pages", Locale.ENGLISH, NO_FALLBACK.INSTANCE);
    private final ResourceBundle bundle;
    private final boolean chinese;

    private PageText(boolean chinese) {
        this.chinese = chinese;
        this.bundle = chinese ? ZH : EN;
    }

    /** {@code ?lang=zh|en}, else {@link #byAcceptLanguage}. */
    public static PageText of(ServerRequest req) {
        String lang = req.query().first("lang").orElse("");
        if (lang.equals("zh") || lang.equals("en")) {
            return new PageText(lang.equals("zh"));
        }
        return byAcceptLanguage(req);
    }

    /** Chinese unless the first language the browser names is not Chinese. */
    public static PageText byAcceptLanguage(ServerRequest req) {
        String al = req.headers()
                .first(HeaderNames.ACCEPT_LANGUAGE)
                .orElse("zh")
                .trim()
                .toLowerCase(Locale.ROOT);
        return new PageText(al.isEmpty() || al.startsWith("zh") || al.startsWith("*"));
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

    /** {@link #get} when the bundle has {@code key}, else the text of {@code fallbackKey}. */
    public String getOr(String key, String fallbackKey) {
        return bundle.containsKey(key) ? bundle.getString(key) : bundle.getString(fallbackKey);
    }

    /** A {@link MessageFormat} pattern of the bundle filled in ({@code {0}}, {@code {0,choice,…}}). */
    public String format(String key, Object... args) {
        return new MessageFormat(bundle.getString(key), chinese ? Locale.CHINESE : Locale.ENGLISH).format(args);
    }

    /** What a scope lets an app do, as the consent and authorized-apps pages show it. */
    public String scope(Scope s) {
        return chinese ? s.displayZh() : s.displayEn();
    }

    /** Each language's bundle stands alone: a missing key fails loudly instead of showing the other language. */
    private static final class NO_FALLBACK extends ResourceBundle.Control {
        static final NO_FALLBACK INSTANCE = new NO_FALLBACK();

        @Override
        public Locale getFallbackLocale(String baseName, Locale locale) {
            return null;
        }
    }

    /** A byte count for people: 1.5 MiB, 812 B. */
    public static String humanSize(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        double v = bytes;
        int u = -1;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return String.format(Locale.ROOT, "%.1f %s", v, units[u]);
    }
}
