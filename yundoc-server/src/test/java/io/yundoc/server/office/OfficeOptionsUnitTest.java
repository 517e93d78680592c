package io.yundoc.server.office;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.yundoc.server.core.ApiException;
import io.yundoc.server.core.Json;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The §F3.2 field rules (docs/api-families.md): page selections, ranges, bounds, hostile values. */
class OfficeOptionsUnitTest {
    static ObjectNode body(String json) {
        return Json.parseObject(json.getBytes(StandardCharsets.UTF_8), true);
    }

    static OfficeOptions parse(String kind, String json) {
        return OfficeOptions.parse(kind, body(json));
    }

    @Test
    void rangesSelectClipAndSort() {
        OfficeOptions o = parse("pdf", "{\"filename\":\"a.docx\",\"ranges\":\"7, 2-4,1,3\"}");
        assertThat(o.select(10)).containsExactly(1, 2, 3, 4, 7);
        assertThat(o.select(3)).containsExactly(1, 2, 3);
        OfficeOptions from = parse("jpg", "{\"filename\":\"a.pdf\",\"from_page\":2,\"to_page\":\"5\"}");
        assertThat(from.select(3)).containsExactly(2, 3);
        assertThat(from.select(1)).isEmpty();
        assertThat(parse("txt", "{\"filename\":\"A.PPTX\"}").select(2)).containsExactly(1, 2);
    }

    @Test
    void defaultsAndFlags() {
        OfficeOptions o = parse("jpg", "{\"filename\":\"s.pptx\",\"show_comments\":1,\"long_pic\":\"true\"}");
        assertThat(o.dpi()).isEqualTo(96);
        assertThat(o.scale()).isEqualTo(100);
        assertThat(o.quality()).isEqualTo(90);
        assertThat(o.showComments()).isTrue();
        assertThat(o.longPic()).isTrue();
        assertThat(parse("pdf", "{\"filename\":\"s.pptx\",\"long_pic\":true}").longPic())
                .as("jpg only")
                .isFalse();
    }

    @Test
    void storedFormDropsThePasswordWhenAsked() {
        OfficeOptions o = parse("pdf", "{\"filename\":\"a.docx\",\"password\":\"pw\",\"ranges\":\"1\"}");
        assertThat(OfficeOptions.fromJson(o.toJson(true))).isEqualTo(o);
        assertThat(o.toJson(false)).doesNotContain("pw\"").doesNotContain("password");
        assertThat(OfficeOptions.fromJson(o.toJson(false)).password()).isNull();
    }

    @Test
    void invalidValuesAre10001() {
        List<String[]> bad = List.of(
                new String[] {"pdf", "{\"filename\":\"a.pdf\"}"},
                new String[] {"txt", "{\"filename\":\"a\"}"},
                new String[] {"txt", "{\"filename\":\"\"}"},
                new String[] {"txt", "{\"filename\":\"a/b.docx\"}"},
                new String[] {"txt", "{\"filename\":\"a\\u0000.docx\"}"},
                new String[] {"txt", "{\"filename\":\"" + "x".repeat(300) + ".docx\"}"},
                new String[] {"txt", "{\"filename\":{\"a\":1}}"},
                new String[] {"pdf", "{\"filename\":\"a.docx\",\"ranges\":\"1\",\"to_page\":2}"},
                new String[] {"pdf", "{\"filename\":\"a.docx\",\"from_page\":2,\"to_page\":1}"},
                new String[] {"pdf", "{\"filename\":\"a.docx\",\"from_page\":0}"},
                new String[] {"pdf", "{\"filename\":\"a.docx\",\"from_page\":-1}"},
                new String[] {"pdf", "{\"filename\":\"a.docx\",\"from_page\":99999999999999999999}"},
                new String[] {"pdf", "{\"filename\":\"a.docx\",\"ranges\":\"1,,2\"}"},
                new String[] {"pdf", "{\"filename\":\"a.docx\",\"ranges\":\"1-2-3\"}"},
                new String[] {"pdf", "{\"filename\":\"a.docx\",\"ranges\":\"9999999\"}"},
                new String[] {"pdf", "{\"filename\":\"a.docx\",\"ranges\":\"" + "1,".repeat(1001) + "1\"}"},
                new String[] {"jpg", "{\"filename\":\"a.docx\",\"image_dpi\":1e3}"},
                new String[] {"jpg", "{\"filename\":\"a.docx\",\"quality\":-1}"},
                new String[] {"jpg", "{\"filename\":\"a.docx\",\"fit_to_width\":2}"},
                new String[] {"jpg", "{\"filename\":\"a.docx\",\"long_pic\":true,\"from_page\":1,\"to_page\":21}"},
                new String[] {"jpg", "{\"filename\":\"a.docx\",\"long_pic\":true,\"to_page\":21}"},
                new String[] {"txt", "{\"filename\":\"a.docx\",\"long_txt\":\"yes\"}"},
                new String[] {"txt", "{\"filename\":\"a.docx\",\"password\":\"" + "p".repeat(300) + "\"}"});
        for (String[] b : bad) {
            assertThatThrownBy(() -> parse(b[0], b[1]))
                    .as(b[1])
                    .isInstanceOf(ApiException.class)
                    .satisfies(e -> assertThat(((ApiException) e).code().code()).isEqualTo(10001));
        }
        // twenty pages is the long_pic limit, inclusive
        assertThat(parse("jpg", "{\"filename\":\"a.docx\",\"long_pic\":true,\"ranges\":\"1-20\"}")
                        .longPic())
                .isTrue();
    }
}
