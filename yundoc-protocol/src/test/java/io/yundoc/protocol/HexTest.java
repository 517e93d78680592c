package io.yundoc.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Lowercase hex digests. */
@ExtendWith(SeededCases.ReplayHint.class)
class HexTest {

    static Stream<SeededCases.Case> cases() {
        return SeededCases.cases(1000);
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    @Test
    void knownDigests() {
        assertThat(Hex.md5(new byte[0])).isEqualTo("d41d8cd98f00b204e9800998ecf8427e");
        assertThat(Hex.md5(ascii("abc"))).isEqualTo("900150983cd24fb0d6963f7d28e17f72");
        assertThat(Hex.sha1(new byte[0])).isEqualTo("da39a3ee5e6b4b0d3255bfef95601890afd80709");
        assertThat(Hex.sha1(ascii("abc"))).isEqualTo("a9993e364706816aba3e25717850c26c9cd0d89d");
        assertThat(Hex.sha256(new byte[0]))
                .isEqualTo("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
        assertThat(Hex.sha256(ascii("abc")))
                .isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    }

    @Test
    void ofIsLowercase() {
        assertThat(Hex.of(new byte[] {0x00, 0x0f, (byte) 0xab, (byte) 0xff, 0x10}))
                .isEqualTo("000fabff10");
        assertThat(Hex.of(new byte[0])).isEmpty();
    }

    @Test
    void unknownAlgorithmIsAnIllegalState() {
        assertThatThrownBy(() -> Hex.digest("NO-SUCH-DIGEST")).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void digestReturnsAFreshInstance() {
        MessageDigest a = Hex.digest("MD5");
        MessageDigest b = Hex.digest("MD5");
        assertThat(a).isNotSameAs(b);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void digestsAreLowercaseHexOfTheRightLength(SeededCases.Case k) throws Exception {
        byte[] data = SeededCases.anyBytes(k.random());
        assertThat(Hex.md5(data))
                .matches("[0-9a-f]{32}")
                .isEqualTo(HexFormat.of()
                        .formatHex(MessageDigest.getInstance("MD5").digest(data)));
        assertThat(Hex.sha1(data)).matches("[0-9a-f]{40}");
        assertThat(Hex.sha256(data)).matches("[0-9a-f]{64}");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void ofRoundTripsThroughHexFormat(SeededCases.Case k) {
        byte[] data = SeededCases.anyBytes(k.random());
        assertThat(HexFormat.of().parseHex(Hex.of(data))).isEqualTo(data);
    }
}
