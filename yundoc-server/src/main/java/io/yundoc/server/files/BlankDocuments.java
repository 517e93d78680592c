package io.yundoc.server.files;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.LocalDateTime;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Bytes of a valid, empty document for the Office formats the server can create.
 *
 * <p>The Office Open XML files ({@code docx}, {@code xlsx}, {@code pptx}) are assembled here as ZIP packages with
 * fixed entry times and no compression, so the bytes never change (content is stored by SHA-256 and deduplicated).
 * The legacy OLE2 binaries ({@code doc}, {@code xls}, {@code ppt}) are fixed templates shipped as classpath resources
 * under {@code /blank/}. Each document is built once; every call returns a fresh copy.
 */
public final class BlankDocuments {
    /** The time written into every ZIP entry: the earliest a ZIP (DOS) time can express. */
    private static final LocalDateTime ENTRY_TIME = LocalDateTime.of(1980, 1, 1, 0, 0);

    private BlankDocuments() {
    }

    /**
     * An empty document of this type ({@code ext} lower case, without the dot), or empty when the server cannot
     * create one.
     */
    public static Optional<byte[]> forExtension(String ext) {
        if (ext == null) {
            return Optional.empty();
        }
        byte[] template = Holder.TEMPLATES.get(ext.toLowerCase(Locale.ROOT));
        return template == null ? Optional.empty() : Optional.of(template.clone());
    }

    private static final class Holder {
        static final Map<String, byte[]> TEMPLATES = load();

        private static Map<String, byte[]> load() {
            Map<String, byte[]> m = new HashMap<>();
            m.put("docx", zip(docx()));
            m.put("xlsx", zip(xlsx()));
            m.put("pptx", zip(pptx()));
            for (String ext : new String[] {"doc", "xls", "ppt"}) {
                byte[] bytes = resource("/blank/blank." + ext);
                if (bytes != null) {
                    m.put(ext, bytes);
                }
            }
            return Map.copyOf(m);
        }
    }

