package io.yundoc.server.office;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.yundoc.server.ServerConfig;
import io.yundoc.server.TestServer;
import java.awt.Rectangle;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.PDPageContentStream;
import org.apache.pdfbox.pdmodel.font.PDType1Font;
import org.apache.pdfbox.pdmodel.font.Standard14Fonts;
import org.apache.pdfbox.text.PDFTextStripper;
import org.apache.poi.hslf.usermodel.HSLFSlideShow;
import org.apache.poi.hslf.usermodel.HSLFTextBox;
import org.apache.poi.hssf.record.crypto.Biff8EncryptionKey;
import org.apache.poi.hssf.usermodel.HSSFWorkbook;
import org.apache.poi.hwpf.HWPFDocument;
import org.apache.poi.poifs.crypt.EncryptionInfo;
import org.apache.poi.poifs.crypt.EncryptionMode;
import org.apache.poi.poifs.crypt.Encryptor;
import org.apache.poi.poifs.filesystem.POIFSFileSystem;
import org.apache.poi.xslf.usermodel.XMLSlideShow;
import org.apache.poi.xslf.usermodel.XSLFTextBox;
import org.apache.poi.xssf.usermodel.XSSFWorkbook;
import org.apache.poi.xwpf.usermodel.BreakType;
import org.apache.poi.xwpf.usermodel.XWPFDocument;
import org.apache.poi.xwpf.usermodel.XWPFRun;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Real conversions on the real office engine (docs/api-families.md §F3): generated .docx/.xlsx/.pptx with CJK text
 * become PDFs (page count and text checked with PDFBox), page images (dimensions checked) and page texts; every error
 * of §F3.4; encrypted inputs; SSRF refusals; a stuck conversion killed at its time limit. Needs LibreOffice and
 * poppler-utils (.ci/run installs them).
 */
@Tag("integration")
class OfficeConvertTest {
    static final String API = "/api/v1/openapi";
    static final String CJK = "你好世界 yundoc 转换";
    static TestServer ts;
    static TestServer.App app;
    static TestServer.App other;
    static ServedFiles served;

    @BeforeAll
    static void start() throws IOException {
        ts = new TestServer(b -> b.cloudAllow(List.of("127.0.0.1/32"))
                .office(new ServerConfig.Office(null, 1, Duration.ofSeconds(90), 50, 20L << 20)));
        app = ts.app("test");
        other = ts.app("test");
        served = new ServedFiles();
        served.put("/two-pages.docx", docx(2));
        served.put("/sheet.xlsx", xlsx());
        served.put("/slides.pptx", pptx(3));
        served.put("/locked.docx", encrypted(docx(1), "s3cret"));
        // a zip header and then nothing that makes sense: LibreOffice imports plain text as a document, not this
        byte[] garbage = new byte[4096];
        new Random(17).nextBytes(garbage);
        garbage[0] = 'P';
        garbage[1] = 'K';
        garbage[2] = 3;
        garbage[3] = 4;
        served.put("/garbage.docx", garbage);
    }

    @AfterAll
    static void stop() {
        served.close();
        ts.close();
    }

    static String url(String path) {
        return served.url(path);
    }

    static HttpResponse<String> post(TestServer.App a, String path, String json) {
        return ts.signed(a, "POST", API + path, json.getBytes(StandardCharsets.UTF_8), "application/json");
    }

    static String submit(String kind, String json) {
        JsonNode n = TestServer.json(post(app, "/office/convert/files/to/" + kind, json));
        assertThat(n.path("code").asInt()).as(n.toString()).isZero();
        String id = n.path("data").path("task_id").asText();
        assertThat(id).startsWith("cvt_").hasSizeGreaterThan(20);
        return id;
    }

    static JsonNode task(TestServer.App a, String id) {
        return ConvertTasks.query(ts, a, id);
    }

    static JsonNode finished(String id) {
        return ConvertTasks.awaitEnd(ts, app, id);
    }

