package io.yundoc.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.yundoc.client.YundocClient;
import io.yundoc.server.YundocServer;
import java.nio.file.Files;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The extension starts a dev-mode server, injects fields and parameters, and honours its builder. */
class YundocServerExtensionTest {
    @RegisterExtension
    static YundocServerExtension ext = YundocServerExtension.builder().seed(42).build();

    YundocClient client;
    YundocEmulator emulator;
    YundocServer server;

    @Test
    void injectsFieldsAndParameters(YundocClient c, YundocEmulator e, YundocServer s) {
        assertThat(client).isSameAs(c).isSameAs(ext.client());
        assertThat(emulator).isSameAs(e);
        assertThat(server).isSameAs(s);
        assertThat(s.config().dev()).isTrue();
        assertThat(s.config().seed()).isEqualTo(42L);
        assertThat(s.port()).isPositive();
        assertThat(Files.isDirectory(e.dataDir())).isTrue();
        assertThat(c.baseUrl()).isEqualTo(e.url());
        assertThat(c.oauth().tokens()).isPresent();
        assertThat(e.admin("GET", "/clock", null).has("now")).isTrue();
    }
}
