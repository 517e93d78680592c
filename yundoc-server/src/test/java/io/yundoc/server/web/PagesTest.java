package io.yundoc.server.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import gg.jte.output.StringOutput;
import io.yundoc.protocol.ErrorCode;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.ResourceBundle;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** The template output's escaping and the two language bundles, without a server. */
class PagesTest {
    private static final String HOSTILE = "\"><script>alert('x')</script>&amp;";

    @Test
    void everyPrintedValueIsEscapedInTextAndAttributes() {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("state", HOSTILE);
        String html = Pages.render("hidden.jte", Map.of("fields", fields)).strip();
        assertThat(html)
                .isEqualTo("<input type=\"hidden\" name=\"state\" value=\"&quot;&gt;&lt;script&gt;alert(&#39;x&#39;)"
                        + "&lt;/script&gt;&amp;amp;\">");
        String page =
                Pages.render("share/file.jte", Map.of("t", PageText.of(false), "v", view(HOSTILE, "https://h/dl/x")));
        assertThat(page)
                .doesNotContain("<script>")
                .contains("<h1 id=\"file-name\">&quot;&gt;&lt;script&gt;alert(&#39;x&#39;)")
                .contains("<title>&quot;&gt;&lt;script&gt;")
                .contains("href=\"https://h/dl/x\"");
    }

    @Test
    void scriptUrlsNeverReachAnAttribute() {
        for (String url : new String[] {
            "javascript:alert(1)", " JavaScript:alert(1)", "java\tscript:alert(1)", "data:text/html,x", "vbscript:x"
        }) {
            String page = Pages.render("share/file.jte", Map.of("t", PageText.of(true), "v", view("a.txt", url)));
            assertThat(page)
                    .as(url)
                    .contains("id=\"download\" href=\"\"")
                    .doesNotContainIgnoringCase("script:")
                    .doesNotContain("data:");
        }
    }

    @Test
    void theOutputRefusesValuesWhereEscapingCannotHelp() {
        PageOutput out = new PageOutput(new StringOutput());
        out.setContext("script", null);
        assertThatThrownBy(() -> out.writeUserContent("x")).isInstanceOf(IllegalStateException.class);
        out.setContext("a", "onclick");
        assertThatThrownBy(() -> out.writeUserContent("x")).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void bothLanguagesHaveTheSameWordsAndEveryPatternFormats() {
        ResourceBundle zh = ResourceBundle.getBundle("i18n.pages", Locale.CHINESE);
        ResourceBundle en = ResourceBundle.getBundle("i18n.pages", Locale.ENGLISH);
        Set<String> zhKeys = new TreeSet<>(zh.keySet());
        assertThat(zhKeys).isEqualTo(new TreeSet<>(en.keySet()));
        PageText t = PageText.of(false);
        assertThat(t.format("login.busy", "1", 1L))
                .isEqualTo("Too many sign-in attempts at once. Try again in 1 second.");
        assertThat(t.format("login.busy", "25", 25L))
                .isEqualTo("Too many sign-in attempts at once. Try again in 25 seconds.");
        assertThat(PageText.of(true).format("login.busy", "25", 25L)).isEqualTo("同时进行的登录尝试过多，请在 25 秒后重试。");
        assertThat(t.format("error.title", "20004")).isEqualTo("Error 20004 - yundoc");
        // the codes the OAuth pages explain have a sentence in both languages; any other code has the general one
        for (ErrorCode c : new ErrorCode[] {
            ErrorCode.APP_NOT_EXIST,
            ErrorCode.AUDIT_NOT_PASS,
            ErrorCode.INVALID_SCOPE,
            ErrorCode.INVALID_REDIRECT_URI,
            ErrorCode.INVALID_RESPONSE_TYPE,
            ErrorCode.USER_UNAUTHORIZED,
            ErrorCode.USER_ACCOUNT_RESTRICTED,
            ErrorCode.PERMISSION_DENIED
        }) {
            assertThat(zhKeys).contains("error.explain." + c.name());
        }
        assertThat(t.getOr("error.explain.NO_SUCH_CODE", "error.explain.other")).isEqualTo("The request is not valid.");
        assertThat(t.get("auth.signedInAs")).isEqualTo("Signed in as ");
    }

    private static SharePageRoutes.FileView view(String name, String downloadUrl) {
        return new SharePageRoutes.FileView(
                "📄",
                name,
                false,
                "1.0 KiB",
                1024,
                ".txt",
                "<owner>",
                "view only",
                "permanent",
                downloadUrl,
                Previews.Kind.NONE,
                null,
                null,
                "/viewer");
    }
}
