package io.yundoc.server.office;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link LegacyEncryption} on files POI generates (encrypted and not), an encrypted OOXML package under a legacy name,
 * and files that are not OLE2 or are broken OLE2: only the encrypted ones are called encrypted.
 */
class LegacyEncryptionUnitTest {
    @TempDir
    Path dir;

    Path file(String name, byte[] bytes) throws IOException {
        return Files.write(dir.resolve(name), bytes);
    }

    @Test
    void encryptedXlsAndPptAreToldFromPlainOnes() throws IOException {
        byte[] plainXls = OfficeConvertTest.xls(null);
        byte[] lockedXls = OfficeConvertTest.xls("s3cret");
        byte[] plainPpt = OfficeConvertTest.ppt(null);
        byte[] lockedPpt = OfficeConvertTest.ppt("s3cret");
        for (byte[] b : new byte[][] {plainXls, lockedXls, plainPpt, lockedPpt}) {
            assertThat(LegacyEncryption.isOle2(Arrays.copyOf(b, 8))).isTrue();
        }
        assertThat(LegacyEncryption.encrypted(file("plain.xls", plainXls))).isFalse();
        assertThat(LegacyEncryption.encrypted(file("locked.xls", lockedXls))).isTrue();
        assertThat(LegacyEncryption.encrypted(file("plain.ppt", plainPpt))).isFalse();
        assertThat(LegacyEncryption.encrypted(file("locked.ppt", lockedPpt))).isTrue();
        // an encrypted .docx saved under a .doc name
        byte[] ooxml = OfficeConvertTest.encrypted(OfficeConvertTest.docx(1), "pw");
        assertThat(LegacyEncryption.encrypted(file("renamed.doc", ooxml))).isTrue();
    }

    @Test
    void otherFilesAreNotCalledEncrypted() throws IOException {
        byte[] text = "just some text, not OLE2".getBytes(StandardCharsets.US_ASCII);
        assertThat(LegacyEncryption.isOle2(text)).isFalse();
        assertThat(LegacyEncryption.isOle2(new byte[3])).isFalse();
        assertThat(LegacyEncryption.encrypted(file("text.doc", text))).isFalse();
        // the OLE2 signature and then a truncated, broken header
        byte[] broken = Arrays.copyOf(OfficeConvertTest.xls(null), 700);
        Arrays.fill(broken, 76, 700, (byte) 0xff);
        assertThat(LegacyEncryption.encrypted(file("broken.xls", broken))).isFalse();
    }
}
