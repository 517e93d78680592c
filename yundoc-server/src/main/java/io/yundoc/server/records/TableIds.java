package io.yundoc.server.records;

/**
 * Field, view and record ids of docs/api-families.md §F2.1: drawn per table from {@code [A-Za-z]{1,4}} by a counter
 * that never goes back (bijective base 52: 1 → A, 2 → B, 52 → z, 53 → AA), so ids are never reused and the documented
 * examples ({@code B}, {@code PP}) can be reached. Paging cursors reuse the alphabet with a {@code 0} separator.
 */
public final class TableIds {
    static final String ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    /** The last counter value that still fits in four letters. */
    static final long MAX = 52L + 52L * 52 + 52L * 52 * 52 + 52L * 52 * 52 * 52;

    private TableIds() {}

    static String encode(long n) {
        if (n < 1) {
            throw new IllegalArgumentException("ids start at 1");
        }
        StringBuilder b = new StringBuilder();
        while (n > 0) {
            n--;
            b.append(ALPHABET.charAt((int) (n % 52)));
            n /= 52;
        }
        return b.reverse().toString();
    }

    /** The counter behind an id, or -1 when {@code s} is no id. */
    static long decode(String s) {
        if (s == null || s.isEmpty() || s.length() > 6) {
            return -1;
        }
        long n = 0;
        for (int i = 0; i < s.length(); i++) {
            int d = ALPHABET.indexOf(s.charAt(i));
            if (d < 0) {
                return -1;
            }
            n = n * 52 + d + 1;
        }
        return n;
    }

    /** True for a well-formed id ({@code [A-Za-z]{1,4}}); anything else cannot name a field, view or record. */
    public static boolean wellFormed(String s) {
        return s != null && s.length() >= 1 && s.length() <= 4 && decode(s) > 0;
    }

    /** A paging cursor: the next record's position and how many records were handed out before it. */
    record Cursor(long seq, long returned) {
        String encode() {
            return TableIds.encode(seq) + "0" + TableIds.encode(returned + 1);
        }

        /** The cursor, or null when {@code s} was not issued by {@link #encode}. */
        static Cursor decode(String s) {
            int zero = s.indexOf('0');
            if (zero <= 0 || zero == s.length() - 1 || s.length() > 20) {
                return null;
            }
            long seq = TableIds.decode(s.substring(0, zero));
            long n = TableIds.decode(s.substring(zero + 1));
            return seq < 1 || n < 1 ? null : new Cursor(seq, n - 1);
        }
    }
}
