package io.yundoc.server.office;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.yundoc.server.HeapWatch;
import io.yundoc.server.ServerConfig;
import io.yundoc.server.TestServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Hostile documents on the real office engine (issue 17 item 6, docs/api-families.md §F3.5 "Limits"): zip bombs (a
 * .docx whose XML part inflates to 2 GiB from 2 MiB of zip, the same with headers that declare 1,000 bytes, a package
 * over the inflated-bytes cap without a suspicious ratio, one with too many entries) fail their task before LibreOffice
 * sees them, without the server's heap growing; a 1.5 KiB spreadsheet that keeps LibreOffice busy for minutes is killed
 * at the per-task limit and its process replaced, while signed requests go on being answered. After each, a normal
 * conversion succeeds.
 */
@Tag("integration")
class OfficeHostileDocumentsTest {
    static final String API = "/api/v1/openapi";
    static final long MAX_INFLATED = 8L << 20;
    static final int MAX_ENTRIES = 200;
    static final Duration TASK_TIMEOUT = Duration.ofSeconds(20);
    static TestServer ts;
    static TestServer.App app;
    static ServedFiles served;
    static final String CONTENT_TYPES = """
            <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
            <Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">\
            <Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>\
            <Default Extension="xml" ContentType="application/xml"/>\
            <Default Extension="txt" ContentType="text/plain"/>\
            <Override PartName="/word/document.xml" \
            ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>""";
    static final String RELS = """
            <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
            <Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">\
            <Relationship Id="rId1" \
            Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" \
            Target="word/document.xml"/></Relationships>""";

    @BeforeAll
    static void start() throws IOException {
        ts = new TestServer(b -> b.cloudAllow(List.of("127.0.0.1/32"))
                .office(new ServerConfig.Office(null, 1, TASK_TIMEOUT, 50, 50L << 20, MAX_INFLATED, MAX_ENTRIES)));
        app = ts.app("test");
        served = new ServedFiles();
        served.put("/normal.docx", OfficeConvertTest.docx(1));
    }

    @AfterAll
    static void stop() {
        served.close();
        ts.close();
    }

    static String url(String path) {
        return served.url(path);
    }

    static String submit(String path, String filename) {
        HttpResponse<String> r = ts.signed(
                app,
                "POST",
                API + "/office/convert/files/to/pdf",
                ("{\"url\":\"" + url(path) + "\",\"filename\":\"" + filename + "\"}").getBytes(StandardCharsets.UTF_8),
                "application/json");
        JsonNode n = TestServer.json(r);
        assertThat(n.path("code").asInt()).as(r.body()).isZero();
        return n.path("data").path("task_id").asText();
    }

    static JsonNode task(String id) {
        return ConvertTasks.query(ts, app, id).path("data");
    }

    static JsonNode finished(String id) {
        return ConvertTasks.awaitEnd(ts, app, id);
    }

    /** A file in the app's space, for the signed file-info route. */
    static String uploadedFile() {
        String boundary = "b-" + UUID.randomUUID();
        byte[] body = TestServer.multipart(
                boundary, "note-" + UUID.randomUUID() + ".txt", "text/plain", "hello".getBytes(StandardCharsets.UTF_8));
        JsonNode n = TestServer.json(ts.signed(
                app, "POST", API + "/appspace/files/upload", body, "multipart/form-data; boundary=" + boundary));
        assertThat(n.path("code").asInt()).as(n.toString()).isZero();
        return n.path("data").path("file_token").asText();
    }

    /** The signed file-info route answers (200, code 0) with the file's token. */
    static void fileInfoAnswers(String fileToken) {
        HttpResponse<String> r = ts.signed(app, "GET", API + "/appspace/files/" + fileToken, null, "application/json");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(TestServer.json(r).path("data").path("file_token").asText()).isEqualTo(fileToken);
    }

    static void aNormalConversionSucceeds() {
        JsonNode d = finished(submit("/normal.docx", "normal-" + UUID.randomUUID() + ".docx"));
        assertThat(d.path("status").asText()).as(d.toString()).isEqualTo("success");
        assertThat(d.path("result").path("pdfs")).hasSize(1);
    }

    static Set<Long> officePids() {
        return ProcessHandle.current()
                .descendants()
                .filter(h -> h.info().command().orElse("").contains("soffice"))
                .map(ProcessHandle::pid)
                .collect(Collectors.toSet());
    }

    // ------------------------------------------------------------------ zip bombs