    static byte[] download(String url) throws Exception {
        HttpResponse<byte[]> r =
                ts.http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(r.statusCode()).isEqualTo(200);
        return r.body();
    }

    static int code(HttpResponse<String> r) {
        return TestServer.json(r).path("code").asInt();
    }

    @Test
    void docxToPdfKeepsPagesAndCjkText() throws Exception {
        JsonNode d = finished(submit("pdf", "{\"url\":\"" + url("/two-pages.docx") + "\",\"filename\":\"文字文稿.docx\"}"));
        assertThat(d.path("status").asText()).as(d.toString()).isEqualTo("success");
        assertThat(d.path("progress").asInt()).isEqualTo(100);
        assertThat(d.path("task").path("resource_size").asLong()).isEqualTo(served.get("/two-pages.docx").length);
        JsonNode pdfs = d.path("result").path("pdfs");
        assertThat(pdfs).hasSize(1);
        String u = pdfs.get(0).path("url").asText();
        assertThat(u).contains("/dl/").endsWith(".pdf");
        byte[] pdf = download(u);
        assertThat((long) pdf.length).isEqualTo(pdfs.get(0).path("size").asLong());
        try (PDDocument doc = Loader.loadPDF(pdf)) {
            assertThat(doc.getNumberOfPages()).isEqualTo(2);
            String text = new PDFTextStripper().getText(doc);
            assertThat(text).contains("你好世界").contains("page 2");
        }
        // ranges pick pages out of the PDF
        String oneId = submit(
                "pdf", "{\"url\":\"" + url("/two-pages.docx") + "\",\"filename\":\"a.docx\",\"ranges\":\"2,9\"}");
        JsonNode one = finished(oneId);
        try (PDDocument doc = Loader.loadPDF(
                download(one.path("result").path("pdfs").get(0).path("url").asText()))) {
            assertThat(doc.getNumberOfPages()).isEqualTo(1);
            assertThat(new PDFTextStripper().getText(doc)).contains("page 2").doesNotContain("page 1");
        }
        // another app cannot see the task
        assertThat(task(other, oneId).path("code").asInt()).isEqualTo(10001);
    }

    /** The office processes do background work: they run under nice 10, below the server's request threads. */
    @Test
    void officeProcessesRunBelowTheServersPriority() throws Exception {
        JsonNode d = finished(submit("pdf", "{\"url\":\"" + url("/two-pages.docx") + "\",\"filename\":\"nice.docx\"}"));
        assertThat(d.path("status").asText()).as(d.toString()).isEqualTo("success");
        List<ProcessHandle> office = ProcessHandle.current()
                .descendants()
                .filter(h -> h.info().command().orElse("").contains("soffice"))
                .toList();
        assertThat(office).as("the office process started by the conversion").isNotEmpty();
        for (ProcessHandle h : office) {
            // /proc/PID/stat: field 19 is the nice value; the command (field 2) has no spaces for soffice.bin
            String[] stat = Files.readString(Path.of("/proc", Long.toString(h.pid()), "stat"))
                    .split("\\) ", 2)[1]
                    .split(" ", -1);
            assertThat(Integer.parseInt(stat[16]))
                    .as("nice of %s", h.info().command())
                    .isEqualTo(10);
        }
    }

