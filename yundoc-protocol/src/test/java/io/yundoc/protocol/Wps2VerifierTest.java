package io.yundoc.protocol;

import static io.yundoc.protocol.Wps2Fixture.APP_ID;
import static io.yundoc.protocol.Wps2Fixture.APP_KEY;
import static io.yundoc.protocol.Wps2Fixture.DATE;
import static io.yundoc.protocol.Wps2Fixture.DISABLED_APP_ID;
import static io.yundoc.protocol.Wps2Fixture.DISABLED_APP_KEY;
import static io.yundoc.protocol.Wps2Fixture.EMPTY_MD5;
import static io.yundoc.protocol.Wps2Fixture.FILE_PATH;
import static io.yundoc.protocol.Wps2Fixture.JSON;
import static io.yundoc.protocol.Wps2Fixture.NOW;
import static io.yundoc.protocol.Wps2Fixture.assertFails;
import static io.yundoc.protocol.Wps2Fixture.assertOk;
import static io.yundoc.protocol.Wps2Fixture.md5;
import static io.yundoc.protocol.Wps2Fixture.req;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

/** Behaviour of {@link Wps2Verifier}, step by step (api.md §3.4). */
class Wps2VerifierTest {

    private static final String SIG_HINT = "signature not match";
    private static final String DATE_HINT = "not a valid datetime or too skewed";
    private static final String MD5_HINT = "content md5 not match";

    @Test
    void hintsAreTheDocumentedStrings() {
        assertThat(Wps2Verifier.HINT_SIGNATURE).isEqualTo(SIG_HINT);
        assertThat(Wps2Verifier.HINT_DATE).isEqualTo(DATE_HINT);
        assertThat(Wps2Verifier.HINT_MD5).isEqualTo(MD5_HINT);
    }

    @Test
    void correctlySignedRequestVerifiesAndNamesTheApp() {
        Wps2Verifier.Result r = req().verify();
        assertOk(r);
        assertThat(r.appId()).isEqualTo(APP_ID);
    }

    @Nested
    class Step2Authorization {
        @Test
        void uppercaseHexSignatureAccepted() {
            assertOk(req().upperHex().verify());
        }

        @Test
        void mixedCaseHexSignatureAccepted() {
            String sig = req().signature();
            StringBuilder mixed = new StringBuilder();
            for (int i = 0; i < sig.length(); i++) {
                char c = sig.charAt(i);
                mixed.append(i % 2 == 0 ? Character.toUpperCase(c) : c);
            }
            assertOk(req().authorization("WPS-2:" + APP_ID + ":" + mixed).verify());
        }

        @ParameterizedTest
        @ValueSource(strings = {"wps-2:", "Wps-2:", "wPs-2:", "WPS-2:"})
        void prefixIsCaseInsensitive(String prefix) {
            assertOk(req().prefix(prefix).verify());
        }

        @Test
        void surroundingWhitespaceOfAuthorizationIsIgnored() {
            Wps2Fixture.Req r = req();
            assertOk(req().authorization("  " + r.authorizationHeader() + "\t").verify());
        }

        @Test
        void missingAuthorizationRejected() {
            assertFails(req().noAuthorization().verify(), ErrorCode.INVALID_SIGNATURE, SIG_HINT);
        }

        @ParameterizedTest
        @ValueSource(
                strings = {
                    "",
                    "   ",
                    "garbage",
                    "Bearer kvqxrspxjctdojjqdildjhonzwusaquc",
                    "WPS-2:SX20220101ABCDEF",
                    "WPS-2:SX20220101ABCDEF:",
                    "WPS-2::083500176fa3aab58ca2dc962978013b3ca2b6df",
                    "WPS-2:SX20220101ABCDEF:083500176fa3aab58ca2dc962978013b3ca2b6d",
                    "WPS-2:SX20220101ABCDEF:083500176fa3aab58ca2dc962978013b3ca2b6df0",
                    "WPS-2:SX20220101ABCDEF:083500176fa3aab58ca2dc962978013b3ca2b6dg",
                    "WPS-2:SX20220101ABCDEF:083500176fa3aab58ca2dc962978013b3ca2b6d ",
                    "WPS-2:SX20220101ABCDEF:0835 0176fa3aab58ca2dc962978013b3ca2b6df",
                    "WPS-3:SX20220101ABCDEF:083500176fa3aab58ca2dc962978013b3ca2b6df",
                    "WPS2:SX20220101ABCDEF:083500176fa3aab58ca2dc962978013b3ca2b6df",
                    "WPS-2 SX20220101ABCDEF:083500176fa3aab58ca2dc962978013b3ca2b6df",
                    "WPS-2:SX20220101 ABCDEF:083500176fa3aab58ca2dc962978013b3ca2b6df",
                    "WPS-2:SX:20220101ABCDEF:083500176fa3aab58ca2dc962978013b3ca2b6df",
                    "XWPS-2:SX20220101ABCDEF:083500176fa3aab58ca2dc962978013b3ca2b6df",
                    "WPS-2:SX20220101ABCDEF:083500176fa3aab58ca2dc962978013b3ca2b6df:extra",
                    "WPS-2:SX20220101ABCDEF:083500176fa3aab58ca2dc962978013b3ca2b6df\nX: y",
                })
        void garbageAuthorizationRejected(String authorization) {
            assertFails(req().authorization(authorization).verify(), ErrorCode.INVALID_SIGNATURE, SIG_HINT);
        }

