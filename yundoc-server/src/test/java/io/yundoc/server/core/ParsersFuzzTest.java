package io.yundoc.server.core;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.yundoc.protocol.ErrorCode;
import io.yundoc.protocol.HttpDates;
import io.yundoc.protocol.Wps2Signer;
import io.yundoc.protocol.Wps2Verifier;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Fuzz targets for the request parsers yundoc owns (Jazzer's JUnit integration). Each target states the parser's
 * whole contract: it answers, or refuses with its documented error; any other exception, a hang or an
 * out-of-memory is a finding. Every target takes raw bytes (strings as UTF-8), so the seed files stay readable.
 *
 * <p>{@code bin/test} (CI) runs them in regression mode: only the seed inputs under
 * {@code src/test/resources/io/yundoc/server/core/ParsersFuzzTestInputs/<target>/}, in seconds. Real fuzzing
 * is one target at a time for 5 minutes, in the {@code fuzz} Surefire execution (the command is in
 * docs/robustness.md); a finding is written next to the seeds and replays from then on.
 */
class ParsersFuzzTest {

    private static final String APP_ID = "SX20220101ABCDEF";
    private static final String KEY = "wJalrXUtnFEYEXAMPLEKES";
    private static final Instant NOW = Instant.parse("2013-01-23T06:43:08Z");
    private static final Wps2Verifier VERIFIER = new Wps2Verifier(Duration.ofMinutes(15));
    private static final Wps2Verifier.KeyLookup LOOKUP = appId ->
            APP_ID.equals(appId) ? Optional.of(new Wps2Verifier.AppKeys(List.of(KEY), false)) : Optional.empty();

    /**
     * Multipart upload bodies: the first line is the boundary, the rest the body. Either the body reads (and the
     * file part's bytes are all delivered to the sink) or it is refused with 10001.
     */
    @FuzzTest(maxDuration = "5m")
    void multipart(byte[] input) throws IOException {
        int nl = indexOf(input, (byte) '\n');
        String boundaryParam = new String(input, 0, nl < 0 ? input.length : nl, StandardCharsets.ISO_8859_1);
        byte[] body = nl < 0 ? new byte[0] : Arrays.copyOfRange(input, nl + 1, input.length);
        String boundary;
        try {
            boundary = MultipartReader.boundary("multipart/form-data; boundary=" + boundaryParam);
        } catch (ApiException e) {
            assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
            return;
        }
        try {
            MultipartReader.Result<Long> r =
                    MultipartReader.read(new ByteArrayInputStream(body), boundary, "file", (part, content) ->
                            (long) content.readAllBytes().length);
            assertThat(r.file() == null).isEqualTo(r.filePart() == null);
            if (r.file() != null) {
                assertThat(r.file()).isBetween(0L, (long) body.length);
            }
        } catch (ApiException e) {
            assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
        }
    }

    /** Header parameters (Content-Disposition, Content-Type) and RFC 5987 values never throw. */
    @FuzzTest(maxDuration = "5m")
    void headerParams(byte[] input) {
        String value = new String(input, StandardCharsets.UTF_8);
        assertThat(MultipartReader.HeaderParams.parse(value)).isNotNull();
        MultipartReader.decode5987(value);
    }

    /**
     * WPS-2 headers, one per line: method, raw target, Authorization, Date, Content-Md5, Content-Type. The verifier
     * answers ok or a failure with 20002/30003 (or 20006 for a disabled app); it never throws. A request it accepts
     * really carries the signature of the known key.
     */
    @FuzzTest(maxDuration = "5m")
    void wps2Headers(byte[] bytes) {
        String input = new String(bytes, StandardCharsets.UTF_8);
        String[] f = Arrays.copyOf(input.split("\n", 6), 6);
        Wps2Verifier.SignedRequest r = new Wps2Verifier.SignedRequest(
                f[0] == null ? "GET" : f[0], f[1] == null ? "/" : f[1], f[2], f[3], f[4], f[5], true, "");
        Wps2Verifier.Result result = VERIFIER.verifyHeaders(r, LOOKUP, NOW);
        assertThat(result).isNotNull();
        if (result.ok()) {
            assertThat(result.appId()).isEqualTo(APP_ID);
            assertThat(f[2].strip().toLowerCase(Locale.ROOT))
                    .endsWith(Wps2Signer.signature(KEY, f[4].strip(), f[5] == null ? "" : f[5].strip(), f[3].strip()));
        } else {
            assertThat(result.failure().code())
                    .isIn(ErrorCode.INVALID_SIGNATURE, ErrorCode.APP_NOT_EXIST, ErrorCode.AUDIT_NOT_PASS);
        }
        assertThat(HttpDates.parse(input)).isNotNull();
    }

    /** JSON request bodies (api.md §1.3): an object, or 10001. */
    @FuzzTest(maxDuration = "5m")
    void jsonBody(byte[] body) {
        try {
            ObjectNode n = Json.parseObject(body, true);
            assertThat(n).isNotNull();
        } catch (ApiException e) {
            assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
        }
    }

    /** The --trusted-proxies value parses or is refused with IllegalArgumentException; Host validation never throws. */
    @FuzzTest(maxDuration = "5m")
    void trustedProxiesAndHost(byte[] input) {
        String value = new String(input, StandardCharsets.UTF_8);
        try {
            TrustedProxies.parse(value);
        } catch (IllegalArgumentException expected) {
            assertThat(expected.getMessage()).startsWith("--trusted-proxies");
        }
        boolean valid = PublicUrl.validHost(value);
        if (valid) {
            assertThat(value).doesNotContain("/", "@", " ", "\r", "\n");
        }
    }

    private static int indexOf(byte[] a, byte b) {
        for (int i = 0; i < a.length; i++) {
            if (a[i] == b) {
                return i;
            }
        }
        return -1;
    }
}
