package io.yundoc.server.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.yundoc.server.Chromium;
import io.yundoc.server.ServerConfig;
import io.yundoc.server.TestServer;
import io.yundoc.server.TestServerExtension;
import java.awt.Rectangle;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.apache.poi.xslf.usermodel.XMLSlideShow;
import org.apache.poi.xslf.usermodel.XSLFTextBox;
import org.apache.poi.xslf.usermodel.XSLFTextRun;
import org.apache.poi.xssf.usermodel.XSSFCellStyle;
import org.apache.poi.xssf.usermodel.XSSFFont;
import org.apache.poi.xssf.usermodel.XSSFWorkbook;
import org.apache.poi.xwpf.usermodel.BreakType;
import org.apache.poi.xwpf.usermodel.XWPFDocument;
import org.apache.poi.xwpf.usermodel.XWPFRun;
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
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Office documents on the share page {@code /l/<sid>} in headless Chromium on the real office engine (issue 17 item 8,
 * api.md §7): a generated .docx with CJK text, a .pptx, an .xlsx and a .pdf are shared by link; at 1280 px and at
 * 390 px the page says "preparing preview" until the converted PDF is ready, then PDF.js draws its pages, and the
 * first page's canvas pixels (read back with getImageData) prove a page with dark text was drawn. A broken document
 * ends in the no-preview note and the server stays healthy. Screenshots go to {@code target/screenshots/}.
 */
// integration phase (Failsafe, mvn verify): Chromium, chromedriver and LibreOffice
@Tag("integration")
class OfficePreviewBrowserTest {
    static final Path OFFICE = Path.of("/usr/lib/libreoffice");
    static final Path SHOTS = Path.of("target", "screenshots");
    static final String CJK = "会议纪要 你好世界 云文档预览";

    @RegisterExtension
    static final TestServerExtension ts = TestServerExtension.embedded(
            b -> b.office(new ServerConfig.Office(OFFICE.toString(), 1, Duration.ofMinutes(2), 200, 100L << 20)));

    static WebDriver browser;
    static Path profile;

    @BeforeAll
    static void start() throws IOException {
        if (!Chromium.installed()) {
            throw new AssertionError("headless browser test needs /usr/bin/chromium and /usr/bin/chromedriver "
                    + "(Debian: apt-get install chromium chromium-driver)");
        }
        if (!Files.isExecutable(OFFICE.resolve("program").resolve("soffice"))) {
            throw new AssertionError("the office preview test needs LibreOffice at " + OFFICE
                    + " (Debian: apt-get install libreoffice-writer-nogui libreoffice-calc-nogui "
                    + "libreoffice-impress-nogui fonts-noto-cjk poppler-utils)");
        }
        profile = Files.createTempDirectory("yundoc-chrome");
        Files.createDirectories(SHOTS);
        browser = Chromium.start(Chromium.options(profile, 1280, 900));
    }

    @AfterAll
    static void stop() {
        if (browser != null) {
            browser.quit();
        }
    }

    static String share(TestServer.User u, String name, byte[] content) {
        String ft = ts.get().upload(u, name, content);
        JsonNode n = TestServer.json(ts.send(
                "POST",
                "/api/v1/openapi/personal/files/" + ft + "/links?access_token=" + u.token(),
                "{\"range\":\"anyone\",\"permission\":\"read\",\"period\":7}"));
        assertThat(n.get("code").asInt()).as(n.toString()).isZero();
        return n.get("data").get("link_url").asText();
    }