        @Test
        void overlongAppIdRejectedAsMalformed() {
            String appId = "A".repeat(65);
            Wps2Verifier.KeyLookup lookup = Wps2Fixture.singleApp(appId, APP_KEY);
            assertFails(req().appId(appId).verify(lookup, NOW), ErrorCode.INVALID_SIGNATURE, SIG_HINT);
            String ok = "A".repeat(64);
            assertOk(req().appId(ok).verify(Wps2Fixture.singleApp(ok, APP_KEY), NOW), ok);
        }

        @Test
        void malformedAuthorizationIsReportedBeforeABadDate() {
            assertFails(
                    req().authorization("garbage").date("not a date").verify(), ErrorCode.INVALID_SIGNATURE, SIG_HINT);
        }
    }

    @Nested
    class Step3App {
        @Test
        void unknownAppRejectedWithAppNotExist() {
            Wps2Verifier.Result r = req().appId("SX20220101ZZZZZZ").verify();
            assertFails(r, ErrorCode.APP_NOT_EXIST, null);
            assertThat(r.failure().code().code()).isEqualTo(20002);
        }

        @Test
        void unknownAppIsReportedBeforeABadDate() {
            assertFails(req().appId("SX20220101ZZZZZZ").date("nonsense").verify(), ErrorCode.APP_NOT_EXIST, null);
        }

        @Test
        void disabledAppRejectedWithAuditNotPassEvenWhenCorrectlySigned() {
            Wps2Verifier.Result r =
                    req().appId(DISABLED_APP_ID).key(DISABLED_APP_KEY).verify();
            assertFails(r, ErrorCode.AUDIT_NOT_PASS, null);
            assertThat(r.failure().code().code()).isEqualTo(20006);
        }

        @Test
        void disabledAppIsReportedBeforeABadDateOrSignature() {
            assertFails(
                    req().appId(DISABLED_APP_ID)
                            .key("wrong-key-wrong-key")
                            .date("nonsense")
                            .verify(),
                    ErrorCode.AUDIT_NOT_PASS,
                    null);
        }

        @Test
        void appIdIsCaseSensitive() {
            assertFails(req().appId(APP_ID.toLowerCase(Locale.ROOT)).verify(), ErrorCode.APP_NOT_EXIST, null);
        }
    }

    @Nested
    class Step4Date {
        @Test
        void missingDateRejected() {
            assertFails(req().date(null).signedDate("").verify(), ErrorCode.INVALID_SIGNATURE, DATE_HINT);
        }

        @ParameterizedTest
        @NullAndEmptySource
        @ValueSource(
                strings = {
                    " ",
                    "yesterday",
                    "2013-01-23T06:43:08Z",
                    "1358923388",
                    "Wed, 32 Jan 2013 06:43:08 GMT",
                    "Wed, 23 Foo 2013 06:43:08 GMT",
                    "Wed, 23 Jan 2013 25:43:08 GMT",
                    "Wed, 23 Jan 2013 06:43:08 PST"
                })
        void unparseableDateRejected(String date) {
            Wps2Fixture.Req r = req().date(date).signedDate(date == null ? "" : date);
            assertFails(r.verify(), ErrorCode.INVALID_SIGNATURE, DATE_HINT);
        }