    @Test
    void pptxToJpgPerPageAndLongPic() throws Exception {
        JsonNode d = finished(submit(
                "jpg",
                "{\"url\":\"" + url("/slides.pptx") + "\",\"filename\":\"演示.pptx\",\"from_page\":2,\"to_page\":3}"));
        assertThat(d.path("status").asText()).as(d.toString()).isEqualTo("success");
        JsonNode images = d.path("result").path("images");
        assertThat(images).hasSize(2);
        assertThat(images.get(0).path("slideId").asText()).isEqualTo("2");
        BufferedImage img = ImageIO.read(
                new ByteArrayInputStream(download(images.get(0).path("url").asText())));
        assertThat(img).isNotNull();
        // a 10 in × 5.625 in slide at 96 dpi
        assertThat(img.getWidth()).isBetween(950, 970);
        int h = img.getHeight();
        JsonNode half = finished(submit(
                "jpg",
                "{\"url\":\"" + url("/slides.pptx")
                        + "\",\"filename\":\"s.pptx\",\"ranges\":\"1\",\"scale\":50,\"quality\":40}"));
        BufferedImage small = ImageIO.read(new ByteArrayInputStream(
                download(half.path("result").path("images").get(0).path("url").asText())));
        assertThat(small.getWidth()).isBetween(470, 490);
        JsonNode longPic = finished(
                submit("jpg", "{\"url\":\"" + url("/slides.pptx") + "\",\"filename\":\"s.pptx\",\"long_pic\":true}"));
        JsonNode li = longPic.path("result").path("images");
        assertThat(li).hasSize(1);
        BufferedImage tall = ImageIO.read(
                new ByteArrayInputStream(download(li.get(0).path("url").asText())));
        assertThat(tall.getHeight()).isBetween(3 * h - 3, 3 * h + 3);
    }

    @Test
    void xlsxAndDocxToTxt() throws Exception {
        JsonNode d = finished(
                submit("txt", "{\"url\":\"" + url("/sheet.xlsx") + "\",\"filename\":\"表格.xlsx\",\"long_txt\":true}"));
        assertThat(d.path("status").asText()).as(d.toString()).isEqualTo("success");
        JsonNode txts = d.path("result").path("txts");
        assertThat(txts).hasSize(1);
        assertThat(new String(download(txts.get(0).path("url").asText()), StandardCharsets.UTF_8))
                .contains("单元格")
                .contains("4242");
        JsonNode pages = finished(submit(
                "txt", "{\"url\":\"" + url("/two-pages.docx") + "\",\"filename\":\"w.docx\",\"hold_line_feed\":true}"));
        JsonNode per = pages.path("result").path("txts");
        assertThat(per).hasSize(2);
        assertThat(new String(download(per.get(1).path("url").asText()), StandardCharsets.UTF_8))
                .contains("page 2")
                .contains("\n");
    }

    @Test
    void extractPlainTextSynchronously() {
        JsonNode n = TestServer.json(post(
                app,
                "/office/extract/plaintext",
                "{\"url\":\"" + url("/two-pages.docx") + "\",\"filename\":\"使用说明.docx\"}"));
        assertThat(n.path("code").asInt()).as(n.toString()).isZero();
        assertThat(n.path("data").path("text").asText()).contains("你好世界").contains("page 2");
        assertThat(code(post(
                        app,
                        "/office/extract/plaintext",
                        "{\"url\":\"" + url("/locked.docx") + "\",\"filename\":\"l.docx\"}")))
                .isEqualTo(10001);
        JsonNode unlocked = TestServer.json(post(
                app,
                "/office/extract/plaintext",
                "{\"url\":\"" + url("/locked.docx") + "\",\"filename\":\"l.docx\",\"password\":\"s3cret\"}"));
        assertThat(unlocked.path("data").path("text").asText())
                .as(unlocked.toString())
                .contains("你好世界");
    }

    @Test
    void encryptedInputs() {
        HttpResponse<String> r = post(
                app,
                "/office/convert/files/to/pdf",
                "{\"url\":\"" + url("/locked.docx") + "\",\"filename\":\"l.docx\"}");
        assertThat(code(r)).isEqualTo(10001);
        assertThat(r.body()).contains("password required");
        JsonNode ok = finished(submit(
                "pdf", "{\"url\":\"" + url("/locked.docx") + "\",\"filename\":\"l.docx\",\"password\":\"s3cret\"}"));
        assertThat(ok.path("status").asText()).as(ok.toString()).isEqualTo("success");
        JsonNode wrong = finished(submit(
                "pdf", "{\"url\":\"" + url("/locked.docx") + "\",\"filename\":\"l.docx\",\"password\":\"nope\"}"));
        assertThat(wrong.path("status").asText()).isEqualTo("failure");
        assertThat(wrong.path("message").asText()).isEqualTo("wrong password");
    }

