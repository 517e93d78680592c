package io.yundoc.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code warmUp}: the hot routes were driven before the first test, through the public API; silly durations are refused. */
class WarmUpTest {
    @RegisterExtension
    static YundocServerExtension ext =
            YundocServerExtension.builder().warmUp(Duration.ofSeconds(1)).build();

    @Test
    void theTrainingAppWasCreatedAndDrivenBeforeTheFirstTest(YundocEmulator e) {
        assertThat(e.admin("GET", "/apps", null).toString()).contains("\"training\"");
    }

    @Test
    void refusesZeroNegativeAndOverAMinute() {
        for (Duration d : new Duration[] {Duration.ZERO, Duration.ofSeconds(-1), Duration.ofMinutes(2)}) {
            assertThatThrownBy(() -> YundocServerExtension.builder().warmUp(d))
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }
}
