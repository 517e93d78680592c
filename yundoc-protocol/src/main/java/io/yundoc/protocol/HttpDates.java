package io.yundoc.protocol;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Lenient parsing of HTTP dates for the WPS-2 {@code Date} header (api.md §3.4 step 4): RFC 1123 with
 * GMT/UTC/UT/Z or a numeric offset, a one-digit day, a wrong or missing weekday, RFC 850 and asctime.
 */
public final class HttpDates {
    private static final String[] MONTHS = {"jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"};
    // [weekday,] d Mon yyyy hh:mm:ss zone
    private static final Pattern RFC1123 = Pattern.compile(
            "^(?:[A-Za-z]{3,9},?\\s+)?(\\d{1,2})[\\s-]+([A-Za-z]{3})[\\s-]+(\\d{2}|\\d{4})\\s+(\\d{1,2}):(\\d{2}):(\\d{2})\\s*(GMT|UTC|UT|Z|[+-]\\d{4})?$",
            Pattern.CASE_INSENSITIVE);
    // asctime: Sun Nov  6 08:49:37 1994
    private static final Pattern ASCTIME = Pattern.compile(
            "^[A-Za-z]{3}\\s+([A-Za-z]{3})\\s+(\\d{1,2})\\s+(\\d{1,2}):(\\d{2}):(\\d{2})\\s+(\\d{4})$");
    private static final DateTimeFormatter RFC1123_OUT =
            DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.ROOT).withZone(ZoneOffset.UTC);

    private HttpDates() {
    }

    /** Formats an instant as an RFC 1123 date, the form clients should send. */
    public static String format(Instant instant) {
        return RFC1123_OUT.format(instant);
    }

    public static Optional<Instant> parse(String value) {
        if (value == null) {
            return Optional.empty();
        }
        String v = value.trim();
        if (v.isEmpty() || v.length() > 64) {
            return Optional.empty();
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
                return build(year, m.group(2), Integer.parseInt(m.group(1)), m.group(4), m.group(5), m.group(6), offsetSeconds);
            }
            m = ASCTIME.matcher(v);
            if (m.matches()) {
                return build(Integer.parseInt(m.group(6)), m.group(1), Integer.parseInt(m.group(2)), m.group(3), m.group(4), m.group(5), 0);
            }
        } catch (DateTimeException | NumberFormatException e) {
            return Optional.empty();
        }
        return Optional.empty();
    }

    private static Optional<Instant> build(int year, String mon, int day, String h, String mi, String s, int offsetSeconds) {
        int month = monthIndex(mon);
        if (month < 0) {
            return Optional.empty();
        }
        LocalDateTime t = LocalDateTime.of(year, month + 1, day, Integer.parseInt(h), Integer.parseInt(mi), Integer.parseInt(s));
        return Optional.of(t.toInstant(ZoneOffset.ofTotalSeconds(offsetSeconds)));
    }

    private static int monthIndex(String mon) {
        String m = mon.toLowerCase(Locale.ROOT);
        for (int i = 0; i < MONTHS.length; i++) {
            if (MONTHS[i].equals(m)) {
                return i;
            }
        }
        return -1;
    }
}
