package io.yundoc.protocol;

import static io.yundoc.protocol.SeededCases.drawUntil;
import static io.yundoc.protocol.SeededCases.oneOf;
import static io.yundoc.protocol.SeededCases.string;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Properties of WPS-2 (api.md §3.4, "What WPS-2 does not protect"): a correctly signed request verifies, every client
 * variant the document lists verifies, and changing the body, Content-Md5, a signed Content-Type, Date or the key
 * makes verification fail.
 *
 * <p>Each property runs 1000 seeded random cases ({@link SeededCases}); where a property needs its inputs to differ
 * (another key, another date), the generator draws again instead of skipping the case.
 */
@ExtendWith(SeededCases.ReplayHint.class)
class Wps2PropertiesTest {

    private static final String APP_ID = "SX20220101ABCDEF";
    private static final Duration WINDOW = Duration.ofMinutes(15);
    private static final Wps2Verifier VERIFIER = new Wps2Verifier(WINDOW);
    /** 2001-01-01 .. 2068-12-31, so that the two-digit RFC 850 year maps back to the same century. */
    private static final long MIN_MILLIS = Instant.parse("2001-01-01T00:00:00Z").toEpochMilli();

    private static final long MAX_MILLIS = Instant.parse("2068-12-31T00:00:00Z").toEpochMilli();

    /** The date forms step 4 accepts; a client may send any of them, signed as sent. */
    enum DateForm {
        RFC1123_GMT,
        RFC1123_UTC,
        RFC1123_UT,
        RFC1123_Z,
        OFFSET_PLUS_0800,
        OFFSET_MINUS_0130,
        ONE_DIGIT_DAY,
        NO_WEEKDAY,
        WRONG_WEEKDAY,
        RFC850,
        ASCTIME,
        HTTP_DATES_FORMAT;

        String render(Instant t) {
            return switch (this) {
                case RFC1123_GMT -> fmt("EEE, dd MMM yyyy HH:mm:ss 'GMT'", ZoneOffset.UTC, t);
                case RFC1123_UTC -> fmt("EEE, dd MMM yyyy HH:mm:ss 'UTC'", ZoneOffset.UTC, t);
                case RFC1123_UT -> fmt("EEE, dd MMM yyyy HH:mm:ss 'UT'", ZoneOffset.UTC, t);
                case RFC1123_Z -> fmt("EEE, dd MMM yyyy HH:mm:ss 'Z'", ZoneOffset.UTC, t);
                case OFFSET_PLUS_0800 -> fmt("EEE, dd MMM yyyy HH:mm:ss xx", ZoneOffset.ofHours(8), t);
                case OFFSET_MINUS_0130 -> fmt("EEE, dd MMM yyyy HH:mm:ss xx", ZoneOffset.ofHoursMinutes(-1, -30), t);
                case ONE_DIGIT_DAY -> fmt("EEE, d MMM yyyy HH:mm:ss 'GMT'", ZoneOffset.UTC, t);
                case NO_WEEKDAY -> fmt("dd MMM yyyy HH:mm:ss 'GMT'", ZoneOffset.UTC, t);
                case WRONG_WEEKDAY ->
                    fmt("EEE", ZoneOffset.UTC, t.plus(Duration.ofDays(3)))
                            + fmt(", dd MMM yyyy HH:mm:ss 'GMT'", ZoneOffset.UTC, t);
                case RFC850 -> fmt("EEEE, dd-MMM-yy HH:mm:ss 'GMT'", ZoneOffset.UTC, t);
                case ASCTIME -> fmt("EEE MMM ppd HH:mm:ss yyyy", ZoneOffset.UTC, t);
                case HTTP_DATES_FORMAT -> HttpDates.format(t);
            };
        }

        private static String fmt(String pattern, ZoneOffset zone, Instant t) {
            return DateTimeFormatter.ofPattern(pattern, Locale.ENGLISH)
                    .withZone(zone)
                    .format(t);
        }
    }

