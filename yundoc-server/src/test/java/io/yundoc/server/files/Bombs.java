package io.yundoc.server.files;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.zip.Deflater;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.apache.pdfbox.cos.COSName;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.PDResources;
import org.apache.pdfbox.pdmodel.common.PDStream;
import org.apache.pdfbox.pdmodel.font.PDType1Font;
import org.apache.pdfbox.pdmodel.font.Standard14Fonts;
import org.apache.poi.poifs.crypt.EncryptionInfo;
import org.apache.poi.poifs.crypt.EncryptionMode;
import org.apache.poi.poifs.filesystem.POIFSFileSystem;

/**
 * Hostile documents for the content-indexer tests, generated small on disk: a .docx whose word/document.xml
 * inflates to hundreds of MiB, a one-page PDF whose FlateDecode content stream inflates to hundreds of MiB of text
 * operators, an encrypted OOXML file, and a truncated zip.
 */
public final class Bombs {
    private Bombs() {}

    /** A .docx of well under 1 MiB whose word/document.xml is {@code mib} MiB of paragraphs. */
    public static byte[] docx(int mib) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            zip.setLevel(Deflater.BEST_COMPRESSION);
            put(zip, "[Content_Types].xml", """
                    <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
                    <Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
                    <Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
                    <Default Extension="xml" ContentType="application/xml"/>
                    <Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>
                    </Types>""".getBytes(StandardCharsets.UTF_8));
            put(zip, "_rels/.rels", """
                    <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
                    <Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
                    <Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>
                    </Relationships>""".getBytes(StandardCharsets.UTF_8));
            zip.putNextEntry(new ZipEntry("word/document.xml"));
            zip.write("""
                    <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
                    <w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>""".getBytes(StandardCharsets.UTF_8));
            repeat(
                    zip,
                    "<w:p><w:r><w:t>bomb bomb bomb bomb bomb bomb bomb bomb bomb bomb</w:t></w:r></w:p>",
                    (long) mib << 20);
            zip.write("</w:body></w:document>".getBytes(StandardCharsets.UTF_8));
            zip.closeEntry();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /**
     * A one-page PDF whose content stream (FlateDecode) inflates to {@code mib} MiB: one text-showing operator with a
     * single string that long, the shape that makes a parser hold it whole.
     */
    public static byte[] pdf(int mib) {
        try (PDDocument doc = new PDDocument()) {
            PDPage page = new PDPage();
            doc.addPage(page);
            PDResources res = new PDResources();
            COSName font = res.add(new PDType1Font(Standard14Fonts.FontName.HELVETICA));
            page.setResources(res);
            long n = (long) mib << 20;
            byte[] head = ("BT /" + font.getName() + " 12 Tf 50 700 Td (").getBytes(StandardCharsets.US_ASCII);
            byte[] tail = ") Tj ET\n".getBytes(StandardCharsets.US_ASCII);
            InputStream content = new InputStream() {
                long pos;

                @Override
                public int read() {
                    byte[] one = new byte[1];
                    return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
                }

                @Override
                public int read(byte[] b, int off, int len) {
                    long total = head.length + n + tail.length;
                    if (pos >= total) {
                        return -1;
                    }
                    int k = 0;
                    while (k < len && pos < total) {
                        if (pos < head.length) {
                            b[off + k] = head[(int) pos];
                        } else if (pos < head.length + n) {
                            int run = (int) Math.min(len - k, head.length + n - pos);
                            Arrays.fill(b, off + k, off + k + run, (byte) 'A');
                            k += run;
                            pos += run;
                            continue;
                        } else {
                            b[off + k] = tail[(int) (pos - head.length - n)];
                        }
                        k++;
                        pos++;
                    }
                    return k;
                }
            };
            page.setContents(new PDStream(doc, content, COSName.FLATE_DECODE));
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            doc.save(out);
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A Word document encrypted with a password (agile encryption, what Office writes): an OLE2 container. */
    public static byte[] encryptedDocx(String text) {
        try (POIFSFileSystem fs = new POIFSFileSystem()) {
            var info = new EncryptionInfo(EncryptionMode.agile);
            var enc = info.getEncryptor();
            enc.confirmPassword("secret-password");
            try (OutputStream os = enc.getDataStream(fs)) {
                os.write(OfficeSamples.docx(text));
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            fs.writeFilesystem(out);
            return out.toByteArray();
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A valid .docx cut off in the middle of its zip data (no central directory). */
    public static byte[] truncatedDocx(String text) {
        byte[] whole = OfficeSamples.docx(text + " " + "padding ".repeat(2000));
        return Arrays.copyOf(whole, whole.length / 2);
    }

    private static void put(ZipOutputStream zip, String name, byte[] content) throws IOException {
        zip.putNextEntry(new ZipEntry(name));
        zip.write(content);
        zip.closeEntry();
    }

    private static void repeat(OutputStream out, String unit, long atLeast) throws IOException {
        byte[] one = unit.getBytes(StandardCharsets.UTF_8);
        byte[] block = new byte[one.length * 4096];
        for (int i = 0; i < 4096; i++) {
            System.arraycopy(one, 0, block, i * one.length, one.length);
        }
        for (long written = 0; written < atLeast; written += block.length) {
            out.write(block);
        }
    }
}