    @Test
    void brokenDocumentFailsItsTaskAndTheServerStaysHealthy() {
        JsonNode d = finished(submit("pdf", "{\"url\":\"" + url("/garbage.docx") + "\",\"filename\":\"g.docx\"}"));
        assertThat(d.path("status").asText()).isEqualTo("failure");
        assertThat(d.path("message").asText()).isNotBlank().doesNotContain("/").doesNotContain("Exception");
        assertThat(ts.send("GET", "/health", null).statusCode()).isEqualTo(200);
        assertThat(TestServer.json(ts.send("GET", "/health", null))
                        .path("engines")
                        .path("office")
                        .asBoolean())
                .isTrue();
    }

    @Test
    void parameterErrorsAnswer10001() {
        String u = url("/two-pages.docx");
        String[] bad = {
            "{\"url\":\"" + u + "\",\"filename\":\"a.pdf\"}", // pdf → pdf not offered
            "{\"url\":\"" + u + "\",\"filename\":\"a.exe\"}",
            "{\"url\":\"" + u + "\"}",
            "{\"url\":\"" + u + "\",\"filename\":\"../a.docx\"}",
            "{\"url\":\"" + u + "\",\"filename\":\"a.docx\",\"ranges\":\"1\",\"from_page\":1}",
            "{\"url\":\"" + u + "\",\"filename\":\"a.docx\",\"from_page\":3,\"to_page\":3}",
            "{\"url\":\"" + u + "\",\"filename\":\"a.docx\",\"ranges\":\"0-2\"}",
            "{\"url\":\"" + u + "\",\"filename\":\"a.docx\",\"ranges\":\"3-1\"}",
            "{\"url\":\"" + u + "\",\"filename\":\"a.docx\",\"ranges\":\"1;2\"}",
            "{\"url\":\"" + u + "\",\"filename\":\"a.docx\",\"show_comments\":\"maybe\"}",
            "{\"url\":\"ftp://example.com/a\",\"filename\":\"a.docx\"}",
            "{\"filename\":\"a.docx\"}",
            "[1,2]",
        };
        for (String b : bad) {
            assertThat(code(post(app, "/office/convert/files/to/pdf", b))).as(b).isEqualTo(10001);
        }
        String[] badJpg = {
            "{\"url\":\"" + u + "\",\"filename\":\"a.docx\",\"image_dpi\":95}",
            "{\"url\":\"" + u + "\",\"filename\":\"a.docx\",\"image_dpi\":601}",
            "{\"url\":\"" + u + "\",\"filename\":\"a.docx\",\"scale\":19}",
            "{\"url\":\"" + u + "\",\"filename\":\"a.docx\",\"scale\":201}",
            "{\"url\":\"" + u + "\",\"filename\":\"a.docx\",\"quality\":101}",
            "{\"url\":\"" + u + "\",\"filename\":\"a.docx\",\"long_pic\":true,\"ranges\":\"1-21\"}",
        };
        for (String b : badJpg) {
            assertThat(code(post(app, "/office/convert/files/to/jpg", b))).as(b).isEqualTo(10001);
        }
        assertThat(task(app, "cvt_doesnotexist").path("code").asInt()).isEqualTo(10001);
        assertThat(task(app, "../../etc").path("code").asInt()).isNotZero();
        // the solution.wps.cn-style alias answers the same
        assertThat(TestServer.json(ts.signed(app, "GET", API + "/tasks/cvt_nope", null, "application/json"))
                        .path("code")
                        .asInt())
                .isEqualTo(10001);
        // an empty selection once the page count is known fails the task
        JsonNode d = finished(submit("pdf", "{\"url\":\"" + u + "\",\"filename\":\"a.docx\",\"from_page\":5}"));
        assertThat(d.path("status").asText()).isEqualTo("failure");
        assertThat(d.path("message").asText()).contains("page selection is empty");
    }

