package io.yundoc.protocol;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;
import org.assertj.core.api.Assertions;

/**
 * Shared constants and a small request builder for the WPS-2 tests (api.md §3.4).
 *
 * <p>The builder keeps what the client <em>signed</em> apart from what it <em>sent</em> in the headers, so a test can
 * change one of them and leave the other alone.
 */
final class Wps2Fixture {
    static final String APP_ID = "SX20220101ABCDEF";
    static final String APP_KEY = "wJalrXUtnFEYEXAMPLEKES";
    static final String DATE = "Wed, 23 Jan 2013 06:43:08 GMT";
    static final Instant NOW = Instant.parse("2013-01-23T06:43:08Z");
    static final Duration WINDOW = Duration.ofMinutes(15);
    static final String PLACEHOLDER = "ac59dac1460772a04b3a97d7ef78409f28241e3a";
    static final String EMPTY_MD5 = "d41d8cd98f00b204e9800998ecf8427e";
    static final String JSON = "application/json";
    static final String FILE_PATH = "/api/v1/openapi/appspace/files/t2v4Ga8ZUYKc12KGMdEQpBh";

    static final String DISABLED_APP_ID = "SX20220101DISABL";
    static final String DISABLED_APP_KEY = "disabledAppKeyEXAMPLE0";

    private Wps2Fixture() {}

    static Wps2Verifier verifier() {
        return new Wps2Verifier(WINDOW);
    }

    /** The vectors' app, plus a disabled app whose key is otherwise fine. */
    static Wps2Verifier.KeyLookup lookup() {
        return lookup(Map.of(
                APP_ID, new Wps2Verifier.AppKeys(List.of(APP_KEY), false),
                DISABLED_APP_ID, new Wps2Verifier.AppKeys(List.of(DISABLED_APP_KEY), true)));
    }

    static Wps2Verifier.KeyLookup lookup(Map<String, Wps2Verifier.AppKeys> apps) {
        return appId -> Optional.ofNullable(apps.get(appId));
    }

    static Wps2Verifier.KeyLookup singleApp(String appId, String... keys) {
        return lookup(Map.of(appId, new Wps2Verifier.AppKeys(List.of(keys), false)));
    }

    static String md5(String s) {
        return Hex.md5(s.getBytes(StandardCharsets.UTF_8));
    }

    /** The row-10 multipart body of api.md §3.4: six CRLF-terminated lines, 152 bytes. */
    static byte[] row10Body() {
        String body = """
                --yundoc-test-boundary\r
                Content-Disposition: form-data; name="file"; filename="hello.txt"\r
                Content-Type: text/plain\r
                \r
                hello\r
                --yundoc-test-boundary--\r
                """;
        return body.getBytes(StandardCharsets.US_ASCII);
    }

    static void assertOk(Wps2Verifier.Result r, String appId) {
        Assertions.assertThat(r.failure()).as("failure").isNull();
        Assertions.assertThat(r.ok()).isTrue();
        Assertions.assertThat(r.appId()).isEqualTo(appId);
    }

    static void assertOk(Wps2Verifier.Result r) {
        assertOk(r, APP_ID);
    }

    static void assertFails(Wps2Verifier.Result r, ErrorCode code, String hint) {
        Assertions.assertThat(r.ok()).as("ok").isFalse();
        Assertions.assertThat(r.appId()).isNull();
        Assertions.assertThat(r.failure()).isNotNull();
        Assertions.assertThat(r.failure().code()).isEqualTo(code);
        if (hint != null) {
            Assertions.assertThat(r.failure().hint()).isEqualTo(hint);
        }
    }

    static Req req() {
        return new Req();
    }

    /** A mutable request builder; every signed value defaults to the header value actually sent. */
    static final class Req {
        String method = "GET";
        String rawTarget = FILE_PATH;
        String appId = APP_ID;
        String key = APP_KEY;
        String date = DATE;
        String contentMd5 = EMPTY_MD5;
        String contentType = JSON;
        boolean bodyEmpty = true;
        String pathPrefix = "";
        /** Signed values when they differ from the headers; null means "as sent". */
        String signedDate;

        String signedMd5;
        String signedContentType;
        /** Transform of the 40-hex signature (e.g. uppercase). */
        UnaryOperator<String> sigTransform = s -> s;

        String prefix = Wps2Signer.PREFIX;
        /** Overrides the whole Authorization header when set (null header is expressed by {@link #noAuthorization}). */
        String authorization;

        boolean noAuthorization;

        Req method(String m) {
            this.method = m;
            return this;
        }

        Req target(String t) {
            this.rawTarget = t;
            return this;
        }

        Req appId(String a) {
            this.appId = a;
            return this;
        }

        Req key(String k) {
            this.key = k;
            return this;
        }

        Req date(String d) {
            this.date = d;
            return this;
        }

        Req md5(String m) {
            this.contentMd5 = m;
            return this;
        }

        Req contentType(String c) {
            this.contentType = c;
            return this;
        }

        Req body(boolean nonEmpty) {
            this.bodyEmpty = !nonEmpty;
            return this;
        }

        Req pathPrefix(String p) {
            this.pathPrefix = p;
            return this;
        }

        Req signedDate(String d) {
            this.signedDate = d;
            return this;
        }

        Req signedMd5(String m) {
            this.signedMd5 = m;
            return this;
        }

        Req signedContentType(String c) {
            this.signedContentType = c;
            return this;
        }

        Req upperHex() {
            this.sigTransform = s -> s.toUpperCase(Locale.ROOT);
            return this;
        }

        Req prefix(String p) {
            this.prefix = p;
            return this;
        }

        Req authorization(String a) {
            this.authorization = a;
            return this;
        }

        Req noAuthorization() {
            this.noAuthorization = true;
            return this;
        }

        String signature() {
            return Wps2Signer.signature(
                    key,
                    signedMd5 != null ? signedMd5 : contentMd5,
                    signedContentType != null ? signedContentType : contentType,
                    signedDate != null ? signedDate : date);
        }

        String authorizationHeader() {
            if (noAuthorization) {
                return null;
            }
            if (authorization != null) {
                return authorization;
            }
            return prefix + appId + ":" + sigTransform.apply(signature());
        }

        Wps2Verifier.SignedRequest build() {
            return new Wps2Verifier.SignedRequest(
                    method, rawTarget, authorizationHeader(), date, contentMd5, contentType, bodyEmpty, pathPrefix);
        }

        Wps2Verifier.Result verify() {
            return verifier().verifyHeaders(build(), lookup(), NOW);
        }

        Wps2Verifier.Result verify(Wps2Verifier.KeyLookup lookup, Instant now) {
            return verifier().verifyHeaders(build(), lookup, now);
        }
    }
}