        @ParameterizedTest
        @ValueSource(longs = {-16 * 60, 16 * 60, -15 * 60 - 1, 15 * 60 + 1, -86_400, 86_400 * 365})
        void dateOutsideTheWindowRejected(long skewSeconds) {
            String date = HttpDates.format(NOW.plusSeconds(skewSeconds));
            assertFails(req().date(date).verify(), ErrorCode.INVALID_SIGNATURE, DATE_HINT);
        }

        @ParameterizedTest
        @ValueSource(longs = {-14 * 60, 14 * 60, 0, -1, 1, -15 * 60, 15 * 60})
        void dateInsideTheWindowAccepted(long skewSeconds) {
            String date = HttpDates.format(NOW.plusSeconds(skewSeconds));
            assertOk(req().date(date).verify());
        }

        @Test
        void serverClockIsWhatCounts() {
            Instant later = NOW.plus(Duration.ofMinutes(16));
            assertFails(req().verify(Wps2Fixture.lookup(), later), ErrorCode.INVALID_SIGNATURE, DATE_HINT);
            Instant slightlyLater = NOW.plus(Duration.ofMinutes(14));
            assertOk(req().verify(Wps2Fixture.lookup(), slightlyLater));
        }

        @Test
        void windowIsConfigurable() {
            Wps2Verifier narrow = new Wps2Verifier(Duration.ofMinutes(1));
            String date = HttpDates.format(NOW.minusSeconds(120));
            Wps2Verifier.SignedRequest r = req().date(date).build();
            assertFails(narrow.verifyHeaders(r, Wps2Fixture.lookup(), NOW), ErrorCode.INVALID_SIGNATURE, DATE_HINT);
            assertOk(Wps2Fixture.verifier().verifyHeaders(r, Wps2Fixture.lookup(), NOW));
        }

        @ParameterizedTest
        @ValueSource(
                strings = {
                    "Wed, 23 Jan 2013 14:43:08 +0800",
                    "Wed, 23 Jan 2013 06:43:08 UTC",
                    "Wed, 23 Jan 2013 06:43:08 UT",
                    "Wed, 23 Jan 2013 06:43:08 Z",
                    "Mon, 23 Jan 2013 06:43:08 GMT",
                    "23 Jan 2013 06:43:08 GMT",
                    "Wednesday, 23-Jan-13 06:43:08 GMT",
                    "Wed Jan 23 06:43:08 2013"
                })
        void lenientDateFormsAcceptedWhenSignedAsSent(String date) {
            assertOk(req().date(date).verify());
        }

        @Test
        void surroundingWhitespaceOfDateIsNotSigned() {
            assertOk(req().date("  " + DATE + " ").signedDate(DATE).verify());
        }

        @Test
        void badDateIsReportedBeforeABadSignature() {
            assertFails(
                    req().date(HttpDates.format(NOW.minusSeconds(3600)))
                            .key("not-the-key-at-all!")
                            .verify(),
                    ErrorCode.INVALID_SIGNATURE,
                    DATE_HINT);
        }
    }

    @Nested
    class Step5Signature {
        @Test
        void wrongKeyRejected() {
            assertFails(req().key(APP_KEY + "x").verify(), ErrorCode.INVALID_SIGNATURE, SIG_HINT);
        }

        @Test
        void signatureOfAnotherDateRejected() {
            // the Date header is valid, but the client signed another (also valid) value
            String other = HttpDates.format(NOW.minusSeconds(1));
            assertFails(req().signedDate(other).verify(), ErrorCode.INVALID_SIGNATURE, SIG_HINT);
        }

        @Test
        void sameInstantInAnotherDateFormIsAnotherSignedValue() {
            assertFails(
                    req().signedDate("Wed, 23 Jan 2013 06:43:08 UTC").verify(), ErrorCode.INVALID_SIGNATURE, SIG_HINT);
        }

        @ParameterizedTest
        @ValueSource(strings = {"GET", "HEAD"})
        void getAndHeadSignedWithEmptyContentTypeAcceptedWhateverTheHeaderSays(String method) {
            assertOk(
                    req().method(method).contentType(JSON).signedContentType("").verify());
            assertOk(req().method(method)
                    .contentType("text/plain")
                    .signedContentType("")
                    .verify());
        }