    @Test
    void urlProblemsSurfaceAtPost() {
        assertThat(code(post(
                        app,
                        "/office/convert/files/to/pdf",
                        "{\"url\":\"" + url("/missing.docx") + "\",\"filename\":\"a.docx\"}")))
                .isEqualTo(30009);
        // private and metadata addresses are refused by the URL-import guard before any connection
        for (String target : new String[] {
            "http://10.255.255.1/a.docx",
            "http://169.254.169.254/latest",
            "http://[::ffff:10.0.0.1]/a",
            "http://user:pw@example.com/a.docx"
        }) {
            HttpResponse<String> r =
                    post(app, "/office/convert/files/to/pdf", "{\"url\":\"" + target + "\",\"filename\":\"a.docx\"}");
            assertThat(code(r)).as(target).isEqualTo(10001);
        }
    }

    @Test
    void withoutAnEngineConvertAnswers30005AndExtractionStillWorks() throws IOException {
        try (TestServer none = new TestServer(b -> b.cloudAllow(List.of("127.0.0.1/32"))
                .office(new ServerConfig.Office("/nonexistent/office", 1, Duration.ofSeconds(30), 10, 4096)))) {
            TestServer.App a = none.app("test");
            HttpResponse<String> r = none.signed(
                    a,
                    "POST",
                    API + "/office/convert/files/to/pdf",
                    ("{\"url\":\"" + url("/two-pages.docx") + "\",\"filename\":\"a.docx\"}")
                            .getBytes(StandardCharsets.UTF_8),
                    "application/json");
            assertThat(r.statusCode()).isEqualTo(501);
            assertThat(TestServer.json(r).path("code").asInt()).isEqualTo(30005);
            assertThat(r.body()).contains("libreoffice-writer-nogui");
            assertThat(TestServer.json(none.send("GET", "/health", null))
                            .path("engines")
                            .path("office")
                            .asBoolean())
                    .isFalse();
            // over --office-max-input (4 KiB here): 30008
            served.put("/big.docx", new byte[10_000]);
            HttpResponse<String> big = none.signed(
                    a,
                    "POST",
                    API + "/office/extract/plaintext",
                    ("{\"url\":\"" + url("/big.docx") + "\",\"filename\":\"a.docx\"}").getBytes(StandardCharsets.UTF_8),
                    "application/json");
            assertThat(TestServer.json(big).path("code").asInt()).isEqualTo(30008);
            served.put("/small.txt.pdf", pdfBytes());
            HttpResponse<String> ok = none.signed(
                    a,
                    "POST",
                    API + "/office/extract/plaintext",
                    ("{\"url\":\"" + url("/small.txt.pdf") + "\",\"filename\":\"a.pdf\"}")
                            .getBytes(StandardCharsets.UTF_8),
                    "application/json");
            assertThat(TestServer.json(ok).path("data").path("text").asText())
                    .as(ok.body())
                    .contains("hello pdf");
        }
    }

    @Test
    void aStuckConversionIsKilledAtItsLimit() throws IOException {
        try (TestServer tight = new TestServer(b -> b.cloudAllow(List.of("127.0.0.1/32"))
                .office(new ServerConfig.Office(null, 1, Duration.ofSeconds(1), 10, 50L << 20)))) {
            TestServer.App a = tight.app("test");
            served.put("/heavy.docx", docx(400));
            HttpResponse<String> r = tight.signed(
                    a,
                    "POST",
                    API + "/office/convert/files/to/pdf",
                    ("{\"url\":\"" + url("/heavy.docx") + "\",\"filename\":\"h.docx\"}")
                            .getBytes(StandardCharsets.UTF_8),
                    "application/json");
            String id = TestServer.json(r).path("data").path("task_id").asText();
            assertThat(id).as(r.body()).startsWith("cvt_");
            JsonNode ended = ConvertTasks.awaitEnd(tight, a, id);
            assertThat(ended.path("status").asText()).as(ended.toString()).isEqualTo("failure");
            assertThat(ended.path("message").asText()).isEqualTo("conversion took too long");
            assertThat(tight.send("GET", "/health", null).statusCode()).isEqualTo(200);
        }
    }

