package io.yundoc.testcontainers;

import static org.assertj.core.api.Assertions.assertThat;

import io.yundoc.client.YundocClient;
import io.yundoc.testkit.Fault;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Per-test isolation: the extension resets faults and the emulator clock before each test, unless the class opts out
 * with {@link KeepYundocState}. One container (the default image) serves both nested classes.
 */
// integration phase (Failsafe, mvn verify): podman
@Tag("integration")
class YundocContainerExtensionTest {
    @RegisterExtension
    static final YundocContainerExtension YUNDOC = new YundocContainerExtension(defaultContainer());

    private static YundocContainer defaultContainer() {
        Podman.dockerApi(); // builds the image and tags it localhost/yundoc:<version>, the container's default
        return new YundocContainer().withFixtureJson("""
                {"apps": [{"app_id": "SX20240301EXTENS", "app_key": "extensionAppKeyForTestcontainers", "name": "from json", "tier": "test"}]}
                """);
    }

    static void dirty(YundocContainer c) {
        c.advanceClock(Duration.ofDays(10));
        c.addFault(Fault.on("GET /api/v1/openapi/personal/files").code(10003));
    }

    static int faults(YundocContainer c) {
        return c.admin("GET", "/faults", null).get("faults").size();
    }

    @Nested
    @TestMethodOrder(MethodOrderer.OrderAnnotation.class)
    class ResetBeforeEachTest {
        @Test
        @Order(1)
        void leavesAFaultAndAMovedClock(YundocContainer c, YundocClient client) {
            assertThat(client).isSameAs(c.client());
            assertThat(c.admin("GET", "/apps/SX20240301EXTENS", null)
                            .get("name")
                            .asText())
                    .isEqualTo("from json");
            assertThat(c.getDockerImageName()).isEqualTo(YundocContainer.DEFAULT_IMAGE.asCanonicalNameString());
            dirty(c);
            assertThat(faults(c)).isEqualTo(1);
        }

        @Test
        @Order(2)
        void findsNeitherInTheNextTest(YundocContainer c) {
            assertThat(faults(c)).isZero();
            assertThat(c.syncClock())
                    .isBetween(Instant.now().minusSeconds(5), Instant.now().plusSeconds(5));
        }
    }

    @Nested
    @KeepYundocState
    @TestMethodOrder(MethodOrderer.OrderAnnotation.class)
    class KeepStateTest {
        @Test
        @Order(1)
        void leavesAFaultAndAMovedClock(YundocContainer c) {
            c.reset();
            dirty(c);
        }

        @Test
        @Order(2)
        void findsBothInTheNextTest(YundocContainer c) {
            assertThat(faults(c)).isEqualTo(1);
            assertThat(c.syncClock()).isAfter(Instant.now().plus(Duration.ofDays(9)));
            c.reset();
        }
    }
}