        @ParameterizedTest
        @ValueSource(strings = {"POST", "PUT", "DELETE", "PATCH", "OPTIONS"})
        void otherMethodsSignedWithEmptyContentTypeRejectedWhenTheHeaderHasOne(String method) {
            assertFails(
                    req().method(method).contentType(JSON).signedContentType("").verify(),
                    ErrorCode.INVALID_SIGNATURE,
                    SIG_HINT);
        }

        @ParameterizedTest
        @ValueSource(strings = {"GET", "HEAD", "POST"})
        void contentTypeSignedButHeaderChangedRejected(String method) {
            assertFails(
                    req().method(method)
                            .contentType("application/xml")
                            .signedContentType(JSON)
                            .verify(),
                    ErrorCode.INVALID_SIGNATURE,
                    SIG_HINT);
        }

        @Test
        void postWithoutContentTypeHeaderSignsTheEmptyString() {
            assertOk(
                    req().method("POST").contentType(null).signedContentType("").verify());
            assertFails(
                    req().method("POST")
                            .contentType(null)
                            .signedContentType(JSON)
                            .verify(),
                    ErrorCode.INVALID_SIGNATURE,
                    SIG_HINT);
        }

        @Test
        void charsetContentTypeSignedAsSent() {
            String ct = "application/json;charset=utf-8";
            assertOk(req().method("POST").contentType(ct).verify());
            assertFails(
                    req().method("POST").contentType(ct).signedContentType(JSON).verify(),
                    ErrorCode.INVALID_SIGNATURE,
                    SIG_HINT);
        }

        @Test
        void contentMd5SignedAsSentSoChangingItsCaseBreaksTheSignature() {
            String upper = EMPTY_MD5.toUpperCase(Locale.ROOT);
            assertOk(req().md5(upper).verify());
            assertFails(req().md5(upper).signedMd5(EMPTY_MD5).verify(), ErrorCode.INVALID_SIGNATURE, SIG_HINT);
        }

        @Test
        void surroundingWhitespaceOfContentHeadersIsNotSigned() {
            assertOk(req().method("POST")
                    .contentType(" application/json ")
                    .signedContentType(JSON)
                    .md5("\t" + EMPTY_MD5 + " ")
                    .signedMd5(EMPTY_MD5)
                    .verify());
        }

        @Test
        void appIdIsNotSignedSoAnotherAppWithTheSameKeyVerifies() {
            Wps2Verifier.KeyLookup lookup =
                    Wps2Fixture.lookup(Map.of("SX20240101AAAAAA", new Wps2Verifier.AppKeys(List.of(APP_KEY), false)));
            assertOk(req().appId("SX20240101AAAAAA").verify(lookup, NOW), "SX20240101AAAAAA");
        }

        @Test
        void appWithNoKeysVerifiesNothing() {
            Wps2Verifier.KeyLookup lookup =
                    Wps2Fixture.lookup(Map.of(APP_ID, new Wps2Verifier.AppKeys(List.of(), false)));
            assertFails(req().verify(lookup, NOW), ErrorCode.INVALID_SIGNATURE, SIG_HINT);
        }
    }

    @Nested
    class KeyRotation {
        private static final String OLD = APP_KEY;
        private static final String NEW = "Zq3t6w9zCFJaNcRfUjXn2r5u8xADGKbP";

        @Test
        void eitherKeyVerifiesDuringTheOverlap() {
            Wps2Verifier.KeyLookup both = Wps2Fixture.singleApp(APP_ID, OLD, NEW);
            assertOk(req().key(OLD).verify(both, NOW));
            assertOk(req().key(NEW).verify(both, NOW));
            assertOk(req().key(NEW).method("POST").verify(both, NOW));
            assertOk(req().key(OLD).signedContentType("").verify(both, NOW));
            assertOk(req().key(NEW).signedContentType("").verify(both, NOW));
        }

        @Test
        void orderOfTheKeysDoesNotMatter() {
            Wps2Verifier.KeyLookup both = Wps2Fixture.singleApp(APP_ID, NEW, OLD);
            assertOk(req().key(OLD).verify(both, NOW));
            assertOk(req().key(NEW).verify(both, NOW));
        }

        @Test
        void aThirdKeyFails() {
            Wps2Verifier.KeyLookup both = Wps2Fixture.singleApp(APP_ID, OLD, NEW);
            assertFails(req().key("SomeOtherKey0123456789").verify(both, NOW), ErrorCode.INVALID_SIGNATURE, SIG_HINT);
        }

