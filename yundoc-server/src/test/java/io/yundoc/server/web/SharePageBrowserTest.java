package io.yundoc.server.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.yundoc.server.TestServer;
import io.yundoc.server.TestServerExtension;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The share page in headless Chromium (api.md §7): previews render, the download button delivers the exact bytes,
 * and an expired link shows the 404 page. Screenshots go to {@code target/screenshots/}.
 */
// integration phase (Failsafe, mvn verify): Chromium and chromedriver
@Tag("integration")
class SharePageBrowserTest {
    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final Path DRIVER = Path.of("/usr/bin/chromedriver");
    @RegisterExtension
    static final TestServerExtension ts = TestServerExtension.embedded();
    static WebDriver browser;
    static Path downloads;
    static Path profile;
    static final Path SHOTS = Path.of("target", "screenshots");

    @BeforeAll
    static void start() throws IOException {
        if (!Files.isExecutable(CHROMIUM) || !Files.isExecutable(DRIVER)) {
            throw new AssertionError("headless browser test needs /usr/bin/chromium and /usr/bin/chromedriver "
                    + "(Debian: apt-get install chromium chromium-driver)");
        }
        downloads = Files.createTempDirectory("yundoc-dl");
        profile = Files.createTempDirectory("yundoc-chrome");
        Files.createDirectories(SHOTS);
        System.setProperty("webdriver.chrome.driver", DRIVER.toString());
        ChromeOptions o = new ChromeOptions();
        o.setBinary(CHROMIUM.toString());
        o.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
                "--user-data-dir=" + profile, "--window-size=1200,1000", "--lang=en-US");
        Map<String, Object> prefs = new HashMap<>();
        prefs.put("download.default_directory", downloads.toAbsolutePath().toString());
        prefs.put("download.prompt_for_download", false);
        prefs.put("download.directory_upgrade", true);
        prefs.put("safebrowsing.enabled", false);
        prefs.put("intl.accept_languages", "en-US,en");
        o.setExperimentalOption("prefs", prefs);
        browser = new ChromeDriver(o);
        browser.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(30));
    }

    @AfterAll
    static void stop() {
        if (browser != null) {
            browser.quit();
        }
    }

    static JsonNode api(TestServer.User u, String method, String path, String body) {
        JsonNode n = TestServer.json(ts.send(method, "/api/v1/openapi/personal" + path + "?access_token=" + u.token(), body));
        assertThat(n.get("code").asInt()).as(n.toString()).isZero();
        return n.get("data");
    }

    static String share(TestServer.User u, String name, byte[] content, int period) {
        HttpResponse<byte[]> r = ts.sendBytes("POST", "/api/v1/openapi/personal/files/upload?access_token=" + u.token(),
                TestServer.multipart("bNd", name, "application/octet-stream", content, "path_from_root", "true"),
                "Content-Type", "multipart/form-data; boundary=bNd");
        String ft;
        try {
            ft = TestServer.JSON.readTree(r.body()).get("data").get("id").get("open_id").asText();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return api(u, "POST", "/files/" + ft + "/links", "{\"range\":\"anyone\",\"permission\":\"read\",\"period\":" + period + "}")
                .get("link_url").asText();
    }

    static void shot(String name) throws IOException {
        byte[] png = ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES);
        Files.write(SHOTS.resolve(name + ".png"), png);
    }

    @Test
    void previewsShowAndTheButtonDownloadsTheExactBytes() throws Exception {
        TestServer.User u = ts.user(ts.app("test"));
        String md = "# 会议纪要 Minutes\n\n- item **one**\n- item two\n\n<script>document.title='pwned'</script>\n";
        String mdUrl = share(u, "minutes.md", md.getBytes(StandardCharsets.UTF_8), 7);
        browser.get(mdUrl);
        assertThat(browser.findElement(By.id("file-name")).getText()).isEqualTo("minutes.md");
        WebElement frame = browser.findElement(By.id("preview-frame"));
        browser.switchTo().frame(frame);
        assertThat(new WebDriverWait(browser, Duration.ofSeconds(10)).until(d -> d.findElement(By.tagName("h1"))).getText())
                .isEqualTo("会议纪要 Minutes");
        assertThat(browser.findElement(By.tagName("article")).getText()).contains("item one").contains("<script>");
        browser.switchTo().defaultContent();
        assertThat(browser.getTitle()).isEqualTo("minutes.md");
        shot("share-page-markdown");

        // an image preview actually decodes
        byte[] png = java.util.Base64.getDecoder().decode(
                "iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAIAAAD91JpzAAAAFklEQVR4nGP8z8DAwMDAxMDAwMDAAAANHQEDasKb6QAAAABJRU5ErkJggg==");
        browser.get(share(u, "dot.png", png, 0));
        WebElement img = browser.findElement(By.id("preview-image"));
        Object width = ((org.openqa.selenium.JavascriptExecutor) browser).executeScript(
                "return arguments[0].complete ? arguments[0].naturalWidth : -1;", img);
        new WebDriverWait(browser, Duration.ofSeconds(10)).until(d -> ((Number) ((org.openqa.selenium.JavascriptExecutor) d)
                .executeScript("return arguments[0].naturalWidth;", img)).intValue() == 2);
        assertThat(width).isNotNull();
        shot("share-page-image");

        // plain text preview, then the download button
        byte[] bytes = new byte[200_000];
        new java.util.Random(7).nextBytes(bytes);
        String txt = "exact bytes 精确\n";
        System.arraycopy(txt.getBytes(StandardCharsets.UTF_8), 0, bytes, 0, txt.getBytes(StandardCharsets.UTF_8).length);
        browser.get(share(u, "payload.txt", bytes, 30));
        browser.switchTo().frame(browser.findElement(By.id("preview-frame")));
        assertThat(browser.findElement(By.tagName("body")).getText()).startsWith("exact bytes 精确");
        browser.switchTo().defaultContent();
        WebElement button = browser.findElement(By.id("download"));
        assertThat(button.getAttribute("href")).contains("/dl/");
        shot("share-page-text");
        button.click();
        Path got = downloads.resolve("payload.txt");
        new WebDriverWait(browser, Duration.ofSeconds(30)).until(d -> Files.exists(got) && !partial());
        assertThat(TestServer.hex("SHA-1", Files.readAllBytes(got))).isEqualTo(TestServer.hex("SHA-1", bytes));
    }

    static boolean partial() {
        try (Stream<Path> s = Files.list(downloads)) {
            return s.anyMatch(p -> p.getFileName().toString().endsWith(".crdownload"));
        } catch (IOException e) {
            return true;
        }
    }

    @Test
    void pdfIsShownInAnUnsandboxedFrameAndAnExpiredLinkShowsTheNotFoundPage() throws Exception {
        TestServer.User u = ts.user(ts.app("test"));
        String pdf = "%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj "
                + "3 0 obj<</Type/Page/MediaBox[0 0 200 200]/Parent 2 0 R>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n";
        String url = share(u, "doc.pdf", pdf.getBytes(StandardCharsets.US_ASCII), 7);
        browser.get(url);
        WebElement frame = browser.findElement(By.id("preview-frame"));
        assertThat(frame.getAttribute("sandbox")).isNull();
        assertThat(frame.getAttribute("src")).endsWith("/preview");
        shot("share-page-pdf");

        ts.adminOk("POST", "/clock", "{\"advance_seconds\":" + (8 * 86400) + "}");
        browser.get(url);
        assertThat(browser.findElement(By.tagName("h1")).getText()).contains("does not exist or is no longer valid");
        assertThat(browser.getPageSource()).contains("expired").doesNotContain("doc.pdf");
        shot("share-page-expired");
    }
}