    /** What the client signs and sends. */
    @SuppressWarnings("ArrayRecordComponent") // a generated input, never compared or hashed
    record Client(
            String key,
            byte[] body,
            String contentType,
            String method,
            String target,
            Instant now,
            int skewSeconds,
            DateForm dateForm,
            int md5Choice,
            boolean upperMd5) {

        String date() {
            return dateForm.render(now.plusSeconds(skewSeconds));
        }

        boolean bodyEmpty() {
            return body.length == 0;
        }

        /** Content-Md5 as the client sends it: md5 of the body, or for an empty body one of step 7's candidates. */
        String contentMd5() {
            String m;
            if (!bodyEmpty()) {
                m = Hex.md5(body);
            } else {
                int q = target.indexOf('?');
                String path = q < 0 ? target : target.substring(0, q);
                m = switch (md5Choice % 3) {
                    case 0 -> Hex.md5(new byte[0]);
                    case 1 -> utf8Md5(path);
                    default -> utf8Md5(target);
                };
            }
            return upperMd5 ? m.toUpperCase(Locale.ROOT) : m;
        }

        String signature() {
            return Wps2Signer.signature(key, contentMd5(), contentType, date());
        }

        Wps2Verifier.SignedRequest request(String authorization, String date, String contentMd5, String contentType) {
            return new Wps2Verifier.SignedRequest(
                    method, target, authorization, date, contentMd5, contentType, bodyEmpty(), "");
        }

        Wps2Verifier.SignedRequest asSent() {
            return request("WPS-2:" + APP_ID + ":" + signature(), date(), contentMd5(), contentType);
        }

        Wps2Verifier.Result verify(Wps2Verifier.SignedRequest r, String... serverKeys) {
            return VERIFIER.verifyHeaders(r, lookup(serverKeys), now);
        }

        Wps2Verifier.Result verify(Wps2Verifier.SignedRequest r) {
            return verify(r, key);
        }

        /** The whole check: headers, then step 6 for a non-empty body as received. */
        boolean accepted(Wps2Verifier.SignedRequest sent, byte[] receivedBody, String... serverKeys) {
            // whether the body is empty is a property of what arrived, not of what was signed
            Wps2Verifier.SignedRequest r = new Wps2Verifier.SignedRequest(
                    sent.method(),
                    sent.rawTarget(),
                    sent.authorization(),
                    sent.date(),
                    sent.contentMd5(),
                    sent.contentType(),
                    receivedBody.length == 0,
                    sent.pathPrefix());
            Wps2Verifier.Result res = verify(r, serverKeys);
            if (!res.ok()) {
                return false;
            }
            return receivedBody.length == 0 || Wps2Verifier.bodyMatches(r.contentMd5(), Hex.md5(receivedBody));
        }
    }

    private static String utf8Md5(String s) {
        return Hex.md5(s.getBytes(StandardCharsets.UTF_8));
    }

    private static Wps2Verifier.KeyLookup lookup(String... keys) {
        Map<String, Wps2Verifier.AppKeys> apps = Map.of(APP_ID, new Wps2Verifier.AppKeys(List.of(keys), false));
        return appId -> Optional.ofNullable(apps.get(appId));
    }

    private static void assertSignatureFailure(Wps2Verifier.Result r) {
        assertThat(r.ok()).isFalse();
        assertThat(r.failure().code()).isEqualTo(ErrorCode.INVALID_SIGNATURE);
        assertThat(r.failure().hint()).isEqualTo(Wps2Verifier.HINT_SIGNATURE);
    }

    // ---------------------------------------------------------------- generators

    /** 1000 cases per property, as the jqwik properties they replace ran by default. */
    static Stream<SeededCases.Case> cases() {
        return SeededCases.cases(1000);
    }

    static String appKey(Random r) {
        return string(r, ' ', '~', 16, 128);
    }

    /** Empty one time in four, else 1..2048 random bytes. */
    static byte[] body(Random r) {
        return r.nextInt(4) == 0 ? new byte[0] : SeededCases.bytes(r, 1, 2048);
    }

    static String contentType(Random r) {
        return switch (r.nextInt(3)) {
            case 0 ->
                oneOf(
                        r,
                        "",
                        "application/json",
                        "application/json;charset=utf-8",
                        "application/json; charset=utf-8",
                        "application/x-www-form-urlencoded",
                        "text/plain",
                        "multipart/form-data; boundary=yundoc-test-boundary",
                        "application/octet-stream");
            case 1 ->
                mediaToken(r) + "/" + mediaToken(r)
                        + oneOf(
                                r,
                                "",
                                ";charset=utf-8",
                                "; charset=UTF-8",
                                ";charset=gbk",
                                "; boundary=----WebKitFormBoundary7MA4YWxkTrZu0gW",
                                "; boundary=yundoc-test-boundary");
            default -> string(r, '!', '~', 1, 60);
        };
    }

    private static String mediaToken(Random r) {
        return string(r, "abcdefghijklmnopqrstuvwxyz-.+", 1, 16);
    }

    static String method(Random r) {
        return oneOf(r, "GET", "HEAD", "POST", "PUT", "DELETE", "PATCH");
    }

    static String writeMethod(Random r) {
        return oneOf(r, "POST", "PUT", "DELETE", "PATCH");
    }