        @Test
        void afterTheOverlapOnlyTheNewKeyVerifies() {
            Wps2Verifier.KeyLookup onlyNew = Wps2Fixture.singleApp(APP_ID, NEW);
            assertOk(req().key(NEW).verify(onlyNew, NOW));
            assertFails(req().key(OLD).verify(onlyNew, NOW), ErrorCode.INVALID_SIGNATURE, SIG_HINT);
        }
    }

    @Nested
    class Step7EmptyBody {
        private static final String PATH = FILE_PATH + "/versions";
        private static final String TARGET = PATH + "?offset=0&count=10";

        private Wps2Verifier.Result emptyBody(String method, String target, String contentMd5) {
            return req().method(method).target(target).md5(contentMd5).verify();
        }

        @ParameterizedTest
        @ValueSource(strings = {"GET", "HEAD", "POST", "PUT", "DELETE", "PATCH"})
        void allDocumentedCandidatesAccepted(String method) {
            assertOk(emptyBody(method, TARGET, EMPTY_MD5));
            assertOk(emptyBody(method, TARGET, md5(PATH)));
            assertOk(emptyBody(method, TARGET, md5(TARGET)));
            assertOk(emptyBody(method, TARGET, md5(TARGET).toUpperCase(Locale.ROOT)));
            assertOk(emptyBody(method, TARGET, md5(PATH).toUpperCase(Locale.ROOT)));
        }

        @ParameterizedTest
        @ValueSource(strings = {"GET", "POST", "DELETE"})
        void otherMd5ValuesRejected(String method) {
            assertFails(emptyBody(method, TARGET, md5("x")), ErrorCode.INVALID_SIGNATURE, MD5_HINT);
            assertFails(emptyBody(method, TARGET, md5(FILE_PATH)), ErrorCode.INVALID_SIGNATURE, MD5_HINT);
            assertFails(emptyBody(method, TARGET, md5("offset=0&count=10")), ErrorCode.INVALID_SIGNATURE, MD5_HINT);
            assertFails(
                    emptyBody(method, TARGET, md5(PATH + "?count=10&offset=0")), ErrorCode.INVALID_SIGNATURE, MD5_HINT);
            assertFails(
                    emptyBody(method, TARGET, md5("https://developer.kdocs.cn" + TARGET)),
                    ErrorCode.INVALID_SIGNATURE,
                    MD5_HINT);
            assertFails(emptyBody(method, TARGET, "not-hex-at-all"), ErrorCode.INVALID_SIGNATURE, MD5_HINT);
            assertFails(emptyBody(method, TARGET, ""), ErrorCode.INVALID_SIGNATURE, MD5_HINT);
        }

        @Test
        void missingContentMd5WithEmptyBodyRejected() {
            assertFails(req().md5(null).signedMd5("").verify(), ErrorCode.INVALID_SIGNATURE, MD5_HINT);
        }

        @Test
        void percentDecodedPathAndQueryAccepted() {
            String raw = "/api/v1/openapi/appspace/files/search?name=%E6%96%87%E6%A1%A3%20v1&x=a%2Bb";
            String decoded = "/api/v1/openapi/appspace/files/search?name=文档 v1&x=a+b";
            assertOk(emptyBody("GET", raw, md5(decoded)));
            assertOk(emptyBody("GET", raw, md5(raw)));
            assertOk(emptyBody("GET", raw, md5("/api/v1/openapi/appspace/files/search")));
        }

        @Test
        void plusIsNotASpaceInThePercentDecodedForm() {
            String raw = "/api/v1/openapi/appspace/files/search?name=a+b";
            assertOk(emptyBody("GET", raw, md5(raw)));
            assertFails(
                    emptyBody("GET", raw, md5("/api/v1/openapi/appspace/files/search?name=a b")),
                    ErrorCode.INVALID_SIGNATURE,
                    MD5_HINT);
        }

        @Test
        void percentEncodedPathAccepted() {
            String raw = "/api/v1/openapi/appspace/files/a%2Db?q=%41";
            assertOk(emptyBody("GET", raw, md5("/api/v1/openapi/appspace/files/a-b?q=A")));
            assertOk(emptyBody("GET", raw, md5("/api/v1/openapi/appspace/files/a%2Db")));
        }