    private static byte[] resource(String name) {
        try (InputStream in = BlankDocuments.class.getResourceAsStream(name)) {
            return in == null ? null : in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + name, e);
        }
    }

    /** A ZIP of these parts, in this order, stored uncompressed with fixed times so the bytes are reproducible. */
    static byte[] zip(Map<String, String> parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(out, StandardCharsets.UTF_8)) {
            zip.setMethod(ZipOutputStream.STORED);
            for (Map.Entry<String, String> part : parts.entrySet()) {
                byte[] data = part.getValue().getBytes(StandardCharsets.UTF_8);
                CRC32 crc = new CRC32();
                crc.update(data);
                ZipEntry entry = new ZipEntry(part.getKey());
                entry.setMethod(ZipEntry.STORED);
                entry.setTimeLocal(ENTRY_TIME);
                entry.setSize(data.length);
                entry.setCompressedSize(data.length);
                entry.setCrc(crc.getValue());
                zip.putNextEntry(entry);
                zip.write(data);
                zip.closeEntry();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    // ---------------------------------------------------------------- shared

    private static final String DECL = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\r\n";
    private static final String CT = "http://schemas.openxmlformats.org/package/2006/content-types";
    private static final String PKG_RELS = "http://schemas.openxmlformats.org/package/2006/relationships";
    private static final String REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
    private static final String OFFICE_DOCUMENT = REL + "/officeDocument";
    private static final String MIME = "application/vnd.openxmlformats-officedocument.";

    /** An XML part: the declaration, then the markup with the whitespace between tags removed. */
    private static String xml(String markup) {
        return DECL + markup.strip().replaceAll(">\\s+<", "><");
    }

    private static String contentTypes(String... overrides) {
        StringBuilder sb = new StringBuilder("<Types xmlns=\"" + CT + "\">"
                + "<Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>"
                + "<Default Extension=\"xml\" ContentType=\"application/xml\"/>");
        for (int i = 0; i < overrides.length; i += 2) {
            sb.append("<Override PartName=\"").append(overrides[i]).append("\" ContentType=\"")
                    .append(overrides[i + 1]).append("\"/>");
        }
        return xml(sb.append("</Types>").toString());
    }

    /** Relationships rId1, rId2, … of the given type/target pairs. */
    private static String rels(String... typeTarget) {
        StringBuilder sb = new StringBuilder("<Relationships xmlns=\"" + PKG_RELS + "\">");
        for (int i = 0; i < typeTarget.length; i += 2) {
            sb.append("<Relationship Id=\"rId").append(i / 2 + 1).append("\" Type=\"").append(typeTarget[i])
                    .append("\" Target=\"").append(typeTarget[i + 1]).append("\"/>");
        }
        return xml(sb.append("</Relationships>").toString());
    }

    // ---------------------------------------------------------------- docx

    private static final String W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";

    private static Map<String, String> docx() {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("[Content_Types].xml", contentTypes(
                "/word/document.xml", MIME + "wordprocessingml.document.main+xml",
                "/word/styles.xml", MIME + "wordprocessingml.styles+xml",
                "/word/settings.xml", MIME + "wordprocessingml.settings+xml"));
        p.put("_rels/.rels", rels(OFFICE_DOCUMENT, "word/document.xml"));
        p.put("word/_rels/document.xml.rels", rels(
                REL + "/styles", "styles.xml",
                REL + "/settings", "settings.xml"));
        p.put("word/document.xml", xml("""
                <w:document xmlns:w="%s" xmlns:r="%s">
                  <w:body>
                    <w:p/>
                    <w:sectPr>
                      <w:pgSz w:w="11906" w:h="16838"/>
                      <w:pgMar w:top="1440" w:right="1800" w:bottom="1440" w:left="1800"
                               w:header="851" w:footer="992" w:gutter="0"/>
                      <w:cols w:space="425"/>
                      <w:docGrid w:type="lines" w:linePitch="312"/>
                    </w:sectPr>
                  </w:body>
                </w:document>
                """.formatted(W, REL)));
        p.put("word/styles.xml", xml("""
                <w:styles xmlns:w="%s">
                  <w:docDefaults>
                    <w:rPrDefault>
                      <w:rPr>
                        <w:rFonts w:ascii="Calibri" w:eastAsia="SimSun" w:hAnsi="Calibri" w:cs="Times New Roman"/>
                        <w:kern w:val="2"/>
                        <w:sz w:val="21"/>
                        <w:szCs w:val="22"/>
                        <w:lang w:val="en-US" w:eastAsia="zh-CN" w:bidi="ar-SA"/>
                      </w:rPr>
                    </w:rPrDefault>
                    <w:pPrDefault/>
                  </w:docDefaults>
                  <w:style w:type="paragraph" w:default="1" w:styleId="Normal">
                    <w:name w:val="Normal"/>
                    <w:qFormat/>
                    <w:pPr>
                      <w:widowControl w:val="0"/>
                      <w:jc w:val="both"/>
                    </w:pPr>
                  </w:style>
                  <w:style w:type="character" w:default="1" w:styleId="DefaultParagraphFont">
                    <w:name w:val="Default Paragraph Font"/>
                    <w:uiPriority w:val="1"/>
                    <w:semiHidden/>
                    <w:unhideWhenUsed/>
                  </w:style>
                  <w:style w:type="table" w:default="1" w:styleId="TableNormal">
                    <w:name w:val="Normal Table"/>
                    <w:uiPriority w:val="99"/>
                    <w:semiHidden/>
                    <w:unhideWhenUsed/>
                    <w:tblPr>
                      <w:tblInd w:w="0" w:type="dxa"/>
                      <w:tblCellMar>
                        <w:top w:w="0" w:type="dxa"/>
                        <w:left w:w="108" w:type="dxa"/>
                        <w:bottom w:w="0" w:type="dxa"/>
                        <w:right w:w="108" w:type="dxa"/>
                      </w:tblCellMar>
                    </w:tblPr>
                  </w:style>
                  <w:style w:type="numbering" w:default="1" w:styleId="NoList">
                    <w:name w:val="No List"/>
                    <w:uiPriority w:val="99"/>
                    <w:semiHidden/>
                    <w:unhideWhenUsed/>
                  </w:style>
                </w:styles>
                """.formatted(W)));
        p.put("word/settings.xml", xml("""
                <w:settings xmlns:w="%s">
                  <w:defaultTabStop w:val="420"/>
                  <w:characterSpacingControl w:val="compressPunctuation"/>
                  <w:compat>
                    <w:compatSetting w:name="compatibilityMode" w:uri="http://schemas.microsoft.com/office/word" w:val="15"/>
                  </w:compat>
                </w:settings>
                """.formatted(W)));
        return p;
    }

    // ---------------------------------------------------------------- xlsx

    private static final String S = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";

    private static Map<String, String> xlsx() {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("[Content_Types].xml", contentTypes(
                "/xl/workbook.xml", MIME + "spreadsheetml.sheet.main+xml",
                "/xl/worksheets/sheet1.xml", MIME + "spreadsheetml.worksheet+xml",
                "/xl/styles.xml", MIME + "spreadsheetml.styles+xml"));
        p.put("_rels/.rels", rels(OFFICE_DOCUMENT, "xl/workbook.xml"));
        p.put("xl/_rels/workbook.xml.rels", rels(
                REL + "/worksheet", "worksheets/sheet1.xml",
                REL + "/styles", "styles.xml"));
        p.put("xl/workbook.xml", xml("""
                <workbook xmlns="%s" xmlns:r="%s">
                  <bookViews>
                    <workbookView activeTab="0"/>
                  </bookViews>
                  <sheets>
                    <sheet name="Sheet1" sheetId="1" r:id="rId1"/>
                  </sheets>
                </workbook>
                """.formatted(S, REL)));
        p.put("xl/worksheets/sheet1.xml", xml("""
                <worksheet xmlns="%s" xmlns:r="%s">
                  <dimension ref="A1"/>
                  <sheetViews>
                    <sheetView tabSelected="1" workbookViewId="0"/>
                  </sheetViews>
                  <sheetFormatPr defaultRowHeight="15"/>
                  <sheetData/>
                  <pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3"/>
                </worksheet>
                """.formatted(S, REL)));
        p.put("xl/styles.xml", xml("""
                <styleSheet xmlns="%s">
                  <fonts count="1">
                    <font><sz val="11"/><color rgb="FF000000"/><name val="Calibri"/><family val="2"/></font>
                  </fonts>
                  <fills count="2">
                    <fill><patternFill patternType="none"/></fill>
                    <fill><patternFill patternType="gray125"/></fill>
                  </fills>
                  <borders count="1">
                    <border><left/><right/><top/><bottom/><diagonal/></border>
                  </borders>
                  <cellStyleXfs count="1">
                    <xf numFmtId="0" fontId="0" fillId="0" borderId="0"/>
                  </cellStyleXfs>
                  <cellXfs count="1">
                    <xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>
                  </cellXfs>
                  <cellStyles count="1">
                    <cellStyle name="Normal" xfId="0" builtinId="0"/>
                  </cellStyles>
                  <dxfs count="0"/>
                  <tableStyles count="0" defaultTableStyle="TableStyleMedium2" defaultPivotStyle="PivotStyleLight16"/>
                </styleSheet>
                """.formatted(S)));
        return p;
    }

    // ---------------------------------------------------------------- pptx

    private static final String A = "http://schemas.openxmlformats.org/drawingml/2006/main";
    private static final String P = "http://schemas.openxmlformats.org/presentationml/2006/main";
    private static final String PML_NS = "xmlns:a=\"" + A + "\" xmlns:r=\"" + REL + "\" xmlns:p=\"" + P + "\"";

    /** The non-visual and geometry properties every shape tree starts with. */
    private static final String SP_TREE_HEAD = """
            <p:nvGrpSpPr><p:cNvPr id="1" name=""/><p:cNvGrpSpPr/><p:nvPr/></p:nvGrpSpPr>
            <p:grpSpPr>
              <a:xfrm><a:off x="0" y="0"/><a:ext cx="0" cy="0"/><a:chOff x="0" y="0"/><a:chExt cx="0" cy="0"/></a:xfrm>
            </p:grpSpPr>
            """;

    private static Map<String, String> pptx() {
        Map<String, String> p = new LinkedHashMap<>();
        String pml = MIME + "presentationml.";
        p.put("[Content_Types].xml", contentTypes(
                "/ppt/presentation.xml", pml + "presentation.main+xml",
                "/ppt/slideMasters/slideMaster1.xml", pml + "slideMaster+xml",
                "/ppt/slideLayouts/slideLayout1.xml", pml + "slideLayout+xml",
                "/ppt/slides/slide1.xml", pml + "slide+xml",
                "/ppt/theme/theme1.xml", MIME + "theme+xml",
                "/ppt/presProps.xml", pml + "presProps+xml",
                "/ppt/viewProps.xml", pml + "viewProps+xml",
                "/ppt/tableStyles.xml", pml + "tableStyles+xml"));
        p.put("_rels/.rels", rels(OFFICE_DOCUMENT, "ppt/presentation.xml"));
        p.put("ppt/_rels/presentation.xml.rels", rels(
                REL + "/slideMaster", "slideMasters/slideMaster1.xml",
                REL + "/slide", "slides/slide1.xml",
                REL + "/presProps", "presProps.xml",
                REL + "/viewProps", "viewProps.xml",
                REL + "/theme", "theme/theme1.xml",
                REL + "/tableStyles", "tableStyles.xml"));
        p.put("ppt/presentation.xml", xml("""
                <p:presentation %s saveSubsetFonts="1">
                  <p:sldMasterIdLst><p:sldMasterId id="2147483648" r:id="rId1"/></p:sldMasterIdLst>
                  <p:sldIdLst><p:sldId id="256" r:id="rId2"/></p:sldIdLst>
                  <p:sldSz cx="12192000" cy="6858000"/>
                  <p:notesSz cx="6858000" cy="9144000"/>
                  <p:defaultTextStyle>
                    <a:defPPr><a:defRPr lang="en-US"/></a:defPPr>
                    %s
                  </p:defaultTextStyle>
                </p:presentation>
                """.formatted(PML_NS, plainLevels())));
        p.put("ppt/presProps.xml", xml("<p:presentationPr " + PML_NS + "/>"));
        p.put("ppt/viewProps.xml", xml("""
                <p:viewPr %s>
                  <p:normalViewPr><p:restoredLeft sz="15620"/><p:restoredTop sz="94660"/></p:normalViewPr>
                  <p:gridSpacing cx="72008" cy="72008"/>
                </p:viewPr>
                """.formatted(PML_NS)));
        p.put("ppt/tableStyles.xml", xml(
                "<a:tblStyleLst xmlns:a=\"" + A + "\" def=\"{5C22544A-7EE6-4342-B048-85BDC9FD1C3A}\"/>"));
        p.put("ppt/slideMasters/_rels/slideMaster1.xml.rels", rels(
                REL + "/slideLayout", "../slideLayouts/slideLayout1.xml",
                REL + "/theme", "../theme/theme1.xml"));
        p.put("ppt/slideMasters/slideMaster1.xml", xml("""
                <p:sldMaster %s>
                  <p:cSld>
                    <p:bg><p:bgRef idx="1001"><a:schemeClr val="bg1"/></p:bgRef></p:bg>
                    <p:spTree>
                      %s
                      <p:sp>
                        <p:nvSpPr>
                          <p:cNvPr id="2" name="Title Placeholder 1"/>
                          <p:cNvSpPr><a:spLocks noGrp="1"/></p:cNvSpPr>
                          <p:nvPr><p:ph type="title"/></p:nvPr>
                        </p:nvSpPr>
                        <p:spPr>
                          <a:xfrm><a:off x="838200" y="365125"/><a:ext cx="10515600" cy="1325563"/></a:xfrm>
                          <a:prstGeom prst="rect"><a:avLst/></a:prstGeom>
                        </p:spPr>
                        <p:txBody>
                          <a:bodyPr vert="horz" lIns="91440" tIns="45720" rIns="91440" bIns="45720" rtlCol="0" anchor="ctr">
                            <a:normAutofit/>
                          </a:bodyPr>
                          <a:lstStyle/>
                          <a:p><a:r><a:rPr lang="en-US"/><a:t>Click to edit Master title style</a:t></a:r></a:p>
                        </p:txBody>
                      </p:sp>
                      <p:sp>
                        <p:nvSpPr>
                          <p:cNvPr id="3" name="Text Placeholder 2"/>
                          <p:cNvSpPr><a:spLocks noGrp="1"/></p:cNvSpPr>
                          <p:nvPr><p:ph type="body" idx="1"/></p:nvPr>
                        </p:nvSpPr>
                        <p:spPr>
                          <a:xfrm><a:off x="838200" y="1825625"/><a:ext cx="10515600" cy="4351338"/></a:xfrm>
                          <a:prstGeom prst="rect"><a:avLst/></a:prstGeom>
                        </p:spPr>
                        <p:txBody>
                          <a:bodyPr vert="horz" lIns="91440" tIns="45720" rIns="91440" bIns="45720" rtlCol="0">
                            <a:normAutofit/>
                          </a:bodyPr>
                          <a:lstStyle/>
                          <a:p><a:pPr lvl="0"/><a:r><a:rPr lang="en-US"/><a:t>Click to edit Master text styles</a:t></a:r></a:p>
                          <a:p><a:pPr lvl="1"/><a:r><a:rPr lang="en-US"/><a:t>Second level</a:t></a:r></a:p>
                          <a:p><a:pPr lvl="2"/><a:r><a:rPr lang="en-US"/><a:t>Third level</a:t></a:r></a:p>
                          <a:p><a:pPr lvl="3"/><a:r><a:rPr lang="en-US"/><a:t>Fourth level</a:t></a:r></a:p>
                          <a:p><a:pPr lvl="4"/><a:r><a:rPr lang="en-US"/><a:t>Fifth level</a:t></a:r></a:p>
                        </p:txBody>
                      </p:sp>
                    </p:spTree>
                  </p:cSld>
                  <p:clrMap bg1="lt1" tx1="dk1" bg2="lt2" tx2="dk2" accent1="accent1" accent2="accent2" accent3="accent3"
                            accent4="accent4" accent5="accent5" accent6="accent6" hlink="hlink" folHlink="folHlink"/>
                  <p:sldLayoutIdLst><p:sldLayoutId id="2147483649" r:id="rId1"/></p:sldLayoutIdLst>
                  <p:txStyles>
                    <p:titleStyle>
                      <a:lvl1pPr algn="l" defTabSz="914400" rtl="0" eaLnBrk="1" latinLnBrk="0" hangingPunct="1">
                        <a:lnSpc><a:spcPct val="90000"/></a:lnSpc>
                        <a:spcBef><a:spcPct val="0"/></a:spcBef>
                        <a:buNone/>
                        <a:defRPr sz="4400" kern="1200">
                          <a:solidFill><a:schemeClr val="tx1"/></a:solidFill>
                          <a:latin typeface="+mj-lt"/><a:ea typeface="+mj-ea"/><a:cs typeface="+mj-cs"/>
                        </a:defRPr>
                      </a:lvl1pPr>
                    </p:titleStyle>
                    <p:bodyStyle>%s</p:bodyStyle>
                    <p:otherStyle>
                      <a:defPPr><a:defRPr lang="en-US"/></a:defPPr>
                      %s
                    </p:otherStyle>
                  </p:txStyles>
                </p:sldMaster>
                """.formatted(PML_NS, SP_TREE_HEAD, bodyLevels(), plainLevels())));
        p.put("ppt/slideLayouts/_rels/slideLayout1.xml.rels", rels(
                REL + "/slideMaster", "../slideMasters/slideMaster1.xml"));
        p.put("ppt/slideLayouts/slideLayout1.xml", xml("""
                <p:sldLayout %s type="title" preserve="1">
                  <p:cSld name="Title Slide">
                    <p:spTree>
                      %s
                      <p:sp>
                        <p:nvSpPr>
                          <p:cNvPr id="2" name="Title 1"/>
                          <p:cNvSpPr><a:spLocks noGrp="1"/></p:cNvSpPr>
                          <p:nvPr><p:ph type="ctrTitle"/></p:nvPr>
                        </p:nvSpPr>
                        <p:spPr>
                          <a:xfrm><a:off x="1524000" y="1122363"/><a:ext cx="9144000" cy="2387600"/></a:xfrm>
                        </p:spPr>
                        <p:txBody>
                          <a:bodyPr anchor="b"/>
                          <a:lstStyle><a:lvl1pPr algn="ctr"><a:defRPr sz="6000"/></a:lvl1pPr></a:lstStyle>
                          <a:p><a:r><a:rPr lang="en-US"/><a:t>Click to edit Master title style</a:t></a:r></a:p>
                        </p:txBody>
                      </p:sp>
                      <p:sp>
                        <p:nvSpPr>
                          <p:cNvPr id="3" name="Subtitle 2"/>
                          <p:cNvSpPr><a:spLocks noGrp="1"/></p:cNvSpPr>
                          <p:nvPr><p:ph type="subTitle" idx="1"/></p:nvPr>
                        </p:nvSpPr>
                        <p:spPr>
                          <a:xfrm><a:off x="1524000" y="3602038"/><a:ext cx="9144000" cy="1655762"/></a:xfrm>
                        </p:spPr>
                        <p:txBody>
                          <a:bodyPr/>
                          <a:lstStyle>
                            <a:lvl1pPr marL="0" indent="0" algn="ctr"><a:buNone/><a:defRPr sz="2400"/></a:lvl1pPr>
                          </a:lstStyle>
                          <a:p><a:r><a:rPr lang="en-US"/><a:t>Click to edit Master subtitle style</a:t></a:r></a:p>
                        </p:txBody>
                      </p:sp>
                    </p:spTree>
                  </p:cSld>
                  <p:clrMapOvr><a:masterClrMapping/></p:clrMapOvr>
                </p:sldLayout>
                """.formatted(PML_NS, SP_TREE_HEAD)));
        p.put("ppt/slides/_rels/slide1.xml.rels", rels(
                REL + "/slideLayout", "../slideLayouts/slideLayout1.xml"));
        p.put("ppt/slides/slide1.xml", xml("""
                <p:sld %s>
                  <p:cSld>
                    <p:spTree>
                      %s
                      <p:sp>
                        <p:nvSpPr>
                          <p:cNvPr id="2" name="Title 1"/>
                          <p:cNvSpPr><a:spLocks noGrp="1"/></p:cNvSpPr>
                          <p:nvPr><p:ph type="ctrTitle"/></p:nvPr>
                        </p:nvSpPr>
                        <p:spPr/>
                        <p:txBody><a:bodyPr/><a:lstStyle/><a:p><a:endParaRPr lang="en-US"/></a:p></p:txBody>
                      </p:sp>
                      <p:sp>
                        <p:nvSpPr>
                          <p:cNvPr id="3" name="Subtitle 2"/>
                          <p:cNvSpPr><a:spLocks noGrp="1"/></p:cNvSpPr>
                          <p:nvPr><p:ph type="subTitle" idx="1"/></p:nvPr>
                        </p:nvSpPr>
                        <p:spPr/>
                        <p:txBody><a:bodyPr/><a:lstStyle/><a:p><a:endParaRPr lang="en-US"/></a:p></p:txBody>
                      </p:sp>
                    </p:spTree>
                  </p:cSld>
                  <p:clrMapOvr><a:masterClrMapping/></p:clrMapOvr>
                </p:sld>
                """.formatted(PML_NS, SP_TREE_HEAD)));
        p.put("ppt/theme/theme1.xml", xml(THEME));
        return p;
    }

    /** Nine unbulleted 18-point paragraph levels, each indented a further half inch. */
    private static String plainLevels() {
        StringBuilder sb = new StringBuilder();
        for (int lvl = 1; lvl <= 9; lvl++) {
            sb.append("<a:lvl").append(lvl).append("pPr marL=\"").append((lvl - 1) * 457200)
                    .append("\" algn=\"l\" defTabSz=\"914400\" rtl=\"0\" eaLnBrk=\"1\" latinLnBrk=\"0\" hangingPunct=\"1\">")
                    .append("<a:defRPr sz=\"1800\" kern=\"1200\">")
                    .append("<a:solidFill><a:schemeClr val=\"tx1\"/></a:solidFill>")
                    .append("<a:latin typeface=\"+mn-lt\"/><a:ea typeface=\"+mn-ea\"/><a:cs typeface=\"+mn-cs\"/>")
                    .append("</a:defRPr></a:lvl").append(lvl).append("pPr>");
        }
        return sb.toString();
    }

    /** The master's body text: bulleted levels of 28, 24, 20 and then 18 points. */
    private static String bodyLevels() {
        int[] sizes = {2800, 2400, 2000, 1800, 1800, 1800, 1800, 1800, 1800};
        StringBuilder sb = new StringBuilder();
        for (int lvl = 1; lvl <= 9; lvl++) {
            sb.append("<a:lvl").append(lvl).append("pPr marL=\"").append(228600 + (lvl - 1) * 457200)
                    .append("\" indent=\"-228600\" algn=\"l\" defTabSz=\"914400\" rtl=\"0\"")
                    .append(" eaLnBrk=\"1\" latinLnBrk=\"0\" hangingPunct=\"1\">")
                    .append("<a:lnSpc><a:spcPct val=\"90000\"/></a:lnSpc>")
                    .append("<a:spcBef><a:spcPts val=\"").append(lvl == 1 ? 1000 : 500).append("\"/></a:spcBef>")
                    .append("<a:buFont typeface=\"Arial\" panose=\"020B0604020202020204\"/>")
                    .append("<a:buChar char=\"&#8226;\"/>")
                    .append("<a:defRPr sz=\"").append(sizes[lvl - 1]).append("\" kern=\"1200\">")
                    .append("<a:solidFill><a:schemeClr val=\"tx1\"/></a:solidFill>")
                    .append("<a:latin typeface=\"+mn-lt\"/><a:ea typeface=\"+mn-ea\"/><a:cs typeface=\"+mn-cs\"/>")
                    .append("</a:defRPr></a:lvl").append(lvl).append("pPr>");
        }
        return sb.toString();
    }

    private static final String THEME = """
            <a:theme xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" name="Office Theme">
              <a:themeElements>
                <a:clrScheme name="Office">
                  <a:dk1><a:sysClr val="windowText" lastClr="000000"/></a:dk1>
                  <a:lt1><a:sysClr val="window" lastClr="FFFFFF"/></a:lt1>
                  <a:dk2><a:srgbClr val="44546A"/></a:dk2>
                  <a:lt2><a:srgbClr val="E7E6E6"/></a:lt2>
                  <a:accent1><a:srgbClr val="4472C4"/></a:accent1>
                  <a:accent2><a:srgbClr val="ED7D31"/></a:accent2>
                  <a:accent3><a:srgbClr val="A5A5A5"/></a:accent3>
                  <a:accent4><a:srgbClr val="FFC000"/></a:accent4>
                  <a:accent5><a:srgbClr val="5B9BD5"/></a:accent5>
                  <a:accent6><a:srgbClr val="70AD47"/></a:accent6>
                  <a:hlink><a:srgbClr val="0563C1"/></a:hlink>
                  <a:folHlink><a:srgbClr val="954F72"/></a:folHlink>
                </a:clrScheme>
                <a:fontScheme name="Office">
                  <a:majorFont><a:latin typeface="Calibri Light"/><a:ea typeface=""/><a:cs typeface=""/></a:majorFont>
                  <a:minorFont><a:latin typeface="Calibri"/><a:ea typeface=""/><a:cs typeface=""/></a:minorFont>
                </a:fontScheme>
                <a:fmtScheme name="Office">
                  <a:fillStyleLst>
                    <a:solidFill><a:schemeClr val="phClr"/></a:solidFill>
                    <a:gradFill rotWithShape="1">
                      <a:gsLst>
                        <a:gs pos="0"><a:schemeClr val="phClr"><a:lumMod val="110000"/><a:satMod val="105000"/><a:tint val="67000"/></a:schemeClr></a:gs>
                        <a:gs pos="50000"><a:schemeClr val="phClr"><a:lumMod val="105000"/><a:satMod val="103000"/><a:tint val="73000"/></a:schemeClr></a:gs>
                        <a:gs pos="100000"><a:schemeClr val="phClr"><a:lumMod val="105000"/><a:satMod val="109000"/><a:tint val="81000"/></a:schemeClr></a:gs>
                      </a:gsLst>
                      <a:lin ang="5400000" scaled="0"/>
                    </a:gradFill>
                    <a:gradFill rotWithShape="1">
                      <a:gsLst>
                        <a:gs pos="0"><a:schemeClr val="phClr"><a:satMod val="103000"/><a:lumMod val="102000"/><a:tint val="94000"/></a:schemeClr></a:gs>
                        <a:gs pos="50000"><a:schemeClr val="phClr"><a:satMod val="110000"/><a:lumMod val="100000"/><a:shade val="100000"/></a:schemeClr></a:gs>
                        <a:gs pos="100000"><a:schemeClr val="phClr"><a:lumMod val="99000"/><a:satMod val="120000"/><a:shade val="78000"/></a:schemeClr></a:gs>
                      </a:gsLst>
                      <a:lin ang="5400000" scaled="0"/>
                    </a:gradFill>
                  </a:fillStyleLst>
                  <a:lnStyleLst>
                    <a:ln w="6350" cap="flat" cmpd="sng" algn="ctr">
                      <a:solidFill><a:schemeClr val="phClr"/></a:solidFill><a:prstDash val="solid"/><a:miter lim="800000"/>
                    </a:ln>
                    <a:ln w="12700" cap="flat" cmpd="sng" algn="ctr">
                      <a:solidFill><a:schemeClr val="phClr"/></a:solidFill><a:prstDash val="solid"/><a:miter lim="800000"/>
                    </a:ln>
                    <a:ln w="19050" cap="flat" cmpd="sng" algn="ctr">
                      <a:solidFill><a:schemeClr val="phClr"/></a:solidFill><a:prstDash val="solid"/><a:miter lim="800000"/>
                    </a:ln>
                  </a:lnStyleLst>
                  <a:effectStyleLst>
                    <a:effectStyle><a:effectLst/></a:effectStyle>
                    <a:effectStyle><a:effectLst/></a:effectStyle>
                    <a:effectStyle>
                      <a:effectLst>
                        <a:outerShdw blurRad="57150" dist="19050" dir="5400000" algn="ctr" rotWithShape="0">
                          <a:srgbClr val="000000"><a:alpha val="63000"/></a:srgbClr>
                        </a:outerShdw>
                      </a:effectLst>
                    </a:effectStyle>
                  </a:effectStyleLst>
                  <a:bgFillStyleLst>
                    <a:solidFill><a:schemeClr val="phClr"/></a:solidFill>
                    <a:solidFill><a:schemeClr val="phClr"><a:tint val="95000"/><a:satMod val="170000"/></a:schemeClr></a:solidFill>
                    <a:gradFill rotWithShape="1">
                      <a:gsLst>
                        <a:gs pos="0"><a:schemeClr val="phClr"><a:tint val="93000"/><a:satMod val="150000"/><a:shade val="98000"/><a:lumMod val="102000"/></a:schemeClr></a:gs>
                        <a:gs pos="50000"><a:schemeClr val="phClr"><a:tint val="98000"/><a:satMod val="130000"/><a:shade val="90000"/><a:lumMod val="103000"/></a:schemeClr></a:gs>
                        <a:gs pos="100000"><a:schemeClr val="phClr"><a:shade val="63000"/><a:satMod val="120000"/></a:schemeClr></a:gs>
                      </a:gsLst>
                      <a:lin ang="5400000" scaled="0"/>
                    </a:gradFill>
                  </a:bgFillStyleLst>
                </a:fmtScheme>
              </a:themeElements>
              <a:objectDefaults/>
              <a:extraClrSchemeLst/>
            </a:theme>
            """;
}
