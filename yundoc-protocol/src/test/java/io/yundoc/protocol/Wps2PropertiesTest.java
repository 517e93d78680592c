package io.yundoc.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Assume;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/**
 * Properties of WPS-2 (api.md §3.4, "What WPS-2 does not protect"): a correctly signed request verifies, every client
 * variant the document lists verifies, and changing the body, Content-Md5, a signed Content-Type, Date or the key
 * makes verification fail.
 */
class Wps2PropertiesTest {

    private static final String APP_ID = "SX20220101ABCDEF";
    private static final Duration WINDOW = Duration.ofMinutes(15);
    private static final Wps2Verifier VERIFIER = new Wps2Verifier(WINDOW);
    /** 2001-01-01 .. 2068-12-31, so that the two-digit RFC 850 year maps back to the same century. */
    private static final long MIN_MILLIS = Instant.parse("2001-01-01T00:00:00Z").toEpochMilli();
    private static final long MAX_MILLIS = Instant.parse("2068-12-31T00:00:00Z").toEpochMilli();

    /** The date forms step 4 accepts; a client may send any of them, signed as sent. */
    enum DateForm {
        RFC1123_GMT, RFC1123_UTC, RFC1123_UT, RFC1123_Z, OFFSET_PLUS_0800, OFFSET_MINUS_0130, ONE_DIGIT_DAY,
        NO_WEEKDAY, WRONG_WEEKDAY, RFC850, ASCTIME, HTTP_DATES_FORMAT;

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
                case WRONG_WEEKDAY -> fmt("EEE", ZoneOffset.UTC, t.plus(Duration.ofDays(3)))
                        + fmt(", dd MMM yyyy HH:mm:ss 'GMT'", ZoneOffset.UTC, t);
                case RFC850 -> fmt("EEEE, dd-MMM-yy HH:mm:ss 'GMT'", ZoneOffset.UTC, t);
                case ASCTIME -> fmt("EEE MMM ppd HH:mm:ss yyyy", ZoneOffset.UTC, t);
                case HTTP_DATES_FORMAT -> HttpDates.format(t);
            };
        }

        private static String fmt(String pattern, ZoneOffset zone, Instant t) {
            return DateTimeFormatter.ofPattern(pattern, Locale.ENGLISH).withZone(zone).format(t);
        }
    }

    /** What the client signs and sends. */
    record Client(String key, byte[] body, String contentType, String method, String target, Instant now,
                  int skewSeconds, DateForm dateForm, int md5Choice, boolean upperMd5) {

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
            return new Wps2Verifier.SignedRequest(method, target, authorization, date, contentMd5, contentType,
                    bodyEmpty(), "");
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
            Wps2Verifier.SignedRequest r = new Wps2Verifier.SignedRequest(sent.method(), sent.rawTarget(),
                    sent.authorization(), sent.date(), sent.contentMd5(), sent.contentType(), receivedBody.length == 0,
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

    @Provide
    Arbitrary<String> appKeys() {
        return Arbitraries.strings().withCharRange(' ', '~').ofMinLength(16).ofMaxLength(128);
    }

    @Provide
    Arbitrary<byte[]> bodies() {
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(1, Arbitraries.just(new byte[0])),
                net.jqwik.api.Tuple.of(3, Arbitraries.bytes().array(byte[].class).ofMinSize(1).ofMaxSize(2048)));
    }

    @Provide
    Arbitrary<String> contentTypes() {
        Arbitrary<String> token = Arbitraries.strings().withCharRange('a', 'z').withChars('-', '.', '+')
                .ofMinLength(1).ofMaxLength(16);
        Arbitrary<String> param = Arbitraries.of("", ";charset=utf-8", "; charset=UTF-8", ";charset=gbk",
                "; boundary=----WebKitFormBoundary7MA4YWxkTrZu0gW", "; boundary=yundoc-test-boundary");
        Arbitrary<String> generated = Combinators.combine(token, token, param).as((t, s, p) -> t + "/" + s + p);
        Arbitrary<String> printable = Arbitraries.strings().withCharRange('!', '~').ofMinLength(1).ofMaxLength(60);
        Arbitrary<String> known = Arbitraries.of("", "application/json", "application/json;charset=utf-8",
                "application/json; charset=utf-8", "application/x-www-form-urlencoded", "text/plain",
                "multipart/form-data; boundary=yundoc-test-boundary", "application/octet-stream");
        return Arbitraries.oneOf(known, generated, printable);
    }

    @Provide
    Arbitrary<String> methods() {
        return Arbitraries.of("GET", "HEAD", "POST", "PUT", "DELETE", "PATCH");
    }

    @Provide
    Arbitrary<String> writeMethods() {
        return Arbitraries.of("POST", "PUT", "DELETE", "PATCH");
    }

    @Provide
    Arbitrary<String> targets() {
        Arbitrary<String> segment = Arbitraries.strings().withCharRange('a', 'z').withCharRange('A', 'Z')
                .withCharRange('0', '9').withChars('_', '-', '%', '.', '~').ofMinLength(1).ofMaxLength(24);
        Arbitrary<String> path = segment.list().ofMinSize(1).ofMaxSize(4)
                .map(l -> "/api/v1/openapi/appspace/" + String.join("/", l));
        Arbitrary<String> query = Arbitraries.strings().withCharRange('a', 'z').withChars('=', '&', '%', '+', '2', 'B')
                .ofMinLength(0).ofMaxLength(30);
        return Combinators.combine(path, query, Arbitraries.of(true, false))
                .as((p, q, hasQuery) -> hasQuery ? p + "?" + q : p);
    }

    @Provide
    Arbitrary<Instant> nows() {
        return Arbitraries.longs().between(MIN_MILLIS, MAX_MILLIS).map(Instant::ofEpochMilli);
    }

    @Provide
    Arbitrary<Client> clients() {
        Arbitrary<Client> firstHalf = Combinators.combine(appKeys(), bodies(), contentTypes(), methods(), targets(), nows())
                .as((k, b, ct, m, t, n) -> new Client(k, b, ct, m, t, n, 0, DateForm.RFC1123_GMT, 0, false));
        return Combinators.combine(firstHalf, Arbitraries.integers().between(-899, 899),
                        Arbitraries.of(DateForm.class), Arbitraries.integers().between(0, 2), Arbitraries.of(true, false))
                .as((c, skew, form, md5Choice, upper) -> new Client(c.key(), c.body(), c.contentType(), c.method(),
                        c.target(), c.now(), skew, form, md5Choice, upper));
    }

    // ---------------------------------------------------------------- a correct request verifies

    @Property
    void correctlySignedRequestVerifies(@ForAll("clients") Client c) {
        Wps2Verifier.Result r = c.verify(c.asSent());
        assertThat(r.failure()).isNull();
        assertThat(r.appId()).isEqualTo(APP_ID);
        assertThat(c.accepted(c.asSent(), c.body(), c.key())).isTrue();
    }

    @Property
    void everyClientVariantVerifies(@ForAll("clients") Client c,
                                    @ForAll boolean upperHex,
                                    @ForAll("prefixes") String prefix,
                                    @ForAll @IntRange(min = 0, max = 3) int pad) {
        String sig = c.signature();
        String sent = upperHex ? sig.toUpperCase(Locale.ROOT) : sig.toLowerCase(Locale.ROOT);
        String ws = " ".repeat(pad);
        Wps2Verifier.SignedRequest r = c.request(ws + prefix + APP_ID + ":" + sent + ws,
                ws + c.date() + ws, ws + c.contentMd5() + ws, c.contentType().isEmpty() ? "" : ws + c.contentType() + ws);
        assertThat(c.accepted(r, c.body(), c.key())).isTrue();
    }

    @Provide
    Arbitrary<String> prefixes() {
        return Arbitraries.of("WPS-2:", "wps-2:", "Wps-2:", "wPS-2:");
    }

    @Property
    void charsetContentTypeIsSignedAsSent(@ForAll("clients") Client c,
                                          @ForAll("charsets") String charsetParam) {
        String ct = "application/json" + charsetParam;
        Client withCharset = new Client(c.key(), c.body(), ct, c.method(), c.target(), c.now(), c.skewSeconds(),
                c.dateForm(), c.md5Choice(), c.upperMd5());
        assertThat(withCharset.accepted(withCharset.asSent(), c.body(), c.key())).isTrue();
        // signing the type without its parameter does not verify a header that carries one
        String sigWithoutCharset = Wps2Signer.signature(c.key(), withCharset.contentMd5(), "application/json", withCharset.date());
        Wps2Verifier.SignedRequest stripped = withCharset.request("WPS-2:" + APP_ID + ":" + sigWithoutCharset,
                withCharset.date(), withCharset.contentMd5(), ct);
        assertSignatureFailure(withCharset.verify(stripped));
    }

    @Provide
    Arbitrary<String> charsets() {
        return Arbitraries.of(";charset=utf-8", ";charset=UTF-8", "; charset=utf-8", "; Charset=\"utf-8\"", ";charset=gbk");
    }

    @Property
    void getAndHeadSignedWithEmptyContentTypeVerifyWhateverTheHeaderSays(@ForAll("clients") Client c,
                                                                          @ForAll("contentTypes") String header,
                                                                          @ForAll boolean head) {
        Client get = new Client(c.key(), c.body(), "", head ? "HEAD" : "GET", c.target(), c.now(), c.skewSeconds(),
                c.dateForm(), c.md5Choice(), c.upperMd5());
        Wps2Verifier.SignedRequest r = get.request("WPS-2:" + APP_ID + ":" + get.signature(), get.date(),
                get.contentMd5(), header);
        assertThat(get.accepted(r, c.body(), c.key())).isTrue();
    }

    @Property
    void keyRotationAcceptsEitherKey(@ForAll("clients") Client c, @ForAll("appKeys") String otherKey, @ForAll boolean signedWithOld) {
        Assume.that(!otherKey.equals(c.key()));
        String[] serverKeys = signedWithOld ? new String[] {c.key(), otherKey} : new String[] {otherKey, c.key()};
        assertThat(c.accepted(c.asSent(), c.body(), serverKeys)).isTrue();
    }

    // ---------------------------------------------------------------- one change makes it fail

    @Property
    void changingTheBodyFails(@ForAll("clients") Client c, @ForAll("mutations") Mutation mutation) {
        byte[] received = mutation.apply(c.body());
        Assume.that(!java.util.Arrays.equals(received, c.body()));
        // the headers are untouched, so the header stage may pass; step 6 (or step 7) must refuse
        assertThat(c.accepted(c.asSent(), received, c.key())).isFalse();
        if (!c.bodyEmpty() && received.length > 0) {
            assertThat(Wps2Verifier.bodyMatches(c.contentMd5(), Hex.md5(received))).isFalse();
        }
    }

    record Mutation(int kind, int position, byte value) {
        byte[] apply(byte[] body) {
            if (body.length == 0 || kind == 0) {
                byte[] longer = java.util.Arrays.copyOf(body, body.length + 1);
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

    @Provide
    Arbitrary<Mutation> mutations() {
        return Combinators.combine(Arbitraries.integers().between(0, 3), Arbitraries.integers(), Arbitraries.bytes())
                .as(Mutation::new);
    }

    @Property
    void changingContentMd5Fails(@ForAll("clients") Client c, @ForAll("md5Changes") java.util.function.UnaryOperator<String> change) {
        String sent = change.apply(c.contentMd5());
        Assume.that(!sent.equals(c.contentMd5()));
        Wps2Verifier.SignedRequest r = c.request("WPS-2:" + APP_ID + ":" + c.signature(), c.date(), sent, c.contentType());
        assertSignatureFailure(c.verify(r));
        assertThat(c.accepted(r, c.body(), c.key())).isFalse();
    }

    @Provide
    Arbitrary<java.util.function.UnaryOperator<String>> md5Changes() {
        Arbitrary<java.util.function.UnaryOperator<String>> other = Arbitraries.bytes().array(byte[].class).ofMaxSize(64)
                .map(b -> s -> Hex.md5(b));
        Arbitrary<java.util.function.UnaryOperator<String>> flipCase = Arbitraries.just(s -> {
            String upper = s.toUpperCase(Locale.ROOT);
            return upper.equals(s) ? s.toLowerCase(Locale.ROOT) : upper;
        });
        Arbitrary<java.util.function.UnaryOperator<String>> emptyMd5 = Arbitraries.just(s -> Wps2Signer.EMPTY_MD5);
        Arbitrary<java.util.function.UnaryOperator<String>> absent = Arbitraries.just(s -> "");
        return Arbitraries.oneOf(other, flipCase, emptyMd5, absent);
    }

    @Property
    void changingASignedContentTypeFails(@ForAll("clients") Client c, @ForAll("writeMethods") String method,
                                         @ForAll("contentTypes") String sentType) {
        Assume.that(!sentType.strip().equals(c.contentType().strip()));
        Client post = new Client(c.key(), c.body(), c.contentType(), method, c.target(), c.now(), c.skewSeconds(),
                c.dateForm(), c.md5Choice(), c.upperMd5());
        Wps2Verifier.SignedRequest r = post.request("WPS-2:" + APP_ID + ":" + post.signature(), post.date(),
                post.contentMd5(), sentType);
        assertSignatureFailure(post.verify(r));
    }

    @Property
    void changingANonEmptySignedContentTypeFailsForGetToo(@ForAll("clients") Client c, @ForAll boolean head,
                                                          @ForAll("contentTypes") String sentType) {
        Assume.that(!c.contentType().isEmpty());
        Assume.that(!sentType.strip().equals(c.contentType().strip()));
        Client get = new Client(c.key(), c.body(), c.contentType(), head ? "HEAD" : "GET", c.target(), c.now(),
                c.skewSeconds(), c.dateForm(), c.md5Choice(), c.upperMd5());
        Wps2Verifier.SignedRequest r = get.request("WPS-2:" + APP_ID + ":" + get.signature(), get.date(),
                get.contentMd5(), sentType);
        assertSignatureFailure(get.verify(r));
    }

    @Property
    void changingTheDateToAnotherValidDateFails(@ForAll("clients") Client c,
                                                @ForAll @IntRange(min = -899, max = 899) int otherSkew,
                                                @ForAll("dateForms") DateForm otherForm) {
        String sentDate = otherForm.render(c.now().plusSeconds(otherSkew));
        Assume.that(!sentDate.equals(c.date()));
        // the new date is itself acceptable, so only the signature can refuse it
        assertThat(HttpDates.parse(sentDate)).isPresent();
        Wps2Verifier.SignedRequest r = c.request("WPS-2:" + APP_ID + ":" + c.signature(), sentDate, c.contentMd5(),
                c.contentType());
        assertSignatureFailure(c.verify(r));
    }

    @Provide
    Arbitrary<DateForm> dateForms() {
        return Arbitraries.of(DateForm.class);
    }

    @Property
    void changingTheKeyFails(@ForAll("clients") Client c, @ForAll("appKeys") String serverKey) {
        Assume.that(!serverKey.equals(c.key()));
        assertSignatureFailure(c.verify(c.asSent(), serverKey));
        assertThat(c.accepted(c.asSent(), c.body(), serverKey)).isFalse();
    }

    @Property
    void changingOneCharacterOfTheKeyFails(@ForAll("clients") Client c, @ForAll @IntRange(min = 0, max = 127) int at,
                                           @ForAll @IntRange(min = 1, max = 94) int delta) {
        int i = at % c.key().length();
        char changed = (char) (' ' + ((c.key().charAt(i) - ' ' + delta) % 95));
        String serverKey = c.key().substring(0, i) + changed + c.key().substring(i + 1);
        assertSignatureFailure(c.verify(c.asSent(), serverKey));
    }

    @Property
    void aDateOutsideTheWindowFails(@ForAll("clients") Client c, @ForAll("farSkews") int skew) {
        Client late = new Client(c.key(), c.body(), c.contentType(), c.method(), c.target(), c.now(), skew,
                c.dateForm(), c.md5Choice(), c.upperMd5());
        Wps2Verifier.Result r = late.verify(late.asSent());
        assertThat(r.ok()).isFalse();
        assertThat(r.failure().code()).isEqualTo(ErrorCode.INVALID_SIGNATURE);
        assertThat(r.failure().hint()).isEqualTo(Wps2Verifier.HINT_DATE);
    }

    @Provide
    Arbitrary<Integer> farSkews() {
        return Arbitraries.oneOf(Arbitraries.integers().between(-86_400 * 30, -902),
                Arbitraries.integers().between(901, 86_400 * 30));
    }

    // ---------------------------------------------------------------- the signer itself

    @Property
    void signatureIsLowercaseSha1OfTheConcatenation(@ForAll("appKeys") String key, @ForAll("contentTypes") String ct,
                                                    @ForAll("nows") Instant t, @ForAll("bodies") byte[] body) {
        String md5 = Hex.md5(body);
        String date = HttpDates.format(t);
        String sig = Wps2Signer.signature(key, md5, ct, date);
        assertThat(sig).matches("[0-9a-f]{40}");
        assertThat(sig).isEqualTo(Hex.sha1((key + md5 + ct + date).getBytes(StandardCharsets.UTF_8)));
        assertThat(Wps2Signer.authorization(APP_ID, key, md5, ct, date)).isEqualTo("WPS-2:" + APP_ID + ":" + sig);
    }

    @Property
    void methodAndTargetAreNotSignedForANonEmptyBody(@ForAll("clients") Client c, @ForAll("methods") String method,
                                                     @ForAll("targets") String target) {
        Assume.that(!c.bodyEmpty());
        Wps2Verifier.SignedRequest moved = new Wps2Verifier.SignedRequest(method, target,
                "WPS-2:" + APP_ID + ":" + c.signature(), c.date(), c.contentMd5(), c.contentType(), false, "");
        assertThat(c.accepted(moved, c.body(), c.key())).isTrue();
    }

    @Property
    void emptyBodyCandidatesIncludeTheDocumentedForms(@ForAll("targets") String target) {
        int q = target.indexOf('?');
        String path = q < 0 ? target : target.substring(0, q);
        assertThat(Wps2Verifier.emptyBodyCandidates(target, ""))
                .contains(Wps2Signer.EMPTY_MD5, utf8Md5(path), utf8Md5(target))
                .allMatch(s -> s.matches("[0-9a-f]{32}"));
        assertThat(Wps2Verifier.emptyBodyCandidates(target, "/p"))
                .contains(Wps2Signer.EMPTY_MD5, utf8Md5(path), utf8Md5(target), utf8Md5("/p" + path), utf8Md5("/p" + target));
    }
}
