package io.yundoc.server.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The hand-written Host check must accept exactly what the documented pattern accepts. */
class PublicUrlHostTest {
    /** The rule as a regex: the oracle for the loop in {@link PublicUrl#validHost}. */
    private static final Pattern HOST =
            Pattern.compile("[A-Za-z0-9.\\-]{1,253}(:\\d{1,5})?|\\[[0-9A-Fa-f:.]{2,45}](:\\d{1,5})?");

    @ParameterizedTest
    @ValueSource(
            strings = {
                "localhost",
                "localhost:8080",
                "a",
                "example.com:1",
                "[::1]",
                "[::1]:443",
                "[2001:db8::1]:65535",
                "yundoc-1.internal",
                "127.0.0.1:99999"
            })
    void acceptsPlainHosts(String host) {
        assertThat(PublicUrl.validHost(host)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "",
                ":80",
                "host:",
                "host:123456",
                "host:8o",
                "a b",
                "evil.com/path",
                "evil.com\"><script>",
                "[::1",
                "[]",
                "[:]",
                "[::1]x",
                "[::1]:",
                "[g::1]",
                "host:80:81",
                "é.example",
                "[::1]]:80"
            })
    void refusesEverythingElse(String host) {
        assertThat(PublicUrl.validHost(host)).isFalse();
    }

    @Test
    void agreesWithThePatternOnRandomInput() {
        Random random = new Random(20261125);
        String alphabet = "aZ09.-:[]/ é_x";
        for (int n = 0; n < 200_000; n++) {
            StringBuilder sb = new StringBuilder();
            int len = random.nextInt(12);
            if (random.nextInt(4) == 0) {
                sb.append('[');
            }
            for (int i = 0; i < len; i++) {
                sb.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
            String s = sb.toString();
            assertThat(PublicUrl.validHost(s))
                    .as("'%s'", s)
                    .isEqualTo(HOST.matcher(s).matches());
        }
        for (int len : new int[] {252, 253, 254}) {
            String s = "a".repeat(len);
            assertThat(PublicUrl.validHost(s))
                    .as("length %d", len)
                    .isEqualTo(HOST.matcher(s).matches());
            assertThat(PublicUrl.validHost(s + ":80"))
                    .isEqualTo(HOST.matcher(s + ":80").matches());
        }
        for (int len : new int[] {1, 2, 45, 46}) {
            String s = "[" + "a".repeat(len) + "]";
            assertThat(PublicUrl.validHost(s))
                    .as("literal length %d", len)
                    .isEqualTo(HOST.matcher(s).matches());
        }
    }
}
