package io.yundoc.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.yundoc.testkit.YundocEmulator;
import io.yundoc.testkit.YundocServerExtension;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.text.PDFTextStripper;
import org.apache.poi.xwpf.usermodel.XWPFDocument;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code yundoc convert FILE --to pdf|txt}: uploads into the app space, converts on the real office engine (the server
 * reads its own download URL from its store, no URL allow-list needed), downloads the output, removes the upload.
 */
@Tag("integration")
@ExtendWith(YundocServerExtension.class)
class CliConvertTest {
    YundocEmulator yundoc;

    @TempDir
    Path tmp;

    String[] common;

    @BeforeEach
    void setUp() {
        YundocEmulator.App app = yundoc.createApp();
        common = new String[] {
            "--server", yundoc.url(), "--app-id", app.appId(), "--app-key", app.appKey(), "--config-dir", tmp.toString()
        };
    }

    Cli.Result convert(String... args) {
        List<String> all = new ArrayList<>(List.of("convert"));
        all.addAll(List.of(common));
        all.addAll(List.of(args));
        return Cli.raw(all.toArray(String[]::new));
    }

    @Test
    void docxToPdfAndTxt() throws Exception {
        Path doc = tmp.resolve("报告.docx");
        try (XWPFDocument d = new XWPFDocument();
                ByteArrayOutputStream out = new ByteArrayOutputStream()) {
            d.createParagraph().createRun().setText("命令行转换 yundoc convert");
            d.write(out);
            Files.write(doc, out.toByteArray());
        }
        Path outDir = tmp.resolve("out");
        Cli.Result r = convert(doc.toString(), "--to", "pdf", "--out", outDir.toString());
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.err()).contains("convert 报告.docx → pdf: success 100 %");
        Path pdf = outDir.resolve("报告.pdf");
        assertThat(r.out().trim()).isEqualTo(pdf.toString());
        try (PDDocument p = Loader.loadPDF(Files.readAllBytes(pdf))) {
            assertThat(p.getNumberOfPages()).isEqualTo(1);
            assertThat(new PDFTextStripper().getText(p)).contains("命令行转换");
        }
        Cli.Result txt = convert(doc.toString(), "--to", "txt", "--long", "--out", outDir.toString());
        assertThat(txt.exit()).as(txt.toString()).isZero();
        assertThat(Files.readString(outDir.resolve("报告.txt"))).contains("命令行转换");
    }

    @Test
    void usageErrors() {
        assertThat(convert(tmp.resolve("none.docx").toString(), "--to", "pdf").exit())
                .isEqualTo(3);
        assertThat(convert(tmp.toString(), "--to", "bmp").exit()).isEqualTo(2);
    }
}
