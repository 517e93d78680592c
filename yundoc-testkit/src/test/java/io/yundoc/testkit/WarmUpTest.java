package io.yundoc.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.yundoc.server.YundocServer;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code warmUp}: a throw-away server's hot routes were driven before the first test, nothing of it is left in the
 * test's server, and the server is healthy when the first test runs; silly durations are refused.
 */
class WarmUpTest {
    @RegisterExtension
    static YundocServerExtension ext =
            YundocServerExtension.builder().warmUp(Duration.ofMillis(500)).build();

    @Test
    void theWarmUpRanBeforeTheFirstTestAndLeftNothingInThisServer(YundocEmulator e, YundocServer server) {
        assertThat(server.warmUpRequests()).isPositive();
        assertThat(e.admin("GET", "/apps", null).toString()).doesNotContain("training");
        assertThat(e.admin("GET", "/users", null).toString()).doesNotContain("training");
    }

    @Test
    void refusesNegativeAndOverAMinute() {
        for (Duration d : new Duration[] {Duration.ofSeconds(-1), Duration.ofMinutes(2)}) {
            assertThatThrownBy(() -> YundocServerExtension.builder().warmUp(d))
                    .isInstanceOf(IllegalArgumentException.class);
        }
        assertThat(YundocServerExtension.builder().warmUp(Duration.ZERO).build())
                .isNotNull();
    }
}
