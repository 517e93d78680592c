package io.yundoc.server.api;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Which route takes a request: the first one registered whose method is the request's and whose template matches the
 * decoded path, segment by segment, a {@code :name} segment taking one non-empty segment. These are the rules
 * Helidon's routing applied with one regular expression per route, tried in turn (7 % of the signed route's samples,
 * 21 % of an unmatched request's, docs/benchmarks.md); here a literal path is one map look-up and only the
 * templates of the request's method and segment count are compared. {@code RouteIndexTest} holds the two to the same
 * answers.
 *
 * @param <R> what a route is to the caller
 */
final class RouteIndex<R> {
    /** A route that took a request, with its parameters' values in the order of {@link #parameterNames}. */
    static final class Match<R> {
        private final R route;
        private final String[] values;

        Match(R route, String[] values) {
            this.route = route;
            this.values = values;
        }

        R route() {
            return route;
        }

        /** The parameters' values: a new array per match (empty for a route without parameters). */
        String[] values() {
            return values;
        }
    }

    /** The values of a route without parameters. */
    static final String[] NO_VALUES = new String[0];

    /** A template with parameters: its literal segments, {@code null} where a parameter is. */
    private static final class Template<R> {
        final int order;
        final String[] literals;
        /** How many of {@link #literals} are parameters (null). */
        final int parameters;

        final R route;

        Template(int order, String[] literals, int parameters, R route) {
            this.order = order;
            this.literals = literals;
            this.parameters = parameters;
            this.route = route;
        }
    }

    private record Literal<R>(int order, R route) {}

    /** The routes of one method. */
    private static final class ByMethod<R> {
        final Map<String, Literal<R>> literals = new HashMap<>();
        /** Templates with parameters by segment count, each list in registration order. */
        final List<List<Template<R>>> bySegments = new ArrayList<>();
    }

    private final Map<String, ByMethod<R>> methods = new HashMap<>();
    private int order;

    /**
     * Adds a route after those added before (an earlier route wins a request both match).
     *
     * @throws IllegalArgumentException for a template that is not a path of literal and {@code :name} segments
     */
    void add(String method, String template, R route) {
        String[] segments = segments(template);
        ByMethod<R> m = methods.computeIfAbsent(method, k -> new ByMethod<>());
        int at = order++;
        String[] literals = new String[segments.length];
        int parameters = 0;
        for (int i = 0; i < segments.length; i++) {
            if (isParameter(segments[i])) {
                parameters++;
            } else {
                literals[i] = segments[i];
            }
        }
        if (parameters == 0) {
            m.literals.putIfAbsent(template, new Literal<>(at, route));
            return;
        }
        while (m.bySegments.size() <= segments.length) {
            m.bySegments.add(new ArrayList<>());
        }
        m.bySegments.get(segments.length).add(new Template<>(at, literals, parameters, route));
    }

    /** The route for {@code method} and the decoded {@code path}, or null when none matches. */
    Match<R> match(String method, String path) {
        ByMethod<R> m = methods.get(method);
        if (m == null) {
            return null;
        }
        Literal<R> literal = m.literals.get(path);
        int count = segmentCount(path);
        if (count < m.bySegments.size()) {
            for (Template<R> t : m.bySegments.get(count)) {
                if (literal != null && literal.order() < t.order) {
                    break; // the literal route was registered first
                }
                String[] values = values(t, path);
                if (values != null) {
                    return new Match<>(t.route, values);
                }
            }
        }
        return literal == null ? null : new Match<>(literal.route(), NO_VALUES);
    }

    /** The names of a template's parameters, in path order (none for a template that is not a path, such as "*"). */
    static String[] parameterNames(String template) {
        List<String> names = new ArrayList<>();
        for (String s : template.split("/", -1)) {
            if (isParameter(s)) {
                names.add(s.substring(1));
            }
        }
        return names.toArray(String[]::new);
    }

    /** The parameters' values if {@code path} (of the template's segment count) matches, else null. */
    private static String[] values(Template<?> t, String path) {
        String[] values = new String[t.parameters];
        int start = 1;
        int p = 0;
        for (String l : t.literals) {
            int end = path.indexOf('/', start);
            if (end < 0) {
                end = path.length();
            }
            if (l == null) {
                if (end == start) {
                    return null; // a parameter takes one non-empty segment
                }
                values[p++] = path.substring(start, end);
            } else if (end - start != l.length() || !path.startsWith(l, start)) {
                return null;
            }
            start = end + 1;
        }
        return values;
    }

    /** Segments of a path: one per '/', "/" itself has none. */
    private static int segmentCount(String path) {
        if (path.equals("/")) {
            return 0;
        }
        int n = 0;
        for (int i = 0; i < path.length(); i++) {
            if (path.charAt(i) == '/') {
                n++;
            }
        }
        return n;
    }

    private static boolean isParameter(String segment) {
        if (segment.length() < 2 || segment.charAt(0) != ':') {
            return false;
        }
        for (int i = 1; i < segment.length(); i++) {
            char c = segment.charAt(i);
            if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_')) {
                return false;
            }
        }
        return true;
    }

    private static String[] segments(String template) {
        if (template.equals("/")) {
            return NO_VALUES;
        }
        if (!template.startsWith("/") || template.endsWith("/")) {
            throw new IllegalArgumentException(
                    "a route template starts with '/' and does not end with one: " + template);
        }
        String[] segments = template.substring(1).split("/", -1);
        for (String s : segments) {
            if (s.isEmpty() || (!isParameter(s) && s.chars().anyMatch(c -> "{}[]*\\:?#".indexOf(c) >= 0))) {
                throw new IllegalArgumentException("unsupported segment '" + s + "' in route template " + template);
            }
        }
        return segments;
    }
}
