package io.yundoc.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

/** The lenient Date parsing of api.md §3.4 step 4. */
@ExtendWith(SeededCases.ReplayHint.class)
class HttpDatesTest {

    private static final Instant T = Instant.parse("2013-01-23T06:43:08Z");

    private static final long MIN_MILLIS = Instant.parse("1000-01-01T00:00:00Z").toEpochMilli();
    private static final long MAX_MILLIS = Instant.parse("9999-12-31T23:59:59Z").toEpochMilli();

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            Wed, 23 Jan 2013 06:43:08 GMT     | 2013-01-23T06:43:08Z
            Wed, 23 Jan 2013 06:43:08 UTC     | 2013-01-23T06:43:08Z
            Wed, 23 Jan 2013 06:43:08 UT      | 2013-01-23T06:43:08Z
            Wed, 23 Jan 2013 06:43:08 Z       | 2013-01-23T06:43:08Z
            Wed, 23 Jan 2013 06:43:08 +0000   | 2013-01-23T06:43:08Z
            Wed, 23 Jan 2013 14:43:08 +0800   | 2013-01-23T06:43:08Z
            Wed, 23 Jan 2013 06:43:08 +0800   | 2013-01-22T22:43:08Z
            Wed, 23 Jan 2013 05:13:08 -0130   | 2013-01-23T06:43:08Z
            Wed, 23 Jan 2013 06:43:08 -0130   | 2013-01-23T08:13:08Z
            Wed, 23 Jan 2013 06:43:08 +1400   | 2013-01-22T16:43:08Z
            Wed, 23 Jan 2013 06:43:08 -1200   | 2013-01-23T18:43:08Z
            wed, 23 jan 2013 06:43:08 gmt     | 2013-01-23T06:43:08Z
            WED, 23 JAN 2013 06:43:08 GMT     | 2013-01-23T06:43:08Z
            Thu, 3 Jan 2013 06:43:08 GMT      | 2013-01-03T06:43:08Z
            Thu, 03 Jan 2013 06:43:08 GMT     | 2013-01-03T06:43:08Z
            Mon, 23 Jan 2013 06:43:08 GMT     | 2013-01-23T06:43:08Z
            Sun, 23 Jan 2013 06:43:08 GMT     | 2013-01-23T06:43:08Z
            23 Jan 2013 06:43:08 GMT          | 2013-01-23T06:43:08Z
            3 Jan 2013 06:43:08 GMT           | 2013-01-03T06:43:08Z
            Wednesday, 23 Jan 2013 06:43:08 GMT | 2013-01-23T06:43:08Z
            Wednesday, 23-Jan-13 06:43:08 GMT | 2013-01-23T06:43:08Z
            Sunday, 06-Nov-94 08:49:37 GMT    | 1994-11-06T08:49:37Z
            Wed Jan 23 06:43:08 2013          | 2013-01-23T06:43:08Z
            Sun Nov  6 08:49:37 1994          | 1994-11-06T08:49:37Z
            Sun Nov 6 08:49:37 1994           | 1994-11-06T08:49:37Z
            Sun, 06 Nov 1994 08:49:37 GMT     | 1994-11-06T08:49:37Z
            Tue, 29 Feb 2028 23:59:59 GMT     | 2028-02-29T23:59:59Z
            Fri, 31 Dec 1999 23:59:59 GMT     | 1999-12-31T23:59:59Z
            """)
    void parsesTheAcceptedForms(String value, String expected) {
        assertThat(HttpDates.parse(value)).contains(Instant.parse(expected));
    }

    @Test
    void surroundingWhitespaceIsIgnored() {
        assertThat(HttpDates.parse("  Wed, 23 Jan 2013 06:43:08 GMT\t")).contains(T);
    }

    @Test
    void wrongWeekdayIsIgnored() {
        for (String day : new String[] {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun", "Xyz"}) {
            assertThat(HttpDates.parse(day + ", 23 Jan 2013 06:43:08 GMT"))
                    .as(day)
                    .contains(T);
        }
    }

    @Test
    void monthNamesAreAsciiLetters() {
        // U+017F (long s) upper-cases to 'S' and U+212A (Kelvin sign) lower-cases to 'k': neither names a month
        assertThat(HttpDates.parse("Mon, 23 \u017Fep 2013 06:43:08 GMT")).isEmpty();
        assertThat(HttpDates.parse("Mon, 23 \u017FEP 2013 06:43:08 GMT")).isEmpty();
        assertThat(HttpDates.parse("Mon, 23 sEP 2013 06:43:08 GMT")).isPresent();
        assertThat(HttpDates.parse("Mon, 23 S\u00C9p 2013 06:43:08 GMT")).isEmpty();
    }

    @Test
    void allTwelveMonths() {
        String[] months = {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
        for (int i = 0; i < months.length; i++) {
            Instant expected = Instant.parse(String.format("2013-%02d-05T06:43:08Z", i + 1));
            assertThat(HttpDates.parse("Sat, 05 " + months[i] + " 2013 06:43:08 GMT"))
                    .as(months[i])
                    .contains(expected);
        }
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(
            strings = {
                " ",
                "\t\t",
                "garbage",
                "yesterday",
                "2013-01-23T06:43:08Z",
                "2013-01-23 06:43:08",
                "1358923388",
                "Wed, 23 Jan 2013",
                "Wed, 23 Jan 2013 06:43 GMT",
                "Wed, 32 Jan 2013 06:43:08 GMT",
                "Wed, 00 Jan 2013 06:43:08 GMT",
                "Wed, 30 Feb 2013 06:43:08 GMT",
                "Wed, 23 Foo 2013 06:43:08 GMT",
                "Wed, 23 January 2013 06:43:08 GMT",
                "Wed, 23 Jan 2013 24:43:08 GMT",
                "Wed, 23 Jan 2013 06:60:08 GMT",
                "Wed, 23 Jan 2013 06:43:61 GMT",
                "Wed, 23 Jan 2013 06:43:08 +1500",
                "Wed, 23 Jan 2013 06:43:08 +0860",
                "Wed, 23 Jan 2013 06:43:08 +08:00",
                "Wed, 23 Jan 2013 06:43:08 PST",
                "Wed, 23 Jan 2013 06:43:08 GMT garbage",
                "Wed, 23 Jan 13013 06:43:08 GMT",
                "Wed, 23 Jan 201 06:43:08 GMT",
                "Wed, 123 Jan 2013 06:43:08 GMT",
                "Wed Jan 23 06:43:08 13",
                "Wed Foo 23 06:43:08 2013",
            })
    void rejectsGarbage(String value) {
        assertThat(HttpDates.parse(value)).isEmpty();
    }

    @Test
    void rejectsOverlongValues() {
        String longWeekdayPadding = "Wed," + " ".repeat(60) + "23 Jan 2013 06:43:08 GMT";
        assertThat(longWeekdayPadding.strip().length()).isGreaterThan(64);
        assertThat(HttpDates.parse(longWeekdayPadding)).isEmpty();
        assertThat(HttpDates.parse("x".repeat(100_000))).isEmpty();
        assertThat(HttpDates.parse("Wed, 23 Jan 2013 06:43:08 GMT" + " +0000".repeat(20)))
                .isEmpty();
        assertThat(HttpDates.parse("9".repeat(10_000) + " Jan 2013 06:43:08 GMT"))
                .isEmpty();
    }

    @Test
    void rejectsHugeNumbersWithoutThrowing() {
        assertThat(HttpDates.parse("Wed, 99 Jan 2013 99:99:99 GMT")).isEmpty();
        assertThat(HttpDates.parse("Wed Jan 99 99:99:99 9999")).isEmpty();
    }

    @Test
    void twoDigitYearsOfRfc850() {
        assertThat(HttpDates.parse("Thursday, 01-Jan-70 00:00:00 GMT")).contains(Instant.parse("1970-01-01T00:00:00Z"));
        assertThat(HttpDates.parse("Saturday, 31-Dec-69 23:59:59 GMT")).contains(Instant.parse("2069-12-31T23:59:59Z"));
        assertThat(HttpDates.parse("Saturday, 01-Jan-00 00:00:00 GMT")).contains(Instant.parse("2000-01-01T00:00:00Z"));
    }

    @Test
    void formatIsRfc1123WithGmt() {
        assertThat(HttpDates.format(T)).isEqualTo("Wed, 23 Jan 2013 06:43:08 GMT");
        assertThat(HttpDates.format(Instant.parse("2013-01-03T06:43:08Z"))).isEqualTo("Thu, 03 Jan 2013 06:43:08 GMT");
        assertThat(HttpDates.format(Instant.parse("1994-11-06T08:49:37.999Z")))
                .isEqualTo("Sun, 06 Nov 1994 08:49:37 GMT");
        assertThat(HttpDates.format(Instant.EPOCH)).isEqualTo("Thu, 01 Jan 1970 00:00:00 GMT");
    }

    @Test
    void formatRoundTripsTheVectorDate() {
        assertThat(HttpDates.parse(HttpDates.format(T))).contains(T);
    }

    static Stream<SeededCases.Case> cases() {
        return SeededCases.cases(1000);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void formatThenParseRoundTripsToTheSecond(SeededCases.Case k) {
        Instant t = Instant.ofEpochMilli(k.random().nextLong(MIN_MILLIS, MAX_MILLIS + 1));
        String formatted = HttpDates.format(t);
        assertThat(formatted)
                .matches("(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \\d{2} "
                        + "(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \\d{4} \\d{2}:\\d{2}:\\d{2} GMT");
        assertThat(HttpDates.parse(formatted)).contains(t.truncatedTo(ChronoUnit.SECONDS));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void parseNeverThrows(SeededCases.Case k) {
        assertThat(HttpDates.parse(SeededCases.anyString(k.random()))).isNotNull();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void parseNeverThrowsOnDateLikeNoise(SeededCases.Case k) {
        String s = SeededCases.string(k.random(), "0123456789 :,-+JanFebGMTWedZUT", 0, 40);
        assertThat(HttpDates.parse(s)).isNotNull();
    }

    /**
     * Recent values are remembered: repeating one, alternating two values, a value that does not parse and callers on
     * many threads at once must each get what a fresh parse gives.
     */
    @Test
    void aRememberedValueNeverAnswersForAnother() throws Exception {
        String a = "Wed, 23 Jan 2013 06:43:08 GMT";
        String b = "Wed, 23 Jan 2013 06:43:09 GMT";
        String bad = "Wed, 32 Jan 2013 06:43:08 GMT";
        for (int i = 0; i < 3; i++) {
            assertThat(HttpDates.parse(a)).contains(T);
            assertThat(HttpDates.parse(a)).contains(T);
            assertThat(HttpDates.parse(b)).contains(T.plusSeconds(1));
            assertThat(HttpDates.parse(bad)).isEmpty();
            assertThat(HttpDates.parse(" " + a)).contains(T);
            assertThat(HttpDates.parse("")).isEmpty();
        }
        List<Thread> threads = new ArrayList<>();
        AtomicInteger wrong = new AtomicInteger();
        for (int t = 0; t < 8; t++) {
            int offset = t;
            threads.add(Thread.ofPlatform().start(() -> {
                for (int i = 0; i < 20_000; i++) {
                    int second = (offset + i) % 60;
                    String v = String.format("Wed, 23 Jan 2013 06:44:%02d GMT", second);
                    Instant expected = T.plusSeconds(52 + second);
                    if (!HttpDates.parse(v).equals(Optional.of(expected))) {
                        wrong.incrementAndGet();
                    }
                }
            }));
        }
        for (Thread t : threads) {
            t.join();
        }
        assertThat(wrong).hasValue(0);
    }
}