    @Test
    void fitToWidthAndHeightLayASheetOutOnOnePage() throws Exception {
        served.put("/wide.xlsx", wideAndTall());
        String u = url("/wide.xlsx");
        JsonNode plain = finished(submit("jpg", "{\"url\":\"" + u + "\",\"filename\":\"wide.xlsx\"}"));
        assertThat(plain.path("status").asText()).as(plain.toString()).isEqualTo("success");
        JsonNode width =
                finished(submit("jpg", "{\"url\":\"" + u + "\",\"filename\":\"wide.xlsx\",\"fit_to_width\":1}"));
        assertThat(width.path("status").asText()).as(width.toString()).isEqualTo("success");
        JsonNode both = finished(submit(
                "jpg", "{\"url\":\"" + u + "\",\"filename\":\"wide.xlsx\",\"fit_to_width\":1,\"fit_to_height\":1}"));
        assertThat(both.path("status").asText()).as(both.toString()).isEqualTo("success");
        int plainPages = plain.path("result").path("images").size();
        int widthPages = width.path("result").path("images").size();
        // sheet 1 (60 columns of text) spreads over several pages across, sheet 2 (300 rows) over several down
        assertThat(plainPages).as("pages without fit").isGreaterThanOrEqualTo(widthPages + 3);
        // fit_to_width: sheet 1 on one page, sheet 2 still several pages tall
        assertThat(widthPages).as("pages with fit_to_width").isGreaterThanOrEqualTo(3);
        // both: one page per sheet
        assertThat(both.path("result").path("images")).as(both.toString()).hasSize(2);
        JsonNode zero = finished(submit(
                "jpg", "{\"url\":\"" + u + "\",\"filename\":\"wide.xlsx\",\"fit_to_width\":0,\"ranges\":\"1\"}"));
        assertThat(zero.path("status").asText()).isEqualTo("success");
        assertThat(code(post(
                        app,
                        "/office/convert/files/to/jpg",
                        "{\"url\":\"" + u + "\",\"filename\":\"wide.xlsx\",\"fit_to_width\":2}")))
                .isEqualTo(10001);
    }

    @Test
    void encryptedLegacyFilesNeedAPasswordAndPlainOnesConvert() throws Exception {
        served.put("/plain.xls", xls(null));
        served.put("/locked.xls", xls("s3cret"));
        served.put("/plain.ppt", ppt(null));
        served.put("/locked.ppt", ppt("s3cret"));
        byte[] doc = legacyDoc();
        served.put("/plain.doc", doc);
        served.put("/locked.doc", encryptedDoc(doc, "s3cret"));
        for (String name : new String[] {"locked.xls", "locked.ppt", "locked.doc"}) {
            for (String route : new String[] {"/office/convert/files/to/pdf", "/office/extract/plaintext"}) {
                HttpResponse<String> r =
                        post(app, route, "{\"url\":\"" + url("/" + name) + "\",\"filename\":\"" + name + "\"}");
                assertThat(code(r)).as(name + " " + route + ": " + r.body()).isEqualTo(10001);
                assertThat(r.body()).contains("password required");
            }
        }
        for (String name : new String[] {"plain.xls", "plain.ppt", "plain.doc"}) {
            JsonNode d = finished(submit("pdf", "{\"url\":\"" + url("/" + name) + "\",\"filename\":\"" + name + "\"}"));
            assertThat(d.path("status").asText()).as(name + ": " + d).isEqualTo("success");
            try (PDDocument pdf = Loader.loadPDF(
                    download(d.path("result").path("pdfs").get(0).path("url").asText()))) {
                assertThat(new PDFTextStripper().getText(pdf)).as(name).contains("你好世界");
            }
        }
        // with a password the POST is accepted and the task ends with a verdict; only acceptance is asserted: the
        // LibreOffice here answers "wrong password" for POI's RC4 CryptoAPI .xls even with the right one
        JsonNode unlocked = finished(submit(
                "pdf", "{\"url\":\"" + url("/locked.xls") + "\",\"filename\":\"locked.xls\",\"password\":\"s3cret\"}"));
        assertThat(unlocked.path("status").asText()).as(unlocked.toString()).isIn("success", "failure");
    }

