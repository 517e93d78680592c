package io.yundoc.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.helidon.common.uri.UriPath;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Which paths skip Helidon's URI parse: only those the parse could neither refuse nor change. */
class PathCheckUnitTest {
    @Test
    void plainPathsAreTheOnesHelidonLeavesAsTheyAre() {
        for (String path :
                List.of("/", "/health", "/open/api/v1/app/files/ABCdef0123456789/info", "/a-b_c~d/", "/api/v1/x/y/z")) {
            assertThat(PathCheck.plain(path)).as(path).isTrue();
            // what Helidon's check would make of it: the same path
            UriPath p = UriPath.create(path);
            p.validate();
            assertThat(p.path()).as(path).isEqualTo(path);
        }
    }

    @Test
    void anythingElseGoesThroughHelidonsCheck() {
        for (String path : List.of(
                "",
                "health",
                "*",
                "//health",
                "/a//b",
                "/./a",
                "/a/..",
                "/a.json",
                "/a%20b",
                "/a;b=1",
                "/a:b",
                "/a@b",
                "/a+b",
                "/a<b",
                "/é",
                "/a\u0000b",
                "/a b",
                "http://x/a")) {
            assertThat(PathCheck.plain(path)).as(path).isFalse();
        }
    }
}
