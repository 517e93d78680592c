package io.yundoc.server.office;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.yundoc.server.core.ZipGuard;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link ZipGuard#check} without the engine, on the documents of {@link OfficeHostileDocumentsTest}: each limit
 * refuses with its own message, an ordinary document passes, and a file that is not a zip is told apart.
 */
class ZipGuardUnitTest {
    static final long CAP = 8L << 20;
    static final int ENTRIES = 200;

    @TempDir
    Path dir;

    Path file(String name, byte[] bytes) throws IOException {
        return Files.write(dir.resolve(name), bytes);
    }

    @Test
    void anOrdinaryDocumentPasses() throws IOException {
        Path docx = file("a.docx", OfficeConvertTest.docx(3));
        assertThat(ZipGuard.looksLikeZip(docx)).isTrue();
        assertThatCode(() -> ZipGuard.check(docx, CAP, ENTRIES)).doesNotThrowAnyException();
        Path many = file("many.docx", OfficeHostileDocumentsTest.textPackage(ENTRIES, 16));
        assertThatCode(() -> ZipGuard.check(many, CAP, ENTRIES)).doesNotThrowAnyException();
    }

    @Test
    void eachLimitRefusesWithItsMessage() throws IOException {
        Path bomb = file("bomb.docx", OfficeHostileDocumentsTest.docx(OfficeHostileDocumentsTest.bombEntry(64, -1)));
        assertThatThrownBy(() -> ZipGuard.check(bomb, 1L << 30, ENTRIES))
                .isInstanceOf(ZipGuard.Refused.class)
                .hasMessage("the document's zip package has an entry that inflates more than 100× or beyond 512 MiB"
                        + " (a zip bomb)");
        Path liar = file("liar.docx", OfficeHostileDocumentsTest.docx(OfficeHostileDocumentsTest.bombEntry(64, 1000)));
        assertThatThrownBy(() -> ZipGuard.check(liar, 1L << 30, ENTRIES)).hasMessageContaining("(a zip bomb)");
        // the same liar under a cap below the ratio check's grace size: the cap counts inflated bytes, not headers
        assertThatThrownBy(() -> ZipGuard.check(liar, 50_000, ENTRIES))
                .hasMessage("the document's zip package inflates to more than 50000 bytes (a zip bomb)");
        Path big = file("big.docx", OfficeHostileDocumentsTest.textPackage(6, 4 << 20));
        assertThatThrownBy(() -> ZipGuard.check(big, CAP, ENTRIES))
                .hasMessage("the document's zip package inflates to more than " + CAP + " bytes (a zip bomb)");
        Path many = file("many.docx", OfficeHostileDocumentsTest.textPackage(ENTRIES + 1, 16));
        assertThatThrownBy(() -> ZipGuard.check(many, CAP, ENTRIES))
                .hasMessage("the document's zip package has more than " + ENTRIES + " entries");
    }

    @Test
    void aDamagedZipIsRefusedAndOtherFilesAreNotZips() throws IOException {
        byte[] docx = OfficeConvertTest.docx(1);
        Path cut = file("cut.docx", Arrays.copyOf(docx, docx.length / 2));
        assertThat(ZipGuard.looksLikeZip(cut)).isTrue();
        assertThatThrownBy(() -> ZipGuard.check(cut, CAP, ENTRIES))
                .hasMessage("the document could not be opened (damaged zip package)");
        assertThat(ZipGuard.looksLikeZip(file("a.doc", new byte[] {(byte) 0xD0, (byte) 0xCF, 0x11, (byte) 0xE0})))
                .isFalse();
        assertThat(ZipGuard.looksLikeZip(file("empty.docx", new byte[0]))).isFalse();
    }
}
