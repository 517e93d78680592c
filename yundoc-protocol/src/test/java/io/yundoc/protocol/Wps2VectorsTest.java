package io.yundoc.protocol;

import static io.yundoc.protocol.Wps2Fixture.APP_ID;
import static io.yundoc.protocol.Wps2Fixture.APP_KEY;
import static io.yundoc.protocol.Wps2Fixture.DATE;
import static io.yundoc.protocol.Wps2Fixture.FILE_PATH;
import static io.yundoc.protocol.Wps2Fixture.PLACEHOLDER;
import static io.yundoc.protocol.Wps2Fixture.assertFails;
import static io.yundoc.protocol.Wps2Fixture.assertOk;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The ten WPS-2 test vectors of api.md §3.4, signed and verified. */
class Wps2VectorsTest {

    private static final String VERSIONS_TARGET =
            "/api/v1/openapi/appspace/files/t2v4Ga8ZUYKc12KGMdEQpBh/versions?offset=0&count=10";
    private static final String MULTIPART = "multipart/form-data; boundary=yundoc-test-boundary";

    /**
     * One row of the table.
     *
     * @param md5Input  the bytes whose md5 is the row's Content-Md5 (the body for non-empty rows)
     * @param bodyEmpty whether the request carries no body
     * @param method    the method the test sends
     * @param rawTarget a request target chosen so that step 7 passes for empty-body rows
     */
    @SuppressWarnings("ArrayRecordComponent") // a row of the table, never compared or hashed
    record Vector(
            int row,
            byte[] md5Input,
            String contentMd5,
            String contentType,
            String sha1,
            boolean bodyEmpty,
            String method,
            String rawTarget) {
        @Override
        public String toString() {
            return "row " + row;
        }
    }

    static List<Vector> vectors() {
        byte[] none = new byte[0];
        return List.of(
                new Vector(
                        1,
                        none,
                        "d41d8cd98f00b204e9800998ecf8427e",
                        "application/json",
                        "083500176fa3aab58ca2dc962978013b3ca2b6df",
                        true,
                        "GET",
                        FILE_PATH),
                new Vector(
                        2,
                        utf8("/api/files/123?filter=folder"),
                        "aad6bbb329d5084cbd4ff0dadc9d2b54",
                        "application/json",
                        "b380351e6757ff0c6834acc98ae306b638bada01",
                        true,
                        "GET",
                        "/api/files/123?filter=folder"),
                new Vector(
                        3,
                        utf8(FILE_PATH),
                        "ad0e9cbcf477f9a8597dc80eb4950080",
                        "application/json",
                        "58ef90406dac6175f99b7288a1500d49d49421ab",
                        true,
                        "GET",
                        FILE_PATH),
                new Vector(
                        4,
                        utf8(FILE_PATH),
                        "ad0e9cbcf477f9a8597dc80eb4950080",
                        "",
                        "872cb00c241cd02757d1fdef3ba57abfb770acbe",
                        true,
                        "GET",
                        FILE_PATH),
                new Vector(
                        5,
                        utf8("{\"filename\":\"demo.docx\"}"),
                        "39cbcc18cf9eef5dde3d46986d2625ce",
                        "application/json",
                        "24e8beddf750ec522e7276b5cd412fb3a16b0477",
                        false,
                        "POST",
                        "/api/v1/openapi/appspace/files"),
                new Vector(
                        6,
                        none,
                        "d41d8cd98f00b204e9800998ecf8427e",
                        "",
                        "12a52d144f6f14be7223c153b7252efd3116a278",
                        true,
                        "GET",
                        FILE_PATH),
                new Vector(
                        7,
                        none,
                        "D41D8CD98F00B204E9800998ECF8427E",
                        "application/json",
                        "5b368fc47b9414614d3931a8e0258e6553ebe8e6",
                        true,
                        "GET",
                        FILE_PATH),
                new Vector(
                        8,
                        none,
                        "d41d8cd98f00b204e9800998ecf8427e",
                        "application/json;charset=utf-8",
                        "17e9a46576274955c6eedb831af13a74e6f083a1",
                        true,
                        "GET",
                        FILE_PATH),
                new Vector(
                        9,
                        utf8(VERSIONS_TARGET),
                        "3ef4029e662b4df7e947b47910748de0",
                        "application/json",
                        "bf3874fd398650fb20256a1172b9d95570f16809",
                        true,
                        "GET",
                        VERSIONS_TARGET),
                new Vector(
                        10,
                        Wps2Fixture.row10Body(),
                        "b19a99667a238a88570a1d1e56708090",
                        MULTIPART,
                        "beccd9d50727c54bf3d362318da614612cd1ab97",
                        false,
                        "POST",
                        "/api/v1/openapi/appspace/file/upload"));
    }

