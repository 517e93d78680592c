package io.yundoc.testcontainers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** What YundocContainer decides before any container runs: defaults, and settings it refuses. */
class YundocContainerSettingsTest {
    @Test
    void defaultsToTheModuleVersionsImageDevModeAndTheWellKnownToken() {
        YundocContainer c = new YundocContainer();
        assertThat(YundocContainer.DEFAULT_IMAGE.asCanonicalNameString()).isEqualTo("localhost/yundoc:0.1.0-SNAPSHOT");
        assertThat(c.getEnvMap())
                .containsEntry("YUNDOC_DEV", "true")
                .containsEntry("YUNDOC_ADMIN_TOKEN", YundocContainer.DEFAULT_ADMIN_TOKEN);
        assertThat(c.getExposedPorts()).containsExactly(YundocContainer.PORT);
        assertThat(c.withAdminToken("my-token").getEnvMap()).containsEntry("YUNDOC_ADMIN_TOKEN", "my-token");
        assertThat(c.adminToken()).isEqualTo("my-token");
    }

    @Test
    void refusesABlankAdminTokenAndResetOutsideDevMode() {
        assertThatThrownBy(() -> new YundocContainer().withAdminToken(" "))
                .isInstanceOf(IllegalArgumentException.class);
        YundocContainer operator = new YundocContainer().withDevMode(false);
        assertThat(operator.getEnvMap()).containsEntry("YUNDOC_DEV", "false");
        assertThatThrownBy(operator::reset)
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("dev mode");
        assertThatThrownBy(() -> new YundocContainer().client())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("not running");
    }
}
