package io.yundoc.server.sheets;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.zip.Deflater;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import javax.imageio.ImageIO;
import org.apache.poi.hssf.record.crypto.Biff8EncryptionKey;
import org.apache.poi.hssf.usermodel.HSSFWorkbook;
import org.apache.poi.poifs.crypt.EncryptionInfo;
import org.apache.poi.poifs.crypt.EncryptionMode;
import org.apache.poi.poifs.filesystem.POIFSFileSystem;
import org.apache.poi.ss.usermodel.Workbook;
import org.apache.poi.ss.util.CellRangeAddress;
import org.apache.poi.xssf.streaming.SXSSFWorkbook;
import org.apache.poi.xssf.usermodel.XSSFWorkbook;

/** Workbooks for the et tests (.xlsx and .xls), written with POI's DOM API (tests only), and hostile ones written by hand. */
final class Workbooks {
    private Workbooks() {}

    /**
     * Sheet "商品" (A1 merged over A1:B1 "商品编号", number 8999 with format #,##0.00 in D2, formula =D2*2 in E2 with its
     * cached value, a shared formula in F2:F4, a boolean and a date, a picture anchored at G6), a hidden sheet
     * "secret", an empty sheet "empty".
     */
    static byte[] sample() {
        try (XSSFWorkbook wb = new XSSFWorkbook()) {
            fillSample(wb, false);
            return write(wb);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * {@link #sample()} as an {@code .xls} (HSSF), with a fifth row: 1.5 in A5 and, in B5, a formula with a text result
     * (=C1&"!", its cached string in a STRING record).
     */
    static byte[] sampleXls() {
        try (HSSFWorkbook wb = new HSSFWorkbook()) {
            fillSample(wb, true);
            return write(wb);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void fillSample(Workbook wb, boolean fifthRow) {
        var s = wb.createSheet("商品");
        var r0 = s.createRow(0);
        r0.createCell(0).setCellValue("商品编号");
        r0.createCell(2).setCellValue("名称");
        s.addMergedRegion(new CellRangeAddress(0, 0, 0, 1));
        var r1 = s.createRow(1);
        r1.createCell(0).setCellValue(1);
        r1.createCell(1).setCellValue(true);
        var money = wb.createCellStyle();
        money.setDataFormat(wb.createDataFormat().getFormat("#,##0.00"));
        var d2 = r1.createCell(3);
        d2.setCellValue(8999);
        d2.setCellStyle(money);
        r1.createCell(4).setCellFormula("D2*2");
        for (int row = 1; row <= 3; row++) {
            var r = row == 1 ? r1 : s.createRow(row);
            if (row > 1) {
                r.createCell(0).setCellValue(row);
            }
            r.createCell(5).setCellFormula("A" + (row + 1) + "+1");
        }
        if (fifthRow) {
            s.createRow(4).createCell(0).setCellValue(1.5);
            s.getRow(4).createCell(1).setCellFormula("C1&\"!\"");
        }
        wb.getCreationHelper().createFormulaEvaluator().evaluateAll();
        // a picture anchored at G6 (row 5, col 6)
        int pic = wb.addPicture(png(), Workbook.PICTURE_TYPE_PNG);
        var anchor = wb.getCreationHelper().createClientAnchor();
        anchor.setCol1(6);
        anchor.setRow1(5);
        anchor.setCol2(8);
        anchor.setRow2(8);
        s.createDrawingPatriarch().createPicture(anchor, pic);
        wb.setSheetHidden(wb.getSheetIndex(wb.createSheet("secret")), true);
        wb.getSheet("secret").createRow(4).createCell(2).setCellValue("hidden text");
        wb.createSheet("empty");
    }

    private static byte[] write(Workbook wb) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        wb.write(out);
        return out.toByteArray();
    }

    /** An .xls of one sheet "big" of {@code rows} × {@code cols} numbers (cell (r, c) holds r * 1000 + c). */
    static byte[] bigXls(int rows, int cols) {
        try (HSSFWorkbook wb = new HSSFWorkbook()) {
            var s = wb.createSheet("big");
            for (int r = 0; r < rows; r++) {
                var row = s.createRow(r);
                for (int c = 0; c < cols; c++) {
                    row.createCell(c).setCellValue(r * 1000.0 + c);
                }
            }
            return write(wb);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@link #sampleXls()} saved with a password (RC4 CryptoAPI, what Excel writes for "password to open"). */
    static byte[] encryptedXls() {
        try (HSSFWorkbook wb = new HSSFWorkbook(new ByteArrayInputStream(sampleXls()))) {
            Biff8EncryptionKey.setCurrentUserPassword("secret-password");
            try {
                return write(wb);
            } finally {
                Biff8EncryptionKey.setCurrentUserPassword(null);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** An OLE2 container without a Workbook stream (what a Word 97 file looks like to the .xls reader). */
    static byte[] ole2WithoutWorkbook() {
        try (var fs = new POIFSFileSystem()) {
            fs.createDocument(new ByteArrayInputStream(new byte[4096]), "WordDocument");
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            fs.writeFilesystem(out);
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static byte[] png() {
        try {
            var img = new BufferedImage(4, 4, BufferedImage.TYPE_INT_RGB);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ImageIO.write(img, "png", out);
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** One sheet of {@code rows} × {@code cols} numbers (cell (r, c) holds r * 1000 + c), streamed by SXSSF. */
    static void big(OutputStream out, int rows, int cols) throws IOException {
        try (var wb = new SXSSFWorkbook(100)) {
            var s = wb.createSheet("big");
            for (int r = 0; r < rows; r++) {
                var row = s.createRow(r);
                for (int c = 0; c < cols; c++) {
                    row.createCell(c).setCellValue(r * 1000 + c);
                }
            }
            wb.write(out);
            wb.dispose();
        }
    }

    /** A well-formed xlsx whose sheet XML inflates to {@code mib} MiB of whitespace: over the inflate-ratio limit. */
    static byte[] bomb(int mib) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            zip.setLevel(Deflater.BEST_COMPRESSION);
            put(zip, "[Content_Types].xml", """
                    <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
                    <Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
                    <Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
                    <Default Extension="xml" ContentType="application/xml"/>
                    <Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>
                    <Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>
                    </Types>""");
            put(zip, "_rels/.rels", """
                    <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
                    <Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
                    <Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>
                    </Relationships>""");
            put(zip, "xl/workbook.xml", """
                    <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
                    <workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">
                    <sheets><sheet name="bomb" sheetId="1" r:id="rId1"/></sheets></workbook>""");
            put(zip, "xl/_rels/workbook.xml.rels", """
                    <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
                    <Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
                    <Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>
                    </Relationships>""");
            zip.putNextEntry(new ZipEntry("xl/worksheets/sheet1.xml"));
            zip.write(
                    "<?xml version=\"1.0\"?><worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><sheetData>"
                            .getBytes(StandardCharsets.UTF_8));
            byte[] spaces = new byte[1 << 20];
            Arrays.fill(spaces, (byte) ' ');
            for (int i = 0; i < mib; i++) {
                zip.write(spaces);
            }
            zip.write("</sheetData></worksheet>".getBytes(StandardCharsets.UTF_8));
            zip.closeEntry();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** The sample workbook encrypted with a password (agile encryption): an OLE2 container, not a zip. */
    static byte[] encrypted() {
        try (POIFSFileSystem fs = new POIFSFileSystem()) {
            var info = new EncryptionInfo(EncryptionMode.agile);
            var enc = info.getEncryptor();
            enc.confirmPassword("secret-password");
            try (OutputStream os = enc.getDataStream(fs)) {
                os.write(sample());
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            fs.writeFilesystem(out);
            return out.toByteArray();
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The sample cut in half (no central directory). */
    static byte[] truncated() {
        byte[] whole = sample();
        return Arrays.copyOf(whole, whole.length / 2);
    }

    private static void put(ZipOutputStream zip, String name, String content) throws IOException {
        zip.putNextEntry(new ZipEntry(name));
        zip.write(content.getBytes(StandardCharsets.UTF_8));
        zip.closeEntry();
    }
}