    // ------------------------------------------------------------------ generated documents

    static byte[] docx(int pages) throws IOException {
        try (XWPFDocument d = new XWPFDocument();
                ByteArrayOutputStream out = new ByteArrayOutputStream()) {
            for (int p = 1; p <= pages; p++) {
                XWPFRun run = d.createParagraph().createRun();
                run.setText(CJK + " page " + p);
                if (pages > 50) {
                    // varied lines: one line 16,000 times would inflate over 100× and be refused before the engine
                    // as a zip bomb (api-families.md §F3.5), not take the engine's time
                    Random words = new Random(p);
                    for (int i = 0; i < 40; i++) {
                        StringBuilder line = new StringBuilder("第" + i + "行 ");
                        for (int k = 0; k < 30; k++) {
                            line.append((char) (0x4E00 + words.nextInt(0x1000))).append(' ');
                        }
                        d.createParagraph().createRun().setText(line.toString());
                    }
                }
                if (p < pages) {
                    run.addBreak(BreakType.PAGE);
                }
            }
            d.write(out);
            return out.toByteArray();
        }
    }

    static byte[] xlsx() throws IOException {
        try (XSSFWorkbook wb = new XSSFWorkbook();
                ByteArrayOutputStream out = new ByteArrayOutputStream()) {
            var s = wb.createSheet("数据");
            s.createRow(0).createCell(0).setCellValue("单元格 " + CJK);
            s.createRow(1).createCell(0).setCellValue(4242);
            wb.write(out);
            return out.toByteArray();
        }
    }

    static byte[] pptx(int slides) throws IOException {
        try (XMLSlideShow ppt = new XMLSlideShow();
                ByteArrayOutputStream out = new ByteArrayOutputStream()) {
            for (int i = 1; i <= slides; i++) {
                XSLFTextBox box = ppt.createSlide().createTextBox();
                box.setAnchor(new Rectangle(50, 50, 500, 100));
                box.setText(CJK + " slide " + i);
            }
            ppt.write(out);
            return out.toByteArray();
        }
    }

    /** Sheet 1: 60 columns of text in 20 rows (wide); sheet 2: 300 rows of 3 columns (tall). */
    static byte[] wideAndTall() throws IOException {
        try (XSSFWorkbook wb = new XSSFWorkbook();
                ByteArrayOutputStream out = new ByteArrayOutputStream()) {
            var wide = wb.createSheet("宽表");
            for (int r = 0; r < 20; r++) {
                var row = wide.createRow(r);
                for (int c = 0; c < 60; c++) {
                    row.createCell(c).setCellValue("列" + c + " text " + r);
                }
            }
            var tall = wb.createSheet("长表");
            for (int r = 0; r < 300; r++) {
                var row = tall.createRow(r);
                for (int c = 0; c < 3; c++) {
                    row.createCell(c).setCellValue("行" + r + " " + c);
                }
            }
            wb.write(out);
            return out.toByteArray();
        }
    }