    @Test
    void aZipBombFailsItsTaskBeforeTheEngineAndTheHeapDoesNotGrow() throws Exception {
        String file = uploadedFile();
        served.put("/bomb.docx", docx(bombEntry(2048, -1)));
        assertThat(served.get("/bomb.docx").length).isLessThan(8 << 20);
        JsonNode d;
        try (HeapWatch heap = new HeapWatch()) {
            d = finished(submit("/bomb.docx", "bomb.docx"));
            heap.awaitNextSample();
            // 2 GiB of XML behind it; the check holds one 64 KiB buffer
            assertThat(heap.growth()).as("heap growth").isLessThan(64L << 20);
        }
        assertThat(d.path("status").asText()).as(d.toString()).isEqualTo("failure");
        assertThat(d.path("message").asText()).contains("zip bomb").doesNotContain("/");
        // refused by the check, not stopped at the engine's time limit
        assertThat(d.path("task").path("elapsed").asLong()).isLessThan(TASK_TIMEOUT.toMillis());
        assertThat(ts.send("GET", "/health", null).statusCode()).isEqualTo(200);
        fileInfoAnswers(file);
        aNormalConversionSucceeds();
    }

    @Test
    void headersThatLieAboutTheInflatedSizeDoNotHideABomb() {
        // local and central headers both say 1,000 bytes; the entry inflates to 1 GiB
        served.put("/liar.docx", docx(bombEntry(1024, 1000)));
        JsonNode d = finished(submit("/liar.docx", "liar.docx"));
        assertThat(d.path("status").asText()).as(d.toString()).isEqualTo("failure");
        assertThat(d.path("message").asText()).contains("zip bomb");
        aNormalConversionSucceeds();
    }

    @Test
    void aPackageOverTheInflatedCapOrTheEntryCountFails() throws IOException {
        // ordinary text (inflates about 4×, no bomb by ratio), 12 MiB in all: over the 8 MiB cap of this server
        served.put("/big.docx", textPackage(6, 4 << 20));
        JsonNode big = finished(submit("/big.docx", "big.docx"));
        assertThat(big.path("status").asText()).as(big.toString()).isEqualTo("failure");
        assertThat(big.path("message").asText())
                .isEqualTo("the document's zip package inflates to more than " + MAX_INFLATED + " bytes (a zip bomb)");
        served.put("/many.docx", textPackage(MAX_ENTRIES + 1, 16));
        JsonNode many = finished(submit("/many.docx", "many.docx"));
        assertThat(many.path("status").asText()).as(many.toString()).isEqualTo("failure");
        assertThat(many.path("message").asText())
                .isEqualTo("the document's zip package has more than " + MAX_ENTRIES + " entries");
        // the same shapes under the limits convert (the engine reads the package as a docx)
        served.put("/fine.docx", textPackage(MAX_ENTRIES - 10, 16));
        JsonNode fine = finished(submit("/fine.docx", "fine.docx"));
        assertThat(fine.path("status").asText()).as(fine.toString()).isEqualTo("success");
        aNormalConversionSucceeds();
    }

    // ------------------------------------------------------------------ a document that keeps the engine busy

