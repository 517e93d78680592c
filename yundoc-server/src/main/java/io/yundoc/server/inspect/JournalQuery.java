package io.yundoc.server.inspect;

import io.yundoc.server.core.ApiException;
import java.util.Locale;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * A filter over the journal, from the same parameters on {@code GET /admin/v1/requests} and the inspector page:
 * {@code method}, {@code path} (substring), {@code app_id}, {@code user_id}, {@code status}, {@code code}, {@code limit}.
 */
record JournalQuery(String method, String path, String appId, String userId, Integer status, Integer code, int limit)
        implements Predicate<RequestJournal.Entry> {

    static JournalQuery parse(Function<String, String> param, int capacity) {
        return new JournalQuery(
                blank(param.apply("method")),
                blank(param.apply("path")),
                blank(param.apply("app_id")),
                blank(param.apply("user_id")),
                number(param.apply("status"), "status"),
                number(param.apply("code"), "code"),
                limit(param.apply("limit"), capacity));
    }

    private static String blank(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }

    private static Integer number(String s, String name) {
        if (s == null || s.isBlank()) {
            return null;
        }
        try {
            return Integer.parseInt(s.strip());
        } catch (NumberFormatException e) {
            throw ApiException.invalid(name + " must be a number");
        }
    }

    private static int limit(String s, int capacity) {
        Integer n = number(s, "limit");
        if (n == null) {
            return Math.min(100, capacity);
        }
        if (n < 1) {
            throw ApiException.invalid("limit must be positive");
        }
        return Math.min(n, capacity);
    }

    @Override
    public boolean test(RequestJournal.Entry e) {
        return (method == null || method.equalsIgnoreCase(e.method()))
                && (path == null || e.path().toLowerCase(Locale.ROOT).contains(path.toLowerCase(Locale.ROOT)))
                && (appId == null || appId.equals(e.appId()))
                && (userId == null || userId.equals(e.userId()))
                && (status == null || status == e.status())
                && (code == null || code.equals(e.code()));
    }
}
