package io.yundoc.protocol;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Lenient parsing of HTTP dates for the WPS-2 {@code Date} header (api.md §3.4 step 4): RFC 1123 with
 * GMT/UTC/UT/Z or a numeric offset, a one-digit day, a wrong or missing weekday, RFC 850 and asctime.
 */
public final class HttpDates {
    private static final String[] MONTHS = {
        "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"
    };
    // [weekday,] d Mon yyyy hh:mm:ss zone
    private static final Pattern RFC1123 = Pattern.compile(
            "^(?:[A-Za-z]{3,9},?\\s+)?(\\d{1,2})[\\s-]+([A-Za-z]{3})[\\s-]+(\\d{2}|\\d{4})\\s+(\\d{1,2}):(\\d{2}):(\\d{2})\\s*(GMT|UTC|UT|Z|[+-]\\d{4})?$",
            Pattern.CASE_INSENSITIVE);
    // asctime: Sun Nov  6 08:49:37 1994
    private static final Pattern ASCTIME =
            Pattern.compile("^[A-Za-z]{3}\\s+([A-Za-z]{3})\\s+(\\d{1,2})\\s+(\\d{1,2}):(\\d{2}):(\\d{2})\\s+(\\d{4})$");
    private static final DateTimeFormatter RFC1123_OUT = DateTimeFormatter.ofPattern(
                    "EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.ROOT)
            .withZone(ZoneOffset.UTC);

    /**
     * Values parsed lately, by hash: clients send one {@code Date} for all their requests of a second, so most signed
     * requests repeat a value seen just before, and several clients at once still find theirs. Each slot holds one
     * immutable pair; a race only costs a parse.
     */
    private static final AtomicReferenceArray<Parsed> RECENT = new AtomicReferenceArray<>(32);

    private record Parsed(String value, Optional<Instant> instant) {}

    private HttpDates() {}

    /** Formats an instant as an RFC 1123 date, the form clients should send. */
    public static String format(Instant instant) {
        return RFC1123_OUT.format(instant);
    }

    public static Optional<Instant> parse(String value) {
        if (value == null) {
            return Optional.empty();
        }
        int slot = value.hashCode() & (RECENT.length() - 1);
        Parsed p = RECENT.get(slot);
        if (p != null && p.value().equals(value)) {
            return p.instant();
        }
        Optional<Instant> instant = parseUncached(value);
        RECENT.set(slot, new Parsed(value, instant));
        return instant;
    }

    private static Optional<Instant> parseUncached(String value) {
        String v = value.trim();
        if (v.isEmpty() || v.length() > 64) {
            return Optional.empty();
        }
        Optional<Instant> fixed = imfFixdate(v);
        if (fixed != null) {
            return fixed;
        }
        try {
            Matcher m = RFC1123.matcher(v);
            if (m.matches()) {
                int year = Integer.parseInt(m.group(3));
                if (m.group(3).length() == 2) {
                    year += year < 70 ? 2000 : 1900; // RFC 850 two-digit years
                }
                int offsetSeconds = 0;
                String zone = m.group(7);
                if (zone != null && (zone.startsWith("+") || zone.startsWith("-"))) {
                    int hh = Integer.parseInt(zone.substring(1, 3));
                    int mm = Integer.parseInt(zone.substring(3, 5));
                    if (hh > 14 || mm > 59) {
                        return Optional.empty();
                    }
                    offsetSeconds = (hh * 3600 + mm * 60) * (zone.charAt(0) == '-' ? -1 : 1);
                }
                return build(
                        year,
                        m.group(2),
                        Integer.parseInt(m.group(1)),
                        m.group(4),
                        m.group(5),
                        m.group(6),
                        offsetSeconds);
            }
            m = ASCTIME.matcher(v);
            if (m.matches()) {
                return build(
                        Integer.parseInt(m.group(6)),
                        m.group(1),
                        Integer.parseInt(m.group(2)),
                        m.group(3),
                        m.group(4),
                        m.group(5),
                        0);
            }
        } catch (DateTimeException | NumberFormatException e) {
            return Optional.empty();
        }
        return Optional.empty();
    }

    /**
     * The preferred form, {@code Wed, 23 Jan 2013 06:43:08 GMT} (fixed positions), read without a regex since every
     * signed request carries one; null hands anything else to the lenient parser.
     */
    private static Optional<Instant> imfFixdate(String v) {
        if (v.length() != 29
                || v.charAt(3) != ','
                || v.charAt(4) != ' '
                || v.charAt(7) != ' '
                || v.charAt(11) != ' '
                || v.charAt(16) != ' '
                || v.charAt(19) != ':'
                || v.charAt(22) != ':'
                || v.charAt(25) != ' '
                || !v.endsWith("GMT")) {
            return null;
        }
        int day = digits(v, 5, 2);
        int year = digits(v, 12, 4);
        int hour = digits(v, 17, 2);
        int minute = digits(v, 20, 2);
        int second = digits(v, 23, 2);
        int month = monthIndex(v, 8);
        if (day < 0 || year < 0 || hour < 0 || minute < 0 || second < 0 || month < 0) {
            return null;
        }
        try {
            return Optional.of(
                    LocalDateTime.of(year, month + 1, day, hour, minute, second).toInstant(ZoneOffset.UTC));
        } catch (DateTimeException e) {
            return Optional.empty();
        }
    }

    private static int digits(String v, int from, int count) {
        int n = 0;
        for (int i = from; i < from + count; i++) {
            char c = v.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            n = n * 10 + (c - '0');
        }
        return n;
    }

    private static Optional<Instant> build(
            int year, String mon, int day, String h, String mi, String s, int offsetSeconds) {
        int month = mon.length() == 3 ? monthIndex(mon, 0) : -1;
        if (month < 0) {
            return Optional.empty();
        }
        LocalDateTime t =
                LocalDateTime.of(year, month + 1, day, Integer.parseInt(h), Integer.parseInt(mi), Integer.parseInt(s));
        return Optional.of(t.toInstant(ZoneOffset.ofTotalSeconds(offsetSeconds)));
    }

    /** The month named by the three letters at {@code at}, either case (ASCII only), read in place: no copy. */
    private static int monthIndex(String v, int at) {
        char a = lowerAscii(v.charAt(at));
        char b = lowerAscii(v.charAt(at + 1));
        char c = lowerAscii(v.charAt(at + 2));
        for (int i = 0; i < MONTHS.length; i++) {
            String m = MONTHS[i];
            if (m.charAt(0) == a && m.charAt(1) == b && m.charAt(2) == c) {
                return i;
            }
        }
        return -1;
    }

    private static char lowerAscii(char c) {
        return c >= 'A' && c <= 'Z' ? (char) (c + ('a' - 'A')) : c;
    }
}
