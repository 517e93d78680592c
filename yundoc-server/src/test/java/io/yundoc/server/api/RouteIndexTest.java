package io.yundoc.server.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.helidon.common.uri.UriPath;
import io.helidon.http.PathMatcher;
import io.helidon.http.PathMatchers;
import io.yundoc.server.TestServerExtension;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@link RouteIndex} must pick the route Helidon's routing picked before it: the first route registered whose method
 * is the request's and whose path pattern ({@code :name} as {@code {name}}) Helidon's own {@link PathMatchers} match,
 * with the same parameter values. Checked for every route of a running server against paths made from every
 * template, near misses and hostile spellings.
 */
class RouteIndexTest {
    @RegisterExtension
    static final TestServerExtension ts = TestServerExtension.embedded();

    private static final List<String> METHODS = List.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS");
    /** Raw (as sent) values for a parameter segment: plain, escaped, an escaped slash, odd characters. */
    private static final List<String> VALUES =
            List.of("x", "Ub7NI4Q33Vo17ogfSekfVg3-fyq6nCb6QjyoakwVoWc", "%E6%96%87", "a%20b", "a%2Fb", ":x", "upload");

    private record Helidon(String method, PathMatcher matcher, Endpoint endpoint) {}

    @Test
    void everyRouteOfTheServerIsPickedAsHelidonPickedIt() {
        List<Endpoint> endpoints = ts.server().routes();
        assertThat(endpoints).hasSizeGreaterThan(50);
        RouteIndex<Endpoint> index = new RouteIndex<>();
        List<Helidon> helidon = new ArrayList<>();
        for (Endpoint e : endpoints) {
            index.add(e.method(), e.template(), e);
            helidon.add(
                    new Helidon(e.method(), PathMatchers.create(e.template().replaceAll(":([A-Za-z_]+)", "{$1}")), e));
        }
        Set<String> paths = new LinkedHashSet<>(List.of("/", "//", "/api", "/api/", "/api/v1/openapi", "/x/../api"));
        for (Endpoint e : endpoints) {
            String t = e.template();
            for (String v : VALUES) {
                String p = t.replaceAll(":[A-Za-z_]+", v);
                paths.add(p);
                paths.add(p + "/");
                paths.add(p + "/more");
                paths.add(p.substring(0, Math.max(1, p.lastIndexOf('/'))));
                paths.add(p.replace("/", "//"));
                paths.add(p.toUpperCase(Locale.ROOT));
            }
            paths.add(t.replaceAll(":[A-Za-z_]+", "")); // an empty parameter segment
        }
        int matched = 0;
        for (String raw : paths) {
            UriPath uri = UriPath.create(raw);
            for (String method : METHODS) {
                Helidon expected = null;
                PathMatchers.MatchResult result = null;
                for (Helidon h : helidon) {
                    if (h.method().equals(method)) {
                        PathMatchers.MatchResult r = h.matcher().match(uri);
                        if (r.accepted()) {
                            expected = h;
                            result = r;
                            break;
                        }
                    }
                }
                RouteIndex.Match<Endpoint> m = index.match(method, uri.path());
                String what = method + " " + raw;
                if (expected == null) {
                    assertThat(m).as(what).isNull();
                    continue;
                }
                matched++;
                assertThat(m).as(what).isNotNull();
                assertThat(m.route()).as(what).isSameAs(expected.endpoint());
                String[] names = RouteIndex.parameterNames(expected.endpoint().template());
                assertThat(m.values()).as(what).hasSameSizeAs(names);
                for (int i = 0; i < names.length; i++) {
                    assertThat(m.values()[i])
                            .as(what + " :" + names[i])
                            .isEqualTo(result.path().pathParameters().get(names[i]));
                }
            }
        }
        assertThat(matched).as("requests some route took").isGreaterThan(endpoints.size());
    }

    @Test
    void theFirstRouteRegisteredWins() {
        RouteIndex<String> literalFirst = new RouteIndex<>();
        literalFirst.add("GET", "/files/upload", "literal");
        literalFirst.add("GET", "/files/:id", "pattern");
        assertThat(literalFirst.match("GET", "/files/upload").route()).isEqualTo("literal");
        assertThat(literalFirst.match("GET", "/files/other").route()).isEqualTo("pattern");

        RouteIndex<String> patternFirst = new RouteIndex<>();
        patternFirst.add("GET", "/files/:id", "pattern");
        patternFirst.add("GET", "/files/upload", "literal");
        patternFirst.add("GET", "/files/:other", "later pattern");
        assertThat(patternFirst.match("GET", "/files/upload").route()).isEqualTo("pattern");
        assertThat(patternFirst.match("GET", "/files/upload").values()).containsExactly("upload");

        RouteIndex<String> sameLiteralTwice = new RouteIndex<>();
        sameLiteralTwice.add("GET", "/a", "first");
        sameLiteralTwice.add("GET", "/a", "second");
        assertThat(sameLiteralTwice.match("GET", "/a").route()).isEqualTo("first");
    }

    @Test
    void methodsAreExactAndParametersTakeOneNonEmptySegment() {
        RouteIndex<String> index = new RouteIndex<>();
        index.add("GET", "/", "root");
        index.add("GET", "/l/:sid/download", "download");
        assertThat(index.match("HEAD", "/l/abc/download")).isNull();
        assertThat(index.match("get", "/l/abc/download")).isNull();
        assertThat(index.match("GET", "/l//download")).isNull();
        assertThat(index.match("GET", "/l/a/b/download")).isNull();
        assertThat(index.match("GET", "/l/abc/download/")).isNull();
        assertThat(index.match("GET", "/l/abc/download").values()).containsExactly("abc");
        assertThat(index.match("GET", "/").route()).isEqualTo("root");
        assertThat(index.match("GET", "")).isNull();
        assertThat(RouteIndex.parameterNames("/a/:x/b/:y_z")).containsExactly("x", "y_z");
        assertThat(RouteIndex.parameterNames("*")).isEmpty(); // the fallback's endpoint
    }

    @Test
    void templatesOutsideTheSupportedFormAreRefusedAtStart() {
        RouteIndex<String> index = new RouteIndex<>();
        for (String bad : List.of("", "a", "/a/", "/a//b", "/a/{id}", "/a/*", "/a/:", "/a/:x1", "/a/b:c", "/a/[b]")) {
            assertThatThrownBy(() -> index.add("GET", bad, "r")).as(bad).isInstanceOf(IllegalArgumentException.class);
        }
    }
}
