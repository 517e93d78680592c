package io.yundoc.server.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.yundoc.server.Chromium;
import io.yundoc.server.ServerConfig;
import io.yundoc.server.TestServer;
import io.yundoc.server.TestServerExtension;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.PDPageContentStream;
import org.apache.pdfbox.pdmodel.common.PDRectangle;
import org.apache.pdfbox.pdmodel.font.PDType1Font;
import org.apache.pdfbox.pdmodel.font.Standard14Fonts;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The share page in headless Chromium (api.md §7): previews render, the download button delivers the exact bytes,
 * and an expired link shows the 404 page. Screenshots go to {@code target/screenshots/}.
 */
// integration phase (Failsafe, mvn verify): Chromium and chromedriver
@Tag("integration")
class SharePageBrowserTest {

    @RegisterExtension
    // no office engine (an installation named that does not exist), whatever the machine has: Office documents must
    // show the no-preview note here; with an engine they show "preparing preview" (OfficeConvertTest covers that side)
    static final TestServerExtension ts = TestServerExtension.embedded(
            b -> b.office(new ServerConfig.Office("/nonexistent/office", 1, Duration.ofMinutes(2), 200, 100L << 20)));

    static WebDriver browser;
    static Path downloads;
    static Path profile;
    static final Path SHOTS = Path.of("target", "screenshots");

    @BeforeAll
    static void start() throws IOException {
        if (!Chromium.installed()) {
            throw new AssertionError("headless browser test needs /usr/bin/chromium and /usr/bin/chromedriver "
                    + "(Debian: apt-get install chromium chromium-driver)");
        }
        downloads = Files.createTempDirectory("yundoc-dl");
        profile = Files.createTempDirectory("yundoc-chrome");
        Files.createDirectories(SHOTS);
        ChromeOptions o = Chromium.options(profile, 1200, 1000);
        Map<String, Object> prefs = new HashMap<>();
        prefs.put("download.default_directory", downloads.toAbsolutePath().toString());
        prefs.put("download.prompt_for_download", false);
        prefs.put("download.directory_upgrade", true);
        prefs.put("safebrowsing.enabled", false);
        prefs.put("intl.accept_languages", "en-US,en");
        o.setExperimentalOption("prefs", prefs);
        browser = Chromium.start(o);
    }

    @AfterAll
    static void stop() {
        if (browser != null) {
            browser.quit();
        }
    }

    static JsonNode api(TestServer.User u, String method, String path, String body) {
        JsonNode n = TestServer.json(
                ts.send(method, "/api/v1/openapi/personal" + path + "?access_token=" + u.token(), body));
        assertThat(n.get("code").asInt()).as(n.toString()).isZero();
        return n.get("data");
    }