    static Stream<Arguments> vectorsWithMethods() {
        return vectors().stream()
                .flatMap(v -> Stream.of("GET", "HEAD", "POST", "PUT", "DELETE", "PATCH")
                        .map(m -> Arguments.of(v, m)));
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static Wps2Fixture.Req request(Vector v) {
        return Wps2Fixture.req()
                .method(v.method())
                .target(v.rawTarget())
                .md5(v.contentMd5())
                .contentType(v.contentType())
                .body(!v.bodyEmpty());
    }

    @Test
    void tableHasTenRowsInOrder() {
        assertThat(vectors()).extracting(Vector::row).containsExactly(1, 2, 3, 4, 5, 6, 7, 8, 9, 10);
    }

    @ParameterizedTest
    @MethodSource("vectors")
    void signerProducesTheListedSha1(Vector v) {
        assertThat(Wps2Signer.signature(APP_KEY, v.contentMd5(), v.contentType(), DATE))
                .isEqualTo(v.sha1());
    }

    @ParameterizedTest
    @MethodSource("vectors")
    void signatureIsSha1OfThePlainConcatenation(Vector v) {
        String toSign = APP_KEY + v.contentMd5() + v.contentType() + DATE;
        assertThat(Hex.sha1(toSign.getBytes(StandardCharsets.UTF_8))).isEqualTo(v.sha1());
    }

    @ParameterizedTest
    @MethodSource("vectors")
    void authorizationHeaderCarriesPrefixAppIdAndSignature(Vector v) {
        assertThat(Wps2Signer.authorization(APP_ID, APP_KEY, v.contentMd5(), v.contentType(), DATE))
                .isEqualTo("WPS-2:SX20220101ABCDEF:" + v.sha1());
    }

    @ParameterizedTest
    @MethodSource("vectors")
    void listedMd5IsMd5OfTheDocumentedInput(Vector v) {
        assertThat(Hex.md5(v.md5Input())).isEqualTo(v.contentMd5().toLowerCase(Locale.ROOT));
    }

    @Test
    void row7SendsUppercaseHexOfTheEmptyStringMd5() {
        Vector row7 = vectors().get(6);
        assertThat(row7.contentMd5()).isEqualTo(Wps2Signer.EMPTY_MD5.toUpperCase(Locale.ROOT));
        assertThat(Wps2Signer.EMPTY_MD5).isEqualTo(Hex.md5(new byte[0]));
    }

    @Test
    void row10MultipartBodyIs152BytesWithTheListedMd5() {
        byte[] body = Wps2Fixture.row10Body();
        assertThat(body).hasSize(152);
        assertThat(Hex.md5(body)).isEqualTo("b19a99667a238a88570a1d1e56708090");
        assertThat(new String(body, StandardCharsets.US_ASCII))
                .startsWith("--yundoc-test-boundary\r\n")
                .endsWith("\r\nhello\r\n--yundoc-test-boundary--\r\n")
                .contains("Content-Disposition: form-data; name=\"file\"; filename=\"hello.txt\"\r\n");
    }

    @ParameterizedTest
    @MethodSource("vectors")
    void verifierAcceptsTheVector(Vector v) {
        Wps2Verifier.SignedRequest r = request(v).build();
        assertThat(r.authorization()).isEqualTo("WPS-2:" + APP_ID + ":" + v.sha1());
        assertOk(Wps2Fixture.verifier().verifyHeaders(r, Wps2Fixture.lookup(), Wps2Fixture.NOW));
        if (!v.bodyEmpty()) {
            // step 6 once the body has arrived
            assertThat(Wps2Verifier.bodyMatches(v.contentMd5(), Hex.md5(v.md5Input())))
                    .isTrue();
        }
    }

    @ParameterizedTest
    @MethodSource("vectors")
    void verifierAcceptsTheVectorWithUppercaseSignature(Vector v) {
        String auth = "WPS-2:" + APP_ID + ":" + v.sha1().toUpperCase(Locale.ROOT);
        assertOk(request(v).authorization(auth).verify());
    }

    @ParameterizedTest
    @MethodSource("vectors")
    void verifierAcceptsTheVectorWithLowercasePrefix(Vector v) {
        assertOk(request(v).authorization("wps-2:" + APP_ID + ":" + v.sha1()).verify());
    }

    /** Content-Md5 and Content-Type are signed as sent; the method does not matter unless the signed type is "". */
    @ParameterizedTest
    @MethodSource("vectorsWithMethods")
    void verifierAcceptsTheVectorWhateverTheMethod(Vector v, String method) {
        assertOk(request(v).method(method).verify());
    }

    @ParameterizedTest
    @MethodSource("vectors")
    void nonEmptyBodyRowsRejectATamperedBody(Vector v) {
        if (v.bodyEmpty()) {
            return;
        }
        byte[] tampered = v.md5Input().clone();
        tampered[tampered.length - 3] ^= 1;
        assertThat(Wps2Verifier.bodyMatches(v.contentMd5(), Hex.md5(tampered))).isFalse();
        assertThat(Wps2Verifier.bodyMatches(v.contentMd5(), Hex.md5(new byte[0])))
                .isFalse();
    }

    @ParameterizedTest
    @MethodSource("vectorsWithMethods")
    void placeholderSignatureIsRejected(Vector v, String method) {
        Wps2Verifier.Result r = request(v)
                .method(method)
                .authorization("WPS-2:SX20220101ABCDEF:" + PLACEHOLDER)
                .verify();
        assertFails(r, ErrorCode.INVALID_SIGNATURE, Wps2Verifier.HINT_SIGNATURE);
        assertThat(r.failure().code().code()).isEqualTo(30003);
        assertThat(r.failure().hint()).isEqualTo("signature not match");
    }

    @ParameterizedTest
    @MethodSource("vectors")
    void placeholderSignatureIsRejectedInUppercaseToo(Vector v) {
        Wps2Verifier.Result r = request(v)
                .authorization("WPS-2:SX20220101ABCDEF:" + PLACEHOLDER.toUpperCase(Locale.ROOT))
                .verify();
        assertFails(r, ErrorCode.INVALID_SIGNATURE, "signature not match");
    }

    @ParameterizedTest
    @MethodSource("vectors")
    void placeholderMatchesNoneOfTheRowsInputs(Vector v) {
        assertThat(Wps2Signer.signature(APP_KEY, v.contentMd5(), v.contentType(), DATE))
                .isNotEqualTo(PLACEHOLDER);
        assertThat(Wps2Signer.signature(APP_KEY, v.contentMd5(), "", DATE)).isNotEqualTo(PLACEHOLDER);
    }
}
