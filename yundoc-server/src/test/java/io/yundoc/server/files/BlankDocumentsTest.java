package io.yundoc.server.files;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

class BlankDocumentsTest {
    private static final String PKG_RELS = "http://schemas.openxmlformats.org/package/2006/relationships";
    private static final String CT = "http://schemas.openxmlformats.org/package/2006/content-types";
    private static final byte[] OLE2_MAGIC = {
        (byte) 0xD0, (byte) 0xCF, (byte) 0x11, (byte) 0xE0, (byte) 0xA1, (byte) 0xB1, (byte) 0x1A, (byte) 0xE1
    };

    @ParameterizedTest
    @ValueSource(strings = {"docx", "xlsx", "pptx", "doc", "xls", "ppt"})
    void everySupportedFormatIsDeterministicAndACopy(String ext) {
        byte[] first = BlankDocuments.forExtension(ext).orElseThrow();
        byte[] second = BlankDocuments.forExtension(ext).orElseThrow();
        assertThat(first).isNotEmpty().isEqualTo(second).isNotSameAs(second);
        first[0] ^= 0x55;
        assertThat(BlankDocuments.forExtension(ext).orElseThrow()).isEqualTo(second);
    }

    @ParameterizedTest
    @ValueSource(strings = {"otl", "ksheet", "dbt", "pdf", "txt", "", "docm", ".docx"})
    void otherExtensionsHaveNoBlank(String ext) {
        assertThat(BlankDocuments.forExtension(ext)).isEmpty();
    }