    static String share(TestServer.User u, String name, byte[] content, int period) {
        String ft = ts.get().upload(u, name, content);
        return api(
                        u,
                        "POST",
                        "/files/" + ft + "/links",
                        "{\"range\":\"anyone\",\"permission\":\"read\",\"period\":" + period + "}")
                .get("link_url")
                .asText();
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
        assertThat(new WebDriverWait(browser, Duration.ofSeconds(10))
                        .until(d -> d.findElement(By.tagName("h1")))
                        .getText())
                .isEqualTo("会议纪要 Minutes");
        assertThat(browser.findElement(By.tagName("article")).getText())
                .contains("item one")
                .contains("<script>");
        browser.switchTo().defaultContent();
        assertThat(browser.getTitle()).isEqualTo("minutes.md");
        shot("share-page-markdown");

        // an image preview actually decodes
        byte[] png = Base64.getDecoder()
                .decode(
                        "iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAIAAAD91JpzAAAAFklEQVR4nGP8z8DAwMDAxMDAwMDAAAANHQEDasKb6QAAAABJRU5ErkJggg==");
        browser.get(share(u, "dot.png", png, 0));
        WebElement img = browser.findElement(By.id("preview-image"));
        Object width = ((JavascriptExecutor) browser)
                .executeScript("return arguments[0].complete ? arguments[0].naturalWidth : -1;", img);
        new WebDriverWait(browser, Duration.ofSeconds(10))
                .until(d -> ((Number) ((JavascriptExecutor) d).executeScript("return arguments[0].naturalWidth;", img))
                                .intValue()
                        == 2);
        assertThat(width).isNotNull();
        shot("share-page-image");

        // plain text preview, then the download button
        byte[] bytes = new byte[200_000];
        new Random(7).nextBytes(bytes);
        String txt = "exact bytes 精确\n";
        System.arraycopy(
                txt.getBytes(StandardCharsets.UTF_8), 0, bytes, 0, txt.getBytes(StandardCharsets.UTF_8).length);
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

    /** A PDF of {@code pages} pages, each with a dark bar and a line of text (PDFBox, which comes with Tika). */
    static byte[] pdf(int pages) throws IOException {
        try (PDDocument doc = new PDDocument()) {
            for (int i = 1; i <= pages; i++) {
                PDPage page = new PDPage(PDRectangle.A4);
                doc.addPage(page);
                try (PDPageContentStream cs = new PDPageContentStream(doc, page)) {
                    cs.setNonStrokingColor(0.1f, 0.2f, 0.6f);
                    cs.addRect(50, 600, 495, 150);
                    cs.fill();
                    cs.beginText();
                    cs.setNonStrokingColor(0f, 0f, 0f);
                    cs.setFont(new PDType1Font(Standard14Fonts.FontName.HELVETICA_BOLD), 28);
                    cs.newLineAtOffset(60, 520);
                    cs.showText("yundoc viewer page " + i);
                    cs.endText();
                }
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            doc.save(out);
            return out.toByteArray();
        }
    }

    /** Pixels of the element's screenshot that are clearly not white (a drawn page has many; a blank canvas none). */
    static long inkedPixels(WebElement e) throws IOException {
        BufferedImage img = ImageIO.read(new ByteArrayInputStream(e.getScreenshotAs(OutputType.BYTES)));
        long n = 0;
        for (int y = 0; y < img.getHeight(); y++) {
            for (int x = 0; x < img.getWidth(); x++) {
                int rgb = img.getRGB(x, y);
                if (((rgb >> 16) & 0xff) < 160 && ((rgb >> 8) & 0xff) < 160 && (rgb & 0xff) < 220) {
                    n++;
                }
            }
        }
        return n;
    }

    @Test
    void pdfPagesAreDrawnOnDesktopAndMobileAndAnExpiredLinkShowsTheNotFoundPage() throws Exception {
        TestServer.User u = ts.user(ts.app("test"));
        String url = share(u, "report.pdf", pdf(3), 7);
        JavascriptExecutor js = (JavascriptExecutor) browser;
        for (int width : new int[] {1280, 390}) {
            browser.manage().window().setSize(new Dimension(width, width == 390 ? 844 : 900));
            browser.get(url);
            WebElement viewer = browser.findElement(By.id("pdf-viewer"));
            WebElement first = new WebDriverWait(browser, Duration.ofSeconds(30)).until(d -> {
                List<WebElement> drawn = d.findElements(By.cssSelector("#pdf-viewer canvas[data-state=drawn]"));
                return drawn.isEmpty() ? null : drawn.get(0);
            });
            assertThat(viewer.getAttribute("data-pages")).isEqualTo("3");
            assertThat(browser.findElements(By.cssSelector("#pdf-viewer canvas.pdf-page")))
                    .hasSize(3);
            // the page fills the column and is drawn at the device's resolution, not scaled up from a thumbnail
            long cssWidth = ((Number) js.executeScript("return arguments[0].clientWidth;", first)).longValue();
            long pixels = ((Number) js.executeScript("return arguments[0].width;", first)).longValue();
            assertThat(cssWidth).isLessThanOrEqualTo(width).isGreaterThan(width == 390 ? 300 : 600);
            assertThat(pixels).isGreaterThanOrEqualTo(cssWidth - 1);
            js.executeScript("arguments[0].scrollIntoView();", first);
            assertThat(inkedPixels(first))
                    .as("dark pixels of page 1 at " + width + " px")
                    .isGreaterThan(2_000);
            assertThat(browser.findElements(By.tagName("iframe"))).isEmpty();
            shot("share-page-pdf-" + width);
        }
        browser.manage().window().setSize(new Dimension(1200, 1000));

        ts.adminOk("POST", "/clock", "{\"advance_seconds\":" + (8 * 86400) + "}");
        browser.get(url);
        assertThat(browser.findElement(By.tagName("h1")).getText()).contains("does not exist or is no longer valid");
        assertThat(browser.getPageSource()).contains("expired").doesNotContain("report.pdf");
        shot("share-page-expired");
    }

    @Test
    void officeDocumentsWithoutAnEngineAndOtherFormatsShowTheNoPreviewNote() throws Exception {
        TestServer.User u = ts.user(ts.app("test"));
        for (String name : new String[] {"plan.docx", "archive.zip"}) {
            browser.get(share(u, name, "PK not really a zip".getBytes(StandardCharsets.US_ASCII), 7));
            WebElement note = browser.findElement(By.id("preview-none"));
            assertThat(note.getText()).isEqualTo("No preview for this format. Download the file to open it.");
            assertThat(note.isDisplayed()).isTrue();
            assertThat(browser.findElements(By.id("pdf-viewer"))).isEmpty();
            assertThat(browser.findElement(By.id("download")).isDisplayed()).isTrue();
        }
        shot("share-page-no-preview");
    }
}