    static void shot(String name) throws IOException {
        Files.write(SHOTS.resolve(name + ".png"), ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES));
    }

    /**
     * The first page's canvas read back in the page: {@code [pixels, painted, inked, dark]}. Painted: opaque (a canvas
     * PDF.js has not drawn on is transparent); inked: clearly not white; dark: text-dark (each channel below 100).
     */
    static long[] canvasPixels(WebElement canvas) {
        Object r = ((JavascriptExecutor) browser).executeScript("""
                const c = arguments[0];
                const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
                let painted = 0, inked = 0, dark = 0;
                for (let i = 0; i < d.length; i += 4) {
                    if (d[i + 3] < 250) continue;
                    painted++;
                    if (d[i] < 200 || d[i + 1] < 200 || d[i + 2] < 200) inked++;
                    if (d[i] < 100 && d[i + 1] < 100 && d[i + 2] < 100) dark++;
                }
                return [c.width * c.height, painted, inked, dark];""", canvas);
        List<?> l = (List<?>) r;
        long[] out = new long[4];
        for (int i = 0; i < 4; i++) {
            out[i] = ((Number) l.get(i)).longValue();
        }
        return out;
    }

    /** Opens the link and waits (through "preparing preview" and the page's own reload) for page 1 to be drawn. */
    static WebElement firstDrawnPage(String url, String what) {
        browser.get(url);
        boolean[] sawPreparing = {false};
        WebElement first = new WebDriverWait(browser, Duration.ofMinutes(3), Duration.ofMillis(300)).until(d -> {
            if (!d.findElements(By.id("preview-preparing")).isEmpty()) {
                sawPreparing[0] = true;
            }
            if (!d.findElements(By.id("preview-none")).isEmpty()) {
                throw new AssertionError(what + ": the page shows the no-preview note");
            }
            List<WebElement> drawn = d.findElements(By.cssSelector("#pdf-viewer canvas[data-state=drawn]"));
            return drawn.isEmpty() ? null : drawn.get(0);
        });
        assertThat(first.getAttribute("data-page")).isEqualTo("1");
        return first;
    }

    @Test
    void officeDocumentsAndPdfsAreDrawnAsPagesOnDesktopAndMobile() throws Exception {
        TestServer.User u = ts.user(ts.app("test"));
        List<Doc> docs = List.of(
                new Doc("会议纪要.docx", docx(), 2, 200),
                new Doc("slides.pptx", pptx(), 2, 150),
                new Doc("budget.xlsx", xlsx(), 1, 150),
                new Doc("report.pdf", SharePageBrowserTest.pdf(2), 2, 150));
        JavascriptExecutor js = (JavascriptExecutor) browser;
        for (Doc doc : docs) {
            String url = share(u, doc.name, doc.bytes);
            if (!doc.name.endsWith(".pdf")) {
                // before the engine is done, the page says so (the first request queues the conversion)
                browser.manage().window().setSize(new Dimension(1280, 900));
                browser.get(url);
                WebElement note = browser.findElement(By.id("preview-preparing"));
                assertThat(note.getText()).startsWith("Preparing preview");
                shot("office-preview-preparing-" + ext(doc.name));
            }
            for (int width : new int[] {1280, 390}) {
                browser.manage().window().setSize(new Dimension(width, width == 390 ? 844 : 900));
                WebElement first = firstDrawnPage(url, doc.name + " at " + width + " px");
                WebElement viewer = browser.findElement(By.id("pdf-viewer"));
                assertThat(viewer.getAttribute("data-pages")).as(doc.name).isEqualTo(Integer.toString(doc.pages));
                js.executeScript("arguments[0].scrollIntoView();", first);
                long cssWidth = ((Number) js.executeScript("return arguments[0].clientWidth;", first)).longValue();
                assertThat(cssWidth)
                        .as(doc.name + " page width at " + width + " px")
                        .isLessThanOrEqualTo(width)
                        .isGreaterThan(width == 390 ? 300 : 600);
                long[] px = canvasPixels(first);
                String as = doc.name + " at " + width + " px: pixels, painted, inked, dark = " + Arrays.toString(px);
                // the whole page was painted (a canvas PDF.js did not draw on stays transparent) ...
                assertThat(px[1]).as(as).isGreaterThan(px[0] * 95 / 100);
                // ... and it is not blank: dark text pixels, and ink amounting to a visible share of the page
                assertThat(px[3]).as(as).isGreaterThan(doc.minDark * (width == 390 ? 1 : 2));
                assertThat(px[2]).as(as).isGreaterThan(px[0] / 50);
                assertThat(px[2]).as(as).isLessThan(px[0] * 9 / 10);
                System.out.println(as); // the figures, for whoever tunes the thresholds
                shot("office-preview-" + ext(doc.name) + "-" + width);
            }
        }
        browser.manage().window().setSize(new Dimension(1280, 900));
    }

    @Test
    void aBrokenDocumentEndsInTheNoPreviewNoteAndTheServerStaysHealthy() throws Exception {
        TestServer.User u = ts.user(ts.app("test"));
        // a zip header and then noise: the engine cannot open it
        byte[] garbage = new byte[8192];
        new Random(23).nextBytes(garbage);
        garbage[0] = 'P';
        garbage[1] = 'K';
        garbage[2] = 3;
        garbage[3] = 4;
        String url = share(u, "broken.docx", garbage);
        browser.manage().window().setSize(new Dimension(1280, 900));
        browser.get(url);
        WebElement note = new WebDriverWait(browser, Duration.ofMinutes(3), Duration.ofMillis(300))
                .until(d -> d.findElements(By.id("preview-none")).stream()
                        .findFirst()
                        .orElse(null));
        assertThat(note.getText()).isEqualTo("No preview for this format. Download the file to open it.");
        assertThat(browser.findElements(By.id("pdf-viewer"))).isEmpty();
        assertThat(browser.findElement(By.id("download")).isDisplayed()).isTrue();
        shot("office-preview-broken");
        HttpResponse<String> health = ts.send("GET", "/health", null);
        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(TestServer.json(health).path("engines").path("office").asBoolean())
                .isTrue();
        // and the engine still converts the next document
        firstDrawnPage(share(u, "after.docx", docx()), "after.docx");
    }

    /** A document to share, how many pages it has, and how many dark pixels page 1 shows at least (at 390 px). */
    static final class Doc {
        final String name;
        final byte[] bytes;
        final int pages;
        final long minDark;

        Doc(String name, byte[] bytes, int pages, long minDark) {
            this.name = name;
            this.bytes = bytes;
            this.pages = pages;
            this.minDark = minDark;
        }
    }

    static String ext(String name) {
        return name.substring(name.lastIndexOf('.') + 1);
    }

    // ------------------------------------------------------------------ generated documents

    /** Two pages of large CJK and Latin text. */
    static byte[] docx() throws IOException {
        try (XWPFDocument d = new XWPFDocument();
                ByteArrayOutputStream out = new ByteArrayOutputStream()) {
            for (int p = 1; p <= 2; p++) {
                XWPFRun title = d.createParagraph().createRun();
                title.setBold(true);
                title.setFontSize(28);
                title.setText(CJK + " 第" + p + "页");
                for (int i = 0; i < 12; i++) {
                    XWPFRun run = d.createParagraph().createRun();
                    run.setFontSize(14);
                    run.setText("第" + (i + 1) + "行 yundoc 文档内容 preview line " + (i + 1) + " 中文测试");
                }
                if (p < 2) {
                    d.createParagraph().createRun().addBreak(BreakType.PAGE);
                }
            }
            d.write(out);
            return out.toByteArray();
        }
    }

    static byte[] pptx() throws IOException {
        try (XMLSlideShow ppt = new XMLSlideShow();
                ByteArrayOutputStream out = new ByteArrayOutputStream()) {
            for (int i = 1; i <= 2; i++) {
                XSLFTextBox box = ppt.createSlide().createTextBox();
                box.setAnchor(new Rectangle(40, 40, 640, 300));
                XSLFTextRun run = box.addNewTextParagraph().addNewTextRun();
                run.setText(CJK + " 幻灯片 " + i);
                run.setFontSize(40.0);
                run.setBold(true);
            }
            ppt.write(out);
            return out.toByteArray();
        }
    }

    static byte[] xlsx() throws IOException {
        try (XSSFWorkbook wb = new XSSFWorkbook();
                ByteArrayOutputStream out = new ByteArrayOutputStream()) {
            var s = wb.createSheet("预算");
            XSSFCellStyle big = wb.createCellStyle();
            XSSFFont font = wb.createFont();
            font.setFontHeightInPoints((short) 14);
            font.setBold(true);
            big.setFont(font);
            for (int r = 0; r < 30; r++) {
                var row = s.createRow(r);
                var name = row.createCell(0);
                name.setCellValue("项目 " + (r + 1) + " 单元格");
                name.setCellStyle(big);
                for (int c = 1; c < 4; c++) {
                    var cell = row.createCell(c);
                    cell.setCellValue(1000.0 * r + c);
                    cell.setCellStyle(big);
                }
            }
            s.setColumnWidth(0, 20 * 256);
            for (int c = 1; c < 4; c++) {
                s.setColumnWidth(c, 12 * 256);
            }
            wb.write(out);
            return out.toByteArray();
        }
    }
}
