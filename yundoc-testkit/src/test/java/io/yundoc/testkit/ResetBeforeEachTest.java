package io.yundoc.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The in-process extension resets faults and the emulator clock before each test by default, and keeps them when
 * the class opts out. The first test of each class leaves state behind; the second looks for it.
 */
class ResetBeforeEachTest {

    static int faults(YundocEmulator yundoc) {
        return yundoc.admin("GET", "/faults", null).path("faults").size();
    }

    static long offsetSeconds(YundocEmulator yundoc) {
        JsonNode clock = yundoc.admin("GET", "/clock", null);
        return clock.path("offset_seconds").asLong();
    }

    static void leaveStateBehind(YundocEmulator yundoc) {
        yundoc.addFault(Fault.on("GET /api/v1/openapi/personal/files").code(30010));
        yundoc.advanceClock(Duration.ofDays(3));
        assertThat(faults(yundoc)).isEqualTo(1);
        assertThat(offsetSeconds(yundoc)).isEqualTo(3 * 86_400);
    }

    @Nested
    @ExtendWith(YundocServerExtension.class)
    @TestMethodOrder(MethodOrderer.OrderAnnotation.class)
    class ByDefault {
        @Test
        @Order(1)
        void first(YundocEmulator yundoc) {
            leaveStateBehind(yundoc);
        }

        @Test
        @Order(2)
        void secondStartsClean(YundocEmulator yundoc) {
            assertThat(faults(yundoc)).isZero();
            assertThat(offsetSeconds(yundoc)).isZero();
            assertThat(yundoc.clock().instant())
                    .isBetween(Instant.now().minusSeconds(5), Instant.now().plusSeconds(5));
        }
    }

    @Nested
    @ExtendWith(YundocServerExtension.class)
    @YundocIsolation(resetBeforeEach = false)
    @TestMethodOrder(MethodOrderer.OrderAnnotation.class)
    class OptedOut {
        @Test
        @Order(1)
        void first(YundocEmulator yundoc) {
            leaveStateBehind(yundoc);
        }

        @Test
        @Order(2)
        void secondSeesWhatTheFirstLeft(YundocEmulator yundoc) {
            assertThat(faults(yundoc)).isEqualTo(1);
            assertThat(offsetSeconds(yundoc)).isEqualTo(3 * 86_400);
        }
    }
}
