package io.yundoc.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import java.util.regex.Matcher;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The scan that splits {@code Authorization} must accept exactly what {@link Wps2Verifier#AUTH} accepts. */
class Wps2AuthorizationFormTest {
    private static final String SIG = "0123456789abcdefABCDEF0123456789abcdef01";

    @ParameterizedTest
    @ValueSource(strings = {"WPS-2:AK20220512ABCDEF:" + SIG, "wps-2:a:" + SIG, "Wps-2:app-id_1.x:" + SIG})
    void splitsWellFormedValues(String auth) {
        int colon = Wps2Verifier.authorizationSplit(auth);
        Matcher m = Wps2Verifier.AUTH.matcher(auth);
        assertThat(m.matches()).isTrue();
        assertThat(auth.substring(6, colon)).isEqualTo(m.group(1));
        assertThat(auth.substring(colon + 1)).isEqualTo(m.group(2));
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "",
                "WPS-2:",
                "WPS-2::" + SIG,
                "WPS-1:a:" + SIG,
                "WPS-2:a b:" + SIG,
                "WPS-2:a:b:" + SIG,
                "WPS-2:a:" + SIG + "0",
                "WPS-2:a:g123456789abcdefABCDEF0123456789abcdef01",
                "WP\u017F-2:a:" + SIG,
                "Basic abc",
                "WPS-2:a\t:" + SIG
            })
    void refusesEverythingElse(String auth) {
        assertThat(Wps2Verifier.authorizationSplit(auth)).isEqualTo(-1);
        assertThat(Wps2Verifier.AUTH.matcher(auth).matches()).isFalse();
    }

    @Test
    void agreesWithThePatternOnRandomInput() {
        Random random = new Random(7);
        String alphabet = "wWpPsS-2:aF0 \t\u017Fx\u00e9";
        for (int n = 0; n < 100_000; n++) {
            StringBuilder sb = new StringBuilder(random.nextBoolean() ? "WPS-2:" : "");
            int idLen = random.nextInt(70);
            for (int i = 0; i < idLen; i++) {
                sb.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
            if (random.nextInt(3) > 0) {
                sb.append(':');
                int sigLen = 38 + random.nextInt(4);
                for (int i = 0; i < sigLen; i++) {
                    sb.append(random.nextInt(20) == 0 ? 'g' : SIG.charAt(random.nextInt(SIG.length())));
                }
            }
            String s = sb.toString();
            Matcher m = Wps2Verifier.AUTH.matcher(s);
            int colon = Wps2Verifier.authorizationSplit(s);
            assertThat(colon >= 0).as("'%s'", s).isEqualTo(m.matches());
            if (colon >= 0) {
                assertThat(s.substring(6, colon)).isEqualTo(m.group(1));
            }
        }
    }
}