    @Test
    void aSpreadsheetThatKeepsTheEngineBusyIsKilledAtTheLimit() {
        String file = uploadedFile();
        aNormalConversionSucceeds(); // the office process is up
        // two cells at opposite corners: the print range is the whole sheet (16,384 × 1,048,576 cells), which this
        // LibreOffice walks page by page for about 100 s of CPU (timeout 60 soffice --convert-to pdf does not finish)
        served.put("/corners.xlsx", corners());
        assertThat(served.get("/corners.xlsx").length).isLessThan(4096);
        long started = System.nanoTime();
        String id = submit("/corners.xlsx", "corners.xlsx");
        await().atMost(Duration.ofSeconds(30))
                .until(() ->
                        task(id).path("progress").asInt() >= 0 && !officePids().isEmpty());
        Set<Long> before = officePids();
        // while the engine is busy with it, the server answers signed requests
        for (int i = 0; i < 3; i++) {
            assertThat(task(id).path("status").asText()).isEqualTo("processing");
            long t0 = System.nanoTime();
            fileInfoAnswers(file);
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(5));
            assertThat(task(id).path("status").asText()).isEqualTo("processing");
        }
        JsonNode d = finished(id);
        assertThat(d.path("status").asText()).as(d.toString()).isEqualTo("failure");
        assertThat(d.path("message").asText()).isEqualTo("conversion took too long");
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(TASK_TIMEOUT);
        // the busy process was killed, and a new one converts the next document
        await().atMost(Duration.ofSeconds(30))
                .until(() -> before.stream()
                        .noneMatch(pid -> ProcessHandle.of(pid)
                                .map(ProcessHandle::isAlive)
                                .orElse(false)));
        aNormalConversionSucceeds();
        Set<Long> after = officePids();
        assertThat(after).isNotEmpty().doesNotContainAnyElementsOf(before);
        assertThat(ts.send("GET", "/health", null).statusCode()).isEqualTo(200);
    }

    // ------------------------------------------------------------------ documents

    /** A spreadsheet with a cell in A1 and one in XFD1048576. */
    static byte[] corners() {
        return xlsx("""
                <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
                <worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>\
                <row r="1"><c r="A1" t="inlineStr"><is><t>x</t></is></c></row>\
                <row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>y</t></is></c></row>\
                </sheetData></worksheet>""");
    }

    static byte[] xlsx(String sheet) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            put(zip, "[Content_Types].xml", """
                    <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
                    <Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">\
                    <Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>\
                    <Default Extension="xml" ContentType="application/xml"/>\
                    <Override PartName="/xl/workbook.xml" \
                    ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>\
                    <Override PartName="/xl/worksheets/sheet1.xml" \
                    ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>""");
            put(zip, "_rels/.rels", """
                    <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
                    <Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">\
                    <Relationship Id="rId1" \
                    Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" \
                    Target="xl/workbook.xml"/></Relationships>""");
            put(zip, "xl/workbook.xml", """
                    <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
                    <workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" \
                    xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">\
                    <sheets><sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>""");
            put(zip, "xl/_rels/workbook.xml.rels", """
                    <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
                    <Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">\
                    <Relationship Id="rId1" \
                    Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" \
                    Target="worksheets/sheet1.xml"/></Relationships>""");
            put(zip, "xl/worksheets/sheet1.xml", sheet);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    private static void put(ZipOutputStream zip, String name, String text) throws IOException {
        zip.putNextEntry(new ZipEntry(name));
        zip.write(text.getBytes(StandardCharsets.UTF_8));
        zip.closeEntry();
    }

    /**
     * A .docx package of {@code count} entries: {@code [Content_Types].xml}, {@code _rels/.rels}, a one-line
     * {@code word/document.xml}, and parts of {@code bytes} bytes of word salad each (Deflate makes about a third of
     * it).
     */
    static byte[] textPackage(int count, int bytes) throws IOException {
        String[] words = "alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu nu xi omicron pi rho"
                .split(" ", -1);
        Random random = new Random(6);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(out)) {
            put(zip, "[Content_Types].xml", CONTENT_TYPES);
            put(zip, "_rels/.rels", RELS);
            put(zip, "word/document.xml", """
                    <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
                    <w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>\
                    <w:p><w:r><w:t>many parts</w:t></w:r></w:p></w:body></w:document>""");
            for (int i = 3; i < count; i++) {
                StringBuilder sb = new StringBuilder(bytes + 16);
                while (sb.length() < bytes) {
                    sb.append(words[random.nextInt(words.length)])
                            .append(random.nextInt(1000))
                            .append(' ');
                }
                put(zip, "word/media/part" + i + ".txt", sb.substring(0, bytes));
            }
        }
        return out.toByteArray();
    }

    /** One entry of a hand-written zip: its deflated bytes, and the inflated size and CRC its headers declare. */
    static final class Raw {
        final String name;
        final byte[] deflated;
        final long crc;
        final long declaredSize;

        Raw(String name, byte[] deflated, long crc, long declaredSize) {
            this.name = name;
            this.deflated = deflated;
            this.crc = crc;
            this.declaredSize = declaredSize;
        }
    }

    /**
     * {@code word/document.xml} of {@code mib} MiB of white space between {@code <w:body>} and its end (well-formed
     * XML), deflated in a few milliseconds: after a sync flush, Deflate's output for a further MiB of spaces is the
     * same block every time (matches at distance 1 into a window of spaces), so that block is repeated. Headers declare
     * the true size, or {@code declared} when not negative.
     */
    static Raw bombEntry(int mib, long declared) {
        byte[] head = """
                <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
                <w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>\
                <w:p><w:r><w:t>bomb</w:t></w:r></w:p>""".getBytes(StandardCharsets.UTF_8);
        byte[] tail = "</w:body></w:document>".getBytes(StandardCharsets.UTF_8);
        byte[] chunk = new byte[1 << 20];
        Arrays.fill(chunk, (byte) ' ');
        Deflater d = new Deflater(Deflater.BEST_COMPRESSION, true);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        CRC32 crc = new CRC32();
        try {
            out.write(deflate(d, head, Deflater.SYNC_FLUSH));
            crc.update(head);
            byte[] previous = null;
            byte[] steady = null;
            for (int i = 0; i < mib; i++) {
                if (steady == null) {
                    byte[] b = deflate(d, chunk, Deflater.SYNC_FLUSH);
                    steady = Arrays.equals(b, previous) ? b : null;
                    previous = b;
                    out.write(b);
                } else {
                    out.write(steady);
                }
                crc.update(chunk);
            }
            d.setInput(tail);
            d.finish();
            byte[] buf = new byte[4096];
            while (!d.finished()) {
                out.write(buf, 0, d.deflate(buf));
            }
            crc.update(tail);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            d.end();
        }
        long size = head.length + ((long) mib << 20) + tail.length;
        return new Raw("word/document.xml", out.toByteArray(), crc.getValue(), declared < 0 ? size : declared);
    }

    private static byte[] deflate(Deflater d, byte[] input, int flush) {
        d.setInput(input);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[64 << 10];
        int n;
        do {
            n = d.deflate(buf, 0, buf.length, flush);
            out.write(buf, 0, n);
        } while (n == buf.length || !d.needsInput());
        return out.toByteArray();
    }

    /** A .docx whose content types and relationships are honest and whose document part is {@code document}. */
    static byte[] docx(Raw document) {
        List<Raw> entries = new ArrayList<>();
        entries.add(stored("[Content_Types].xml", CONTENT_TYPES));
        entries.add(stored("_rels/.rels", RELS));
        entries.add(document);
        return zip(entries);
    }

    private static Raw stored(String name, String text) {
        byte[] b = text.getBytes(StandardCharsets.UTF_8);
        Deflater d = new Deflater(Deflater.DEFAULT_COMPRESSION, true);
        try {
            d.setInput(b);
            d.finish();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] buf = new byte[4096];
            while (!d.finished()) {
                out.write(buf, 0, d.deflate(buf));
            }
            CRC32 crc = new CRC32();
            crc.update(b);
            return new Raw(name, out.toByteArray(), crc.getValue(), b.length);
        } finally {
            d.end();
        }
    }

    /** A zip of deflated entries written by hand: local headers, data, central directory, end record. */
    static byte[] zip(List<Raw> entries) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream central = new ByteArrayOutputStream();
        for (Raw e : entries) {
            byte[] name = e.name.getBytes(StandardCharsets.UTF_8);
            int offset = out.size();
            ByteBuffer local = ByteBuffer.allocate(30).order(ByteOrder.LITTLE_ENDIAN);
            local.putInt(0x04034b50).putShort((short) 20).putShort((short) 0).putShort((short) 8);
            local.putShort((short) 0).putShort((short) 0x21).putInt((int) e.crc).putInt(e.deflated.length);
            local.putInt((int) e.declaredSize).putShort((short) name.length).putShort((short) 0);
            out.writeBytes(local.array());
            out.writeBytes(name);
            out.writeBytes(e.deflated);
            ByteBuffer c = ByteBuffer.allocate(46).order(ByteOrder.LITTLE_ENDIAN);
            c.putInt(0x02014b50)
                    .putShort((short) 20)
                    .putShort((short) 20)
                    .putShort((short) 0)
                    .putShort((short) 8);
            c.putShort((short) 0).putShort((short) 0x21).putInt((int) e.crc).putInt(e.deflated.length);
            c.putInt((int) e.declaredSize)
                    .putShort((short) name.length)
                    .putShort((short) 0)
                    .putShort((short) 0);
            c.putShort((short) 0).putShort((short) 0).putInt(0).putInt(offset);
            central.writeBytes(c.array());
            central.writeBytes(name);
        }
        int cdOffset = out.size();
        out.writeBytes(central.toByteArray());
        ByteBuffer end = ByteBuffer.allocate(22).order(ByteOrder.LITTLE_ENDIAN);
        end.putInt(0x06054b50).putShort((short) 0).putShort((short) 0);
        end.putShort((short) entries.size()).putShort((short) entries.size());
        end.putInt(central.size()).putInt(cdOffset).putShort((short) 0);
        out.writeBytes(end.array());
        return out.toByteArray();
    }
}