    /** A BIFF8 .xls with CJK text, RC4-encrypted by POI when {@code password} is given. */
    static byte[] xls(String password) throws IOException {
        try (HSSFWorkbook wb = new HSSFWorkbook();
                ByteArrayOutputStream out = new ByteArrayOutputStream()) {
            var s = wb.createSheet("数据");
            s.createRow(0).createCell(0).setCellValue("单元格 " + CJK);
            s.createRow(1).createCell(0).setCellValue(4242);
            Biff8EncryptionKey.setCurrentUserPassword(password);
            try {
                wb.write(out);
            } finally {
                Biff8EncryptionKey.setCurrentUserPassword(null);
            }
            return out.toByteArray();
        }
    }

    /** A PowerPoint 97 .ppt with CJK text, encrypted by POI when {@code password} is given. */
    static byte[] ppt(String password) throws IOException {
        try (HSLFSlideShow ppt = new HSLFSlideShow();
                ByteArrayOutputStream out = new ByteArrayOutputStream()) {
            HSLFTextBox box = ppt.createSlide().createTextBox();
            box.setAnchor(new Rectangle(50, 50, 500, 100));
            box.setText(CJK + " slide");
            Biff8EncryptionKey.setCurrentUserPassword(password);
            try {
                ppt.write(out);
            } finally {
                Biff8EncryptionKey.setCurrentUserPassword(null);
            }
            return out.toByteArray();
        }
    }

    /** A Word 97 .doc: POI cannot write one from nothing, so LibreOffice's command line converts a .docx once. */
    static byte[] legacyDoc() throws IOException, InterruptedException {
        Path dir = Files.createTempDirectory("yundoc-doc");
        Path in = dir.resolve("legacy.docx");
        Files.write(in, docx(1));
        Process p = new ProcessBuilder(
                        "/usr/lib/libreoffice/program/soffice",
                        "-env:UserInstallation=" + dir.resolve("profile").toUri(),
                        "--headless",
                        "--convert-to",
                        "doc",
                        "--outdir",
                        dir.toString(),
                        in.toString())
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("soffice.log").toFile())
                .start();
        if (!p.waitFor(2, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new IOException("soffice --convert-to doc took too long");
        }
        Path doc = dir.resolve("legacy.doc");
        if (!Files.exists(doc)) {
            throw new IOException("soffice made no .doc: " + Files.readString(dir.resolve("soffice.log")));
        }
        return Files.readAllBytes(doc);
    }

    /** The .doc RC4-encrypted by POI's HWPF. */
    static byte[] encryptedDoc(byte[] doc, String password) throws IOException {
        try (HWPFDocument d = new HWPFDocument(new ByteArrayInputStream(doc));
                ByteArrayOutputStream out = new ByteArrayOutputStream()) {
            Biff8EncryptionKey.setCurrentUserPassword(password);
            try {
                d.write(out);
            } finally {
                Biff8EncryptionKey.setCurrentUserPassword(null);
            }
            return out.toByteArray();
        }
    }

    static byte[] encrypted(byte[] ooxml, String password) throws IOException {
        try (POIFSFileSystem fs = new POIFSFileSystem();
                ByteArrayOutputStream out = new ByteArrayOutputStream()) {
            EncryptionInfo info = new EncryptionInfo(EncryptionMode.agile);
            Encryptor enc = info.getEncryptor();
            enc.confirmPassword(password);
            try (OutputStream os = enc.getDataStream(fs)) {
                os.write(ooxml);
            } catch (GeneralSecurityException e) {
                throw new IOException(e);
            }
            fs.writeFilesystem(out);
            return out.toByteArray();
        }
    }

    static byte[] pdfBytes() throws IOException {
        try (PDDocument d = new PDDocument();
                ByteArrayOutputStream out = new ByteArrayOutputStream()) {
            var page = new PDPage();
            d.addPage(page);
            try (var cs = new PDPageContentStream(d, page)) {
                cs.beginText();
                cs.setFont(new PDType1Font(Standard14Fonts.FontName.HELVETICA), 12);
                cs.newLineAtOffset(72, 700);
                cs.showText("hello pdf");
                cs.endText();
            }
            d.save(out);
            return out.toByteArray();
        }
    }
}
