package io.yundoc.server.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.yundoc.server.blob.BlobRecord;
import io.yundoc.server.files.FileRecord;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What the share page shows for each kind of file, and how a {@link PreviewSource}'s answer for Office documents decides it. */
class PreviewSourceUnitTest {
    static FileRecord file(String name) {
        return new FileRecord(
                "f1",
                FileRecord.PERSONAL,
                "u1",
                "root",
                name,
                "file",
                10,
                "blob-" + name,
                null,
                1,
                null,
                null,
                null,
                0,
                0,
                null,
                null,
                null,
                null);
    }

    @Test
    void officeDocumentsFollowTheSourceAndOtherFormatsTheirExtension() {
        List<PreviewSource.FileVersion> asked = new ArrayList<>();
        PreviewSource.PdfPreview[] answer = {PreviewSource.PdfPreview.PREPARING};
        Previews p = new Previews(null, null, null, v -> {
            asked.add(v);
            return answer[0];
        });
        assertThat(p.shown(file("plan.docx"))).isEqualTo(Previews.Kind.PREPARING);
        assertThat(asked).singleElement().satisfies(v -> {
            assertThat(v.blobKey()).isEqualTo("blob-plan.docx");
            assertThat(v.name()).isEqualTo("plan.docx");
        });
        answer[0] = PreviewSource.PdfPreview.ready(new BlobRecord("pdf", 3, "sha1", "md5", 0));
        assertThat(p.shown(file("slides.PPTX"))).isEqualTo(Previews.Kind.PDF);
        answer[0] = PreviewSource.PdfPreview.NO_PREVIEW;
        assertThat(p.shown(file("sheet.xlsx"))).isEqualTo(Previews.Kind.NONE);

        asked.clear();
        assertThat(p.shown(file("a.pdf"))).isEqualTo(Previews.Kind.PDF);
        assertThat(p.shown(file("a.png"))).isEqualTo(Previews.Kind.IMAGE);
        assertThat(p.shown(file("a.zip"))).isEqualTo(Previews.Kind.NONE);
        assertThat(p.shown(file("a.ksheet"))).isEqualTo(Previews.Kind.NONE);
        assertThat(asked).as("only Office documents are asked about").isEmpty();
        assertThat(Previews.state(Previews.Kind.PREPARING)).isEqualTo("preparing");
        assertThat(Previews.state(Previews.Kind.NONE)).isEqualTo("none");
        assertThat(Previews.state(Previews.Kind.PDF)).isEqualTo("ready");
    }

    @Test
    void withoutAnEngineOfficeDocumentsHaveNoPreview() {
        Previews p = new Previews(null, null, null, PreviewSource.NONE);
        assertThat(p.shown(file("plan.docx"))).isEqualTo(Previews.Kind.NONE);
        assertThatThrownBy(() -> new PreviewSource.PdfPreview(PreviewSource.State.READY, null))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() ->
                        new PreviewSource.PdfPreview(PreviewSource.State.NONE, new BlobRecord("k", 1, "s", "m", 0)))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