    static String target(Random r) {
        int segments = r.nextInt(1, 5);
        StringBuilder path = new StringBuilder("/api/v1/openapi/appspace");
        for (int i = 0; i < segments; i++) {
            path.append('/')
                    .append(string(r, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-%.~", 1, 24));
        }
        return r.nextBoolean() ? path + "?" + string(r, "abcdefghijklmnopqrstuvwxyz=&%+2B", 0, 30) : path.toString();
    }

    static Instant now(Random r) {
        return Instant.ofEpochMilli(r.nextLong(MIN_MILLIS, MAX_MILLIS + 1));
    }

    static DateForm dateForm(Random r) {
        return oneOf(r, DateForm.values());
    }

    static Client client(Random r) {
        return new Client(
                appKey(r),
                body(r),
                contentType(r),
                method(r),
                target(r),
                now(r),
                r.nextInt(-899, 900),
                dateForm(r),
                r.nextInt(3),
                r.nextBoolean());
    }

    private static Client withMethod(Client c, String method) {
        return new Client(
                c.key(),
                c.body(),
                c.contentType(),
                method,
                c.target(),
                c.now(),
                c.skewSeconds(),
                c.dateForm(),
                c.md5Choice(),
                c.upperMd5());
    }

    // ---------------------------------------------------------------- a correct request verifies

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void correctlySignedRequestVerifies(SeededCases.Case k) {
        Client c = client(k.random());
        Wps2Verifier.Result r = c.verify(c.asSent());
        assertThat(r.failure()).isNull();
        assertThat(r.appId()).isEqualTo(APP_ID);
        assertThat(c.accepted(c.asSent(), c.body(), c.key())).isTrue();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void everyClientVariantVerifies(SeededCases.Case k) {
        Random rnd = k.random();
        Client c = client(rnd);
        boolean upperHex = rnd.nextBoolean();
        String prefix = oneOf(rnd, "WPS-2:", "wps-2:", "Wps-2:", "wPS-2:");
        int pad = rnd.nextInt(0, 4);
        String sig = c.signature();
        String sent = upperHex ? sig.toUpperCase(Locale.ROOT) : sig.toLowerCase(Locale.ROOT);
        String ws = " ".repeat(pad);
        Wps2Verifier.SignedRequest r = c.request(
                ws + prefix + APP_ID + ":" + sent + ws,
                ws + c.date() + ws,
                ws + c.contentMd5() + ws,
                c.contentType().isEmpty() ? "" : ws + c.contentType() + ws);
        assertThat(c.accepted(r, c.body(), c.key())).isTrue();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void charsetContentTypeIsSignedAsSent(SeededCases.Case k) {
        Random rnd = k.random();
        Client c = client(rnd);
        String charsetParam = oneOf(
                rnd, ";charset=utf-8", ";charset=UTF-8", "; charset=utf-8", "; Charset=\"utf-8\"", ";charset=gbk");
        String ct = "application/json" + charsetParam;
        Client withCharset = new Client(
                c.key(),
                c.body(),
                ct,
                c.method(),
                c.target(),
                c.now(),
                c.skewSeconds(),
                c.dateForm(),
                c.md5Choice(),
                c.upperMd5());
        assertThat(withCharset.accepted(withCharset.asSent(), c.body(), c.key()))
                .isTrue();
        // signing the type without its parameter does not verify a header that carries one
        String sigWithoutCharset =
                Wps2Signer.signature(c.key(), withCharset.contentMd5(), "application/json", withCharset.date());
        Wps2Verifier.SignedRequest stripped = withCharset.request(
                "WPS-2:" + APP_ID + ":" + sigWithoutCharset, withCharset.date(), withCharset.contentMd5(), ct);
        assertSignatureFailure(withCharset.verify(stripped));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void getAndHeadSignedWithEmptyContentTypeVerifyWhateverTheHeaderSays(SeededCases.Case k) {
        Random rnd = k.random();
        Client c = client(rnd);
        String header = contentType(rnd);
        boolean head = rnd.nextBoolean();
        Client get = new Client(
                c.key(),
                c.body(),
                "",
                head ? "HEAD" : "GET",
                c.target(),
                c.now(),
                c.skewSeconds(),
                c.dateForm(),
                c.md5Choice(),
                c.upperMd5());
        Wps2Verifier.SignedRequest r =
                get.request("WPS-2:" + APP_ID + ":" + get.signature(), get.date(), get.contentMd5(), header);
        assertThat(get.accepted(r, c.body(), c.key())).isTrue();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void keyRotationAcceptsEitherKey(SeededCases.Case k) {
        Random rnd = k.random();
        Client c = client(rnd);
        String otherKey = drawUntil(rnd, Wps2PropertiesTest::appKey, key -> !key.equals(c.key()));
        boolean signedWithOld = rnd.nextBoolean();
        String[] serverKeys = signedWithOld ? new String[] {c.key(), otherKey} : new String[] {otherKey, c.key()};
        assertThat(c.accepted(c.asSent(), c.body(), serverKeys)).isTrue();
    }

    // ---------------------------------------------------------------- one change makes it fail

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void changingTheBodyFails(SeededCases.Case k) {
        Random rnd = k.random();
        Client c = client(rnd);
        byte[] received = drawUntil(rnd, r -> mutation(r).apply(c.body()), b -> !Arrays.equals(b, c.body()));
        // the headers are untouched, so the header stage may pass; step 6 (or step 7) must refuse
        assertThat(c.accepted(c.asSent(), received, c.key())).isFalse();
        if (!c.bodyEmpty() && received.length > 0) {
            assertThat(Wps2Verifier.bodyMatches(c.contentMd5(), Hex.md5(received)))
                    .isFalse();
        }
    }

    record Mutation(int kind, int position, byte value) {
        byte[] apply(byte[] body) {
            if (body.length == 0 || kind == 0) {
                byte[] longer = Arrays.copyOf(body, body.length + 1);
                longer[body.length] = value;
                return longer;
            }
            int i = Math.floorMod(position, body.length);
            return switch (kind) {
                case 1 -> {
                    byte[] flipped = body.clone();
                    flipped[i] ^= (byte) (value == 0 ? 1 : value);
                    yield flipped;
                }
                case 2 -> {
                    byte[] shorter = new byte[body.length - 1];
                    System.arraycopy(body, 0, shorter, 0, i);
                    System.arraycopy(body, i + 1, shorter, i, body.length - i - 1);
                    yield shorter;
                }
                default -> new byte[0];
            };
        }
    }

    static Mutation mutation(Random r) {
        return new Mutation(r.nextInt(0, 4), r.nextInt(), (byte) r.nextInt());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void changingContentMd5Fails(SeededCases.Case k) {
        Random rnd = k.random();
        Client c = client(rnd);
        String sent = drawUntil(rnd, r -> md5Change(r).apply(c.contentMd5()), s -> !s.equals(c.contentMd5()));
        Wps2Verifier.SignedRequest r =
                c.request("WPS-2:" + APP_ID + ":" + c.signature(), c.date(), sent, c.contentType());
        assertSignatureFailure(c.verify(r));
        assertThat(c.accepted(r, c.body(), c.key())).isFalse();
    }

    /** Another md5, the same one in the other case, the empty-body md5, or no header at all. */
    static UnaryOperator<String> md5Change(Random r) {
        return switch (r.nextInt(4)) {
            case 0 -> {
                byte[] other = SeededCases.bytes(r, 0, 64);
                yield s -> Hex.md5(other);
            }
            case 1 ->
                s -> {
                    String upper = s.toUpperCase(Locale.ROOT);
                    return upper.equals(s) ? s.toLowerCase(Locale.ROOT) : upper;
                };
            case 2 -> s -> Wps2Signer.EMPTY_MD5;
            default -> s -> "";
        };
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void changingASignedContentTypeFails(SeededCases.Case k) {
        Random rnd = k.random();
        Client c = client(rnd);
        String method = writeMethod(rnd);
        String sentType = drawUntil(
                rnd,
                Wps2PropertiesTest::contentType,
                t -> !t.strip().equals(c.contentType().strip()));
        Client post = withMethod(c, method);
        Wps2Verifier.SignedRequest r =
                post.request("WPS-2:" + APP_ID + ":" + post.signature(), post.date(), post.contentMd5(), sentType);
        assertSignatureFailure(post.verify(r));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void changingANonEmptySignedContentTypeFailsForGetToo(SeededCases.Case k) {
        Random rnd = k.random();
        Client c = drawUntil(
                rnd, Wps2PropertiesTest::client, cl -> !cl.contentType().isEmpty());
        boolean head = rnd.nextBoolean();
        String sentType = drawUntil(
                rnd,
                Wps2PropertiesTest::contentType,
                t -> !t.strip().equals(c.contentType().strip()));
        Client get = withMethod(c, head ? "HEAD" : "GET");
        Wps2Verifier.SignedRequest r =
                get.request("WPS-2:" + APP_ID + ":" + get.signature(), get.date(), get.contentMd5(), sentType);
        assertSignatureFailure(get.verify(r));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void changingTheDateToAnotherValidDateFails(SeededCases.Case k) {
        Random rnd = k.random();
        Client c = client(rnd);
        String sentDate = drawUntil(
                rnd, r -> dateForm(r).render(c.now().plusSeconds(r.nextInt(-899, 900))), d -> !d.equals(c.date()));
        // the new date is itself acceptable, so only the signature can refuse it
        assertThat(HttpDates.parse(sentDate)).isPresent();
        Wps2Verifier.SignedRequest r =
                c.request("WPS-2:" + APP_ID + ":" + c.signature(), sentDate, c.contentMd5(), c.contentType());
        assertSignatureFailure(c.verify(r));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void changingTheKeyFails(SeededCases.Case k) {
        Random rnd = k.random();
        Client c = client(rnd);
        String serverKey = drawUntil(rnd, Wps2PropertiesTest::appKey, key -> !key.equals(c.key()));
        assertSignatureFailure(c.verify(c.asSent(), serverKey));
        assertThat(c.accepted(c.asSent(), c.body(), serverKey)).isFalse();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void changingOneCharacterOfTheKeyFails(SeededCases.Case k) {
        Random rnd = k.random();
        Client c = client(rnd);
        int at = rnd.nextInt(0, 128);
        int delta = rnd.nextInt(1, 95);
        int i = at % c.key().length();
        char changed = (char) (' ' + ((c.key().charAt(i) - ' ' + delta) % 95));
        String serverKey = c.key().substring(0, i) + changed + c.key().substring(i + 1);
        assertSignatureFailure(c.verify(c.asSent(), serverKey));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void aDateOutsideTheWindowFails(SeededCases.Case k) {
        Random rnd = k.random();
        Client c = client(rnd);
        int skew = rnd.nextBoolean() ? rnd.nextInt(-86_400 * 30, -901) : rnd.nextInt(901, 86_400 * 30 + 1);
        Client late = new Client(
                c.key(),
                c.body(),
                c.contentType(),
                c.method(),
                c.target(),
                c.now(),
                skew,
                c.dateForm(),
                c.md5Choice(),
                c.upperMd5());
        Wps2Verifier.Result r = late.verify(late.asSent());
        assertThat(r.ok()).isFalse();
        assertThat(r.failure().code()).isEqualTo(ErrorCode.INVALID_SIGNATURE);
        assertThat(r.failure().hint()).isEqualTo(Wps2Verifier.HINT_DATE);
    }

    // ---------------------------------------------------------------- the signer itself

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void signatureIsLowercaseSha1OfTheConcatenation(SeededCases.Case k) {
        Random rnd = k.random();
        String key = appKey(rnd);
        String ct = contentType(rnd);
        Instant t = now(rnd);
        byte[] body = body(rnd);
        String md5 = Hex.md5(body);
        String date = HttpDates.format(t);
        String sig = Wps2Signer.signature(key, md5, ct, date);
        assertThat(sig).matches("[0-9a-f]{40}");
        assertThat(sig).isEqualTo(Hex.sha1((key + md5 + ct + date).getBytes(StandardCharsets.UTF_8)));
        assertThat(Wps2Signer.authorization(APP_ID, key, md5, ct, date)).isEqualTo("WPS-2:" + APP_ID + ":" + sig);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void methodAndTargetAreNotSignedForANonEmptyBody(SeededCases.Case k) {
        Random rnd = k.random();
        Client c = drawUntil(rnd, Wps2PropertiesTest::client, cl -> !cl.bodyEmpty());
        String method = method(rnd);
        String target = target(rnd);
        Wps2Verifier.SignedRequest moved = new Wps2Verifier.SignedRequest(
                method,
                target,
                "WPS-2:" + APP_ID + ":" + c.signature(),
                c.date(),
                c.contentMd5(),
                c.contentType(),
                false,
                "");
        assertThat(c.accepted(moved, c.body(), c.key())).isTrue();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void emptyBodyCandidatesIncludeTheDocumentedForms(SeededCases.Case k) {
        String target = target(k.random());
        int q = target.indexOf('?');
        String path = q < 0 ? target : target.substring(0, q);
        assertThat(Wps2Verifier.emptyBodyCandidates(target, ""))
                .contains(Wps2Signer.EMPTY_MD5, utf8Md5(path), utf8Md5(target))
                .allMatch(s -> s.matches("[0-9a-f]{32}"));
        assertThat(Wps2Verifier.emptyBodyCandidates(target, "/p"))
                .contains(
                        Wps2Signer.EMPTY_MD5,
                        utf8Md5(path),
                        utf8Md5(target),
                        utf8Md5("/p" + path),
                        utf8Md5("/p" + target));
    }
}