        @Test
        void malformedPercentEscapeDoesNotBreakTheOtherCandidates() {
            String raw = "/api/v1/openapi/appspace/files/x?q=%zz%";
            assertOk(emptyBody("GET", raw, md5(raw)));
            assertOk(emptyBody("GET", raw, md5("/api/v1/openapi/appspace/files/x")));
            assertOk(emptyBody("GET", raw, EMPTY_MD5));
            assertFails(emptyBody("GET", raw, md5("nope")), ErrorCode.INVALID_SIGNATURE, MD5_HINT);
        }

        @Test
        void targetWithoutQuery() {
            assertOk(emptyBody("GET", FILE_PATH, md5(FILE_PATH)));
            assertFails(emptyBody("GET", FILE_PATH, md5(FILE_PATH + "?")), ErrorCode.INVALID_SIGNATURE, MD5_HINT);
        }

        @Test
        void emptyQueryIsPartOfTheTargetAsSent() {
            String raw = FILE_PATH + "?";
            assertOk(emptyBody("GET", raw, md5(raw)));
            assertOk(emptyBody("GET", raw, md5(FILE_PATH)));
        }

        @Test
        void nonEmptyBodySkipsStep7() {
            // any Content-Md5 passes the header stage; step 6 then checks it against the body
            assertOk(req().method("POST")
                    .target(TARGET)
                    .md5(md5("{\"a\":1}"))
                    .body(true)
                    .verify());
            assertOk(req().method("POST")
                    .target(TARGET)
                    .md5("whatever")
                    .body(true)
                    .verify());
        }

        @Test
        void signatureFailureIsReportedBeforeContentMd5() {
            assertFails(
                    req().target(TARGET)
                            .md5(md5("x"))
                            .key("wrong-key-0123456789")
                            .verify(),
                    ErrorCode.INVALID_SIGNATURE,
                    SIG_HINT);
        }

        @Test
        void candidatesAreExactlyTheDocumentedOnes() {
            List<String> c = Wps2Verifier.emptyBodyCandidates(TARGET, "");
            assertThat(c).contains(EMPTY_MD5, md5(PATH), md5(TARGET));
            assertThat(c).allMatch(s -> s.matches("[0-9a-f]{32}"));
            assertThat(c.stream().distinct()).containsExactlyInAnyOrder(EMPTY_MD5, md5(PATH), md5(TARGET));
        }

        @Test
        void candidatesForANullTarget() {
            assertThat(Wps2Verifier.emptyBodyCandidates(null, null)).containsOnly(EMPTY_MD5);
        }
    }

    @Nested
    class PathPrefix {
        private static final String TARGET = FILE_PATH + "?with=1";

        @ParameterizedTest
        @ValueSource(strings = {"/prefix", "/prefix/"})
        void prefixedFormsAccepted(String prefix) {
            for (String input : List.of("/prefix" + FILE_PATH, "/prefix" + TARGET, FILE_PATH, TARGET, "")) {
                assertOk(req().target(TARGET).pathPrefix(prefix).md5(md5(input)).verify());
            }
        }

        @Test
        void prefixedDecodedFormAccepted() {
            String raw = FILE_PATH + "?name=%E6%96%87";
            assertOk(req().target(raw)
                    .pathPrefix("/prefix")
                    .md5(md5("/prefix" + FILE_PATH + "?name=文"))
                    .verify());
        }

        @Test
        void nestedPrefixAccepted() {
            assertOk(req().target(TARGET)
                    .pathPrefix("/a/b")
                    .md5(md5("/a/b" + FILE_PATH))
                    .verify());
        }

        @Test
        void prefixedFormRejectedWithoutAPrefix() {
            assertFails(
                    req().target(TARGET).md5(md5("/prefix" + FILE_PATH)).verify(),
                    ErrorCode.INVALID_SIGNATURE,
                    MD5_HINT);
            assertFails(
                    req().target(TARGET)
                            .pathPrefix("/")
                            .md5(md5("/prefix" + FILE_PATH))
                            .verify(),
                    ErrorCode.INVALID_SIGNATURE,
                    MD5_HINT);
        }

        @Test
        void anotherPrefixRejected() {
            assertFails(
                    req().target(TARGET)
                            .pathPrefix("/prefix")
                            .md5(md5("/other" + FILE_PATH))
                            .verify(),
                    ErrorCode.INVALID_SIGNATURE,
                    MD5_HINT);
        }
    }

