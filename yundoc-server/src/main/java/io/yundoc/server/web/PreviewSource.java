package io.yundoc.server.web;

import io.yundoc.server.blob.BlobRecord;
import java.util.Objects;
import java.util.Set;

/**
 * Where the viewer of the share, view and anonymous-preview pages gets a PDF for an Office document (api.md §7,
 * issue 17): an office engine converts the file version once, in the background, keyed by its content, and the
 * page shows "preparing preview" until the PDF is there. The engine implements this; without one every answer is
 * {@link State#NONE} and the page says the format has no preview.
 *
 * <p>{@link #pdfFor} is called on every page view and every status poll, so it must answer at once: it may start a
 * conversion (and answer {@code PREPARING}), never wait for one.
 */
@FunctionalInterface
public interface PreviewSource {
    /** The extensions the viewer asks a source about: Office documents (the office engine's inputs). */
    Set<String> OFFICE = Set.of("doc", "docx", "xls", "xlsx", "ppt", "pptx", "odt", "ods", "odp", "rtf");

    /** Where a file version's preview PDF is. */
    enum State {
        /** Being converted (or queued): the page shows "preparing preview" and polls. */
        PREPARING,
        /** Converted: {@link PdfPreview#pdf()} is the stored PDF. */
        READY,
        /** No preview will come (no engine, or the conversion failed): the page shows the no-preview note. */
        NONE
    }

    /**
     * One stored version of a file: {@code blobKey} is its content's key (the content hash in the blob store), which
     * is what a conversion cache is keyed by; {@code name} gives the input type by its extension.
     */
    record FileVersion(String fileId, String name, String blobKey, long size) {
        public FileVersion {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(blobKey, "blobKey");
        }
    }

    /** A source's answer; {@code pdf} is the converted PDF's blob, present exactly when {@code state} is READY. */
    record PdfPreview(State state, BlobRecord pdf) {
        public static final PdfPreview NO_PREVIEW = new PdfPreview(State.NONE, null);
        public static final PdfPreview PREPARING = new PdfPreview(State.PREPARING, null);

        public PdfPreview {
            Objects.requireNonNull(state, "state");
            if ((state == State.READY) != (pdf != null)) {
                throw new IllegalArgumentException("a PDF blob exactly when READY");
            }
        }

        public static PdfPreview ready(BlobRecord pdf) {
            return new PdfPreview(State.READY, Objects.requireNonNull(pdf, "pdf"));
        }
    }

    /** No office engine: Office documents have no preview. */
    PreviewSource NONE = v -> PdfPreview.NO_PREVIEW;

    /** The preview PDF of {@code version}, or where its conversion stands. Answers at once (see the class comment). */
    PdfPreview pdfFor(FileVersion version);
}