    @Test
    void nullHasNoBlank() {
        assertThat(BlankDocuments.forExtension(null)).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"doc", "xls", "ppt"})
    void legacyTemplatesAreOle2(String ext) {
        byte[] bytes = BlankDocuments.forExtension(ext).orElseThrow();
        assertThat(bytes.length).isGreaterThan(512).matches(n -> n % 512 == 0, "a whole number of 512-byte sectors");
        assertThat(Arrays.copyOf(bytes, 8)).isEqualTo(OLE2_MAGIC);
    }

    @ParameterizedTest
    @CsvSource({
        "docx, /word/document.xml, application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
        "xlsx, /xl/workbook.xml, application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
        "pptx, /ppt/presentation.xml, application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml"
    })
    void ooxmlPackagesAreComplete(String ext, String mainPart, String mainType) throws Exception {
        Map<String, byte[]> zip = unzip(BlankDocuments.forExtension(ext).orElseThrow());
        assertThat(zip).containsKeys("[Content_Types].xml", "_rels/.rels", mainPart.substring(1));

        Map<String, Document> xml = new LinkedHashMap<>();
        for (Map.Entry<String, byte[]> e : zip.entrySet()) {
            assertThat(e.getKey()).as("only XML parts").matches("[^/].*\\.(xml|rels)");
            xml.put(e.getKey(), parse(e.getValue()));
        }

        // The content types name every non-.rels part, with the main part's type.
        Document types = xml.get("[Content_Types].xml");
        assertThat(types.getDocumentElement().getNamespaceURI()).isEqualTo(CT);
        Map<String, String> overrides = new LinkedHashMap<>();
        NodeList o = types.getElementsByTagNameNS(CT, "Override");
        for (int i = 0; i < o.getLength(); i++) {
            Element el = (Element) o.item(i);
            overrides.put(el.getAttribute("PartName"), el.getAttribute("ContentType"));
        }
        assertThat(overrides).containsEntry(mainPart, mainType);
        for (String name : zip.keySet()) {
            if (!name.endsWith(".rels") && !name.equals("[Content_Types].xml")) {
                assertThat(overrides).as("content type of %s", name).containsKey("/" + name);
            }
        }
        for (String partName : overrides.keySet()) {
            assertThat(zip).as("overridden part %s", partName).containsKey(partName.substring(1));
        }

        // The package relationship leads to the main part; every relationship target exists.
        assertThat(targets(xml.get("_rels/.rels"), "")).contains(mainPart.substring(1));
        int relsParts = 0;
        for (Map.Entry<String, Document> e : xml.entrySet()) {
            if (!e.getKey().endsWith(".rels")) {
                continue;
            }
            relsParts++;
            String source = sourceDir(e.getKey());
            List<String> targets = targets(e.getValue(), source);
            assertThat(targets).as("relationships of %s", e.getKey()).isNotEmpty();
            assertThat(zip.keySet()).as("targets of %s", e.getKey()).containsAll(targets);
        }
        assertThat(relsParts).isGreaterThanOrEqualTo(2);
    }

    @Test
    void pptxHasTheStructurePowerPointRequires() throws Exception {
        Map<String, byte[]> zip = unzip(BlankDocuments.forExtension("pptx").orElseThrow());
        assertThat(zip)
                .containsKeys(
                        "ppt/slideMasters/slideMaster1.xml",
                        "ppt/slideLayouts/slideLayout1.xml",
                        "ppt/theme/theme1.xml",
                        "ppt/slides/slide1.xml",
                        "ppt/slideMasters/_rels/slideMaster1.xml.rels",
                        "ppt/slideLayouts/_rels/slideLayout1.xml.rels");
        Document pres = parse(zip.get("ppt/presentation.xml"));
        String p = "http://schemas.openxmlformats.org/presentationml/2006/main";
        assertThat(pres.getElementsByTagNameNS(p, "sldMasterId").getLength()).isEqualTo(1);
        assertThat(pres.getElementsByTagNameNS(p, "sldSz").getLength()).isEqualTo(1);
        assertThat(pres.getElementsByTagNameNS(p, "notesSz").getLength()).isEqualTo(1);
        assertThat(targets(parse(zip.get("ppt/slideMasters/_rels/slideMaster1.xml.rels")), "ppt/slideMasters/"))
                .contains("ppt/theme/theme1.xml", "ppt/slideLayouts/slideLayout1.xml");
        assertThat(targets(parse(zip.get("ppt/slideLayouts/_rels/slideLayout1.xml.rels")), "ppt/slideLayouts/"))
                .containsExactly("ppt/slideMasters/slideMaster1.xml");
    }

    @Test
    void zipEntriesHaveFixedTimes() throws IOException {
        for (String ext : new String[] {"docx", "xlsx", "pptx"}) {
            try (ZipInputStream in = new ZipInputStream(
                    new ByteArrayInputStream(BlankDocuments.forExtension(ext).orElseThrow()))) {
                for (ZipEntry e; (e = in.getNextEntry()) != null; ) {
                    assertThat(e.getTimeLocal())
                            .as("%s %s", ext, e.getName())
                            .isEqualTo(LocalDateTime.of(1980, 1, 1, 0, 0));
                }
            }
        }
    }

    private static Map<String, byte[]> unzip(byte[] bytes) throws IOException {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(bytes))) {
            for (ZipEntry e; (e = in.getNextEntry()) != null; ) {
                assertThat(entries.put(e.getName(), in.readAllBytes()))
                        .as("duplicate entry %s", e.getName())
                        .isNull();
            }
        }
        assertThat(entries).isNotEmpty();
        return entries;
    }

    private static Document parse(byte[] xml) throws Exception {
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setNamespaceAware(true);
        f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        DocumentBuilder b = f.newDocumentBuilder();
        return b.parse(new ByteArrayInputStream(xml));
    }

    /** The internal targets of a .rels part, as ZIP entry names resolved against {@code sourceDir}. */
    private static List<String> targets(Document rels, String sourceDir) {
        assertThat(rels.getDocumentElement().getNamespaceURI()).isEqualTo(PKG_RELS);
        assertThat(rels.getDocumentElement().getLocalName()).isEqualTo("Relationships");
        List<String> out = new ArrayList<>();
        NodeList list = rels.getElementsByTagNameNS(PKG_RELS, "Relationship");
        for (int i = 0; i < list.getLength(); i++) {
            Element r = (Element) list.item(i);
            assertThat(r.getAttribute("Id")).isNotBlank();
            assertThat(r.getAttribute("Type")).startsWith("http://");
            if ("External".equals(r.getAttribute("TargetMode"))) {
                continue;
            }
            String target = r.getAttribute("Target");
            URI resolved = URI.create("/" + sourceDir).resolve(target).normalize();
            out.add(resolved.getPath().substring(1));
        }
        return out;
    }

    /** The folder that relationships in {@code rels} are relative to: "word/" for "word/_rels/document.xml.rels". */
    private static String sourceDir(String rels) {
        int at = rels.lastIndexOf("_rels/");
        return rels.substring(0, at);
    }
}
