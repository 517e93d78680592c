package io.yundoc.server.core;

/**
 * The characters no name may hold, wherever names enter (files, folders, apps, users, fixtures): C0 and C1 controls
 * and DEL, which terminals and logs interpret, and the bidirectional embeddings, overrides and isolates
 * (U+202A–U+202E, U+2066–U+2069), which make a name display differently from what it is ("exe.txt" shown for
 * "txt.exe", CVE-2021-42574).
 */
public final class DisplayText {
    private DisplayText() {}

    /** True when {@code s} holds a character refused in names. */
    public static boolean hasForbidden(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (forbidden(s.charAt(i))) {
                return true;
            }
        }
        return false;
    }

    public static boolean forbidden(char c) {
        return c < 0x20 || (c >= 0x7f && c <= 0x9f) || (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069);
    }

    /** {@code value} itself, or 10001 naming {@code field} when it holds a refused character. */
    public static String require(String field, String value) {
        if (value != null && hasForbidden(value)) {
            throw ApiException.invalid(field + " contains a control or bidirectional formatting character");
        }
        return value;
    }
}
