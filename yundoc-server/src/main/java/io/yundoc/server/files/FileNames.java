package io.yundoc.server.files;

import io.yundoc.server.blob.ContentTypes;
import io.yundoc.server.core.ApiException;
import io.yundoc.server.core.DisplayText;
import java.text.Normalizer;
import java.util.Locale;
import java.util.Set;

/**
 * File name rules of api.md §5.1: NFC, 1–240 characters, no {@code \ / | " : * ? < >}, controls (C0, DEL, C1) or
 * bidirectional formatting characters ({@link io.yundoc.server.core.DisplayText}), not . or ..
 */
public final class FileNames {
    public static final int MAX = 240;
    public static final Set<String> ONLINE = Set.of("otl", "ksheet", "dbt");
    public static final Set<String> OFFICE = Set.of("docx", "xlsx", "pptx", "doc", "xls", "ppt");

    private FileNames() {}

    /** The NFC form of a valid name, else 10001. */
    public static String validate(String raw) {
        if (raw == null) {
            throw ApiException.invalid("file name is required");
        }
        String name = Normalizer.normalize(raw, Normalizer.Form.NFC);
        int len = name.codePointCount(0, name.length());
        if (len < 1 || len > MAX) {
            throw ApiException.invalid("file name must be 1 to " + MAX + " characters");
        }
        if (name.equals(".") || name.equals("..")) {
            throw ApiException.invalid("file name may not be . or ..");
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (DisplayText.forbidden(c) || "\\/|\":*?<>".indexOf(c) >= 0) {
                throw ApiException.invalid("file name contains a forbidden character");
            }
        }
        if (name.isBlank()) {
            throw ApiException.invalid("file name may not be blank");
        }
        return name;
    }

    /** The uniqueness key: names are unique per folder, compared case-insensitively. */
    public static String key(String name) {
        return name.toLowerCase(Locale.ROOT);
    }

    public static boolean isOnline(String name) {
        return ONLINE.contains(ContentTypes.extension(name));
    }

    /** {@code test.xlsx} with n=2 → {@code test(2).xlsx}. */
    public static String numbered(String name, int n) {
        int dot = name.lastIndexOf('.');
        if (dot <= 0) {
            return name + "(" + n + ")";
        }
        return name.substring(0, dot) + "(" + n + ")" + name.substring(dot);
    }
}
