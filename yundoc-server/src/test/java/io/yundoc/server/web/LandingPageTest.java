package io.yundoc.server.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.yundoc.server.Chromium;
import io.yundoc.server.ScaleOutBackends;
import io.yundoc.server.TestServerExtension;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.support.ui.WebDriverWait;

/** The root page (zh/en) and the interactive API reference at {@code /docs}, the latter drawn by headless Chromium. */
class LandingPageTest {
    @RegisterExtension
    static final TestServerExtension ts = TestServerExtension.embedded();

    static HttpResponse<String> get(String path, String acceptLanguage) throws Exception {
        HttpRequest.Builder b =
                HttpRequest.newBuilder(URI.create(ts.base() + path)).timeout(Duration.ofSeconds(10));
        if (acceptLanguage != null) {
            b.header("Accept-Language", acceptLanguage);
        }
        return ts.http().send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void rootIsAnHtmlPageInTheReadersLanguage() throws Exception {
        HttpResponse<String> zh = get("/", "zh-CN,zh;q=0.9");
        assertThat(zh.statusCode()).isEqualTo(200);
        assertThat(zh.headers().firstValue("Content-Type"))
                .hasValueSatisfying(v -> assertThat(v).startsWith("text/html"));
        assertThat(zh.body())
                .contains(
                        "<html lang=\"zh-CN\">",
                        "兼容金山文档",
                        "开发模式",
                        ts.base(),
                        "href=\"/docs\"",
                        "href=\"/health\"",
                        "href=\"/metrics\"",
                        "href=\"/account/apps\"",
                        "href=\"/openapi\"");
        HttpResponse<String> en = get("/", "en-US,en;q=0.9");
        assertThat(en.body())
                .contains(
                        "<html lang=\"en\">",
                        "KDocs",
                        "dev mode",
                        "API reference",
                        ScaleOutBackends.enabled() ? "scale-out (PostgreSQL / S3 / Redis)" : "single box");
        assertThat(get("/?lang=en", "zh-CN").body()).contains("<html lang=\"en\">");
        assertThat(get("/?lang=zh", "en").body()).contains("<html lang=\"zh-CN\">");
        assertThat(zh.headers().firstValue("Content-Security-Policy"))
                .hasValueSatisfying(v -> assertThat(v)
                        .contains("default-src 'none'", "frame-ancestors 'none'")
                        .doesNotContain("script-src"));
        assertThat(zh.headers().firstValue("X-Frame-Options")).contains("DENY");
        assertThat(get("/static/yundoc.css", null).headers().firstValue("Content-Type"))
                .hasValueSatisfying(v -> assertThat(v).startsWith("text/css"));
    }

    @Test
    void docsServesSwaggerUiFromTheServerItself() throws Exception {
        HttpResponse<String> page = get("/docs", "en");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body())
                .contains("/docs/assets/swagger-ui-bundle.js", "/docs/assets/init.js", "/docs/assets/swagger-ui.css")
                .doesNotContain("http://", "https://");
        assertThat(page.headers().firstValue("Content-Security-Policy"))
                .hasValueSatisfying(v -> assertThat(v)
                        .contains("script-src 'self'")
                        .doesNotContain("unsafe-eval")
                        .doesNotContainPattern("script-src[^;]*unsafe-inline"));
        HttpResponse<String> js = get("/docs/assets/swagger-ui-bundle.js", null);
        assertThat(js.statusCode()).isEqualTo(200);
        assertThat(js.headers().firstValue("Content-Type"))
                .hasValueSatisfying(v -> assertThat(v).startsWith("text/javascript"));
        assertThat(js.body().length()).isGreaterThan(100_000);
        assertThat(get("/docs/assets/init.js", null).body()).contains("SwaggerUIBundle", "/openapi");
        HttpResponse<String> traversal = get("/docs/assets/..%2Fopenapi.json", null);
        assertThat(traversal.statusCode()).isGreaterThanOrEqualTo(400);
        assertThat(traversal.body()).doesNotContain("\"openapi\"");
        assertThat(get("/docs/assets/index.html", null).statusCode()).isEqualTo(404);
    }

    /** The reference is drawn: Swagger UI loads /openapi and lists operations (a blank page would pass the HTTP test). */
    @Test
    @Tag("integration") // Chromium: integration phase (Failsafe)
    void docsRenderInChromium() throws IOException {
        if (!Chromium.installed()) {
            throw new AssertionError(
                    "needs /usr/bin/chromium and /usr/bin/chromedriver (apt-get install chromium chromium-driver)");
        }
        Path profile = Files.createTempDirectory("yundoc-chrome");
        WebDriver browser = Chromium.start(Chromium.options(profile, 1280, 1000));
        try {
            browser.get(ts.base() + "/docs");
            new WebDriverWait(browser, Duration.ofSeconds(30))
                    .until(d -> d.findElements(By.cssSelector(".opblock")).size() > 20);
            assertThat(browser.findElement(By.cssSelector(".swagger-ui .info .title"))
                            .getText())
                    .contains("yundoc");
            assertThat(browser.getPageSource()).contains("/api/v1/openapi/appspace/files/{file_token}");
            Path shots = Files.createDirectories(Path.of("target", "screenshots"));
            Files.write(
                    shots.resolve("api-reference.png"), ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES));
            browser.get(ts.base() + "/?lang=en");
            assertThat(browser.findElement(By.tagName("h1")).getText()).isEqualTo("yundoc");
            Files.write(shots.resolve("landing.png"), ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES));
        } finally {
            browser.quit();
        }
    }
}