    /**
     * Step 7 hashes the forms one at a time and stops at the first match; {@link Wps2Verifier#emptyBodyCandidates}
     * lists them all. For hostile targets and prefixes the two must accept exactly the same values.
     */
    @ParameterizedTest
    @ValueSource(
            strings = {
                "",
                "/",
                "/a",
                "/a?",
                "/a?b",
                "/a%2Fb?c=%41",
                "/a+b?c=d+e",
                "/a%zz?c=%41",
                "/a?c=%",
                "/%E6%96%87?x=%E6%96%87",
                "/a?c=%E6",
                "/a??b=1&&",
                "/a#frag"
            })
    void stepSevenAcceptsExactlyTheListedCandidates(String target) {
        for (String prefix : Arrays.asList(null, "", "/", "/p", "/p/", "/a/b")) {
            List<String> candidates = Wps2Verifier.emptyBodyCandidates(target, prefix);
            for (String md5 : candidates) {
                assertOk(req().target(target).pathPrefix(prefix).md5(md5).verify());
            }
            // the forms of the other prefixes, and near misses, are refused unless they are candidates too
            for (String other : List.of(target + "x", "/p" + target, "/q" + target, target.toUpperCase(Locale.ROOT))) {
                String md5 = md5(other);
                if (!candidates.contains(md5)) {
                    assertFails(
                            req().target(target).pathPrefix(prefix).md5(md5).verify(),
                            ErrorCode.INVALID_SIGNATURE,
                            MD5_HINT);
                }
            }
        }
    }

    @Nested
    class Step6Body {
        @Test
        void bodyMatchesIsCaseInsensitive() {
            String m = md5("{\"filename\":\"demo.docx\"}");
            assertThat(Wps2Verifier.bodyMatches(m, m)).isTrue();
            assertThat(Wps2Verifier.bodyMatches(m.toUpperCase(Locale.ROOT), m)).isTrue();
            assertThat(Wps2Verifier.bodyMatches(m, m.toUpperCase(Locale.ROOT))).isTrue();
        }

        @Test
        void bodyMatchesIgnoresSurroundingWhitespaceOfTheHeader() {
            String m = md5("body");
            assertThat(Wps2Verifier.bodyMatches(" " + m + "\t", m)).isTrue();
        }

        @Test
        void bodyMismatchRejected() {
            assertThat(Wps2Verifier.bodyMatches(md5("body"), md5("bodY"))).isFalse();
            assertThat(Wps2Verifier.bodyMatches(null, md5("body"))).isFalse();
            assertThat(Wps2Verifier.bodyMatches("", md5("body"))).isFalse();
            assertThat(Wps2Verifier.bodyMatches(md5("body").substring(1), md5("body")))
                    .isFalse();
            assertThat(Wps2Verifier.bodyMatches(md5("body") + "0", md5("body"))).isFalse();
            // the path-based candidates of step 7 do not apply to a non-empty body
            assertThat(Wps2Verifier.bodyMatches(md5(FILE_PATH), md5("body"))).isFalse();
            assertThat(Wps2Verifier.bodyMatches(EMPTY_MD5, md5("body"))).isFalse();
        }
    }

    @Test
    void requestCanBeSignedAndVerifiedWithTheSignerHelper() {
        String auth = Wps2Signer.authorization(APP_ID, APP_KEY, EMPTY_MD5, JSON, DATE);
        Wps2Verifier.SignedRequest r =
                new Wps2Verifier.SignedRequest("GET", FILE_PATH, auth, DATE, EMPTY_MD5, JSON, true, "");
        assertOk(Wps2Fixture.verifier().verifyHeaders(r, Wps2Fixture.lookup(), NOW));
    }

    @Test
    void signerTreatsNullAsEmpty() {
        assertThat(Wps2Signer.signature(APP_KEY, null, null, DATE))
                .isEqualTo(Wps2Signer.signature(APP_KEY, "", "", DATE));
        assertThat(Wps2Signer.signature(null, null, null, null)).isEqualTo(Hex.sha1(new byte[0]));
        assertThat(Wps2Signer.PREFIX).isEqualTo("WPS-2:");
        assertThat(Wps2Signer.EMPTY_MD5).isEqualTo(EMPTY_MD5);
    }

    @Test
    void signerHashesUtf8() {
        String key = "ключ-密钥-0123456789";
        assertThat(Wps2Signer.signature(key, EMPTY_MD5, JSON, DATE))
                .isEqualTo(Hex.sha1((key + EMPTY_MD5 + JSON + DATE).getBytes(StandardCharsets.UTF_8)));
    }
}
