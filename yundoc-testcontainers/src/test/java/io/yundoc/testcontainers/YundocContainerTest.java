package io.yundoc.testcontainers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.yundoc.client.InMemoryTokenStore;
import io.yundoc.client.ListOptions;
import io.yundoc.client.Placement;
import io.yundoc.client.Tokens;
import io.yundoc.client.YundocClient;
import io.yundoc.client.YundocException;
import io.yundoc.protocol.wire.FileItem;
import io.yundoc.testkit.Fault;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** YundocContainer through Testcontainers and podman's Docker API: start, fixtures, clock, client, faults, reset. */
// integration phase (Failsafe, mvn verify): podman
@Tag("integration")
class YundocContainerTest {
    static final Instant START = Instant.parse("2024-03-01T08:00:00Z");
    static final String FIXTURES = """
            {"apps": [{"app_id": "SX20240301FIXTUR", "app_key": "fixtureAppKeyForTestcontainers", "name": "fixture app", "tier": "test"}],
             "users": [{"user_id": "fixture-user", "name": "fixtureuser", "password": "a-long-password-1"}],
             "tokens": [{"app_id": "SX20240301FIXTUR", "user_id": "fixture-user", "access_token": "fixtureaccesstokenfortestcontainers",
                         "scopes": ["access_personal_files", "download_personal_files", "create_personal_files"],
                         "expires_at": 4102444800}]}
            """;
    static YundocContainer yundoc;

    @BeforeAll
    static void start() throws IOException {
        Podman.dockerApi();
        Path fixtures = Files.writeString(Files.createTempFile("yundoc-fixtures", ".json"), FIXTURES);
        fixtures.toFile().deleteOnExit();
        yundoc = new YundocContainer(Podman.image())
                .withFixtures(fixtures)
                .withClockAt(START)
                .withSeed(7);
        yundoc.start();
    }

    @AfterAll
    static void stop() {
        if (yundoc != null) {
            yundoc.stop();
        }
    }

    @Test
    void readyClientUploadsAndDownloads(@TempDir Path tmp) throws Exception {
        byte[] content = "testcontainers".getBytes(StandardCharsets.UTF_8);
        FileItem item = yundoc.client().personal().upload("tc.txt", content, Placement.appFolder());
        assertThat(Files.readAllBytes(yundoc.client()
                        .download(item.id().openId(), tmp.resolve("tc.txt"))
                        .path()))
                .isEqualTo(content);
        assertThat(yundoc.baseUrl()).startsWith("http://").endsWith(":" + yundoc.getMappedPort(YundocContainer.PORT));
        // the well-known admin token is the one the server took
        assertThat(yundoc.adminToken()).isEqualTo(YundocContainer.DEFAULT_ADMIN_TOKEN);
        assertThat(yundoc.admin("GET", "/apps", null).get("apps").size()).isGreaterThanOrEqualTo(2);
    }

    @Test
    void fixturesAreLoadedAtStart() {
        JsonNode app = yundoc.admin("GET", "/apps/SX20240301FIXTUR", null);
        assertThat(app.get("name").asText()).isEqualTo("fixture app");
        try (YundocClient c = YundocClient.builder()
                .baseUrl(yundoc.baseUrl())
                .clock(yundoc.clock())
                .tokenStore(new InMemoryTokenStore(Tokens.ofAccessToken("fixtureaccesstokenfortestcontainers")))
                .build()) {
            assertThat(c.personal()
                            .upload("fx.txt", new byte[] {1, 2, 3}, Placement.appFolder())
                            .fsize())
                    .isEqualTo(3);
        }
    }

    @Test
    void clockStartsWhereAskedAndResetBringsItBackAndClearsFaults() {
        yundoc.reset();
        assertThat(yundoc.syncClock()).isBetween(START.minusSeconds(5), START.plusSeconds(60));
        assertThat(yundoc.clock().instant()).isBetween(START.minusSeconds(5), START.plusSeconds(60));

        yundoc.advanceClock(Duration.ofDays(3));
        assertThat(yundoc.clock().instant())
                .isAfter(START.plus(Duration.ofDays(3)).minusSeconds(5));
        String faultId =
                yundoc.addFault(Fault.on("GET /api/v1/openapi/personal/files").code(10003));
        assertThat(faultId).isNotBlank();
        assertThatThrownBy(() -> yundoc.client().personal().list(ListOptions.DEFAULTS))
                .isInstanceOfSatisfying(
                        YundocException.class, e -> assertThat(e.code()).isEqualTo(10003));

        yundoc.reset();
        assertThat(yundoc.admin("GET", "/faults", null).get("faults").size()).isZero();
        assertThat(yundoc.syncClock()).isBetween(START.minusSeconds(5), START.plusSeconds(60));
        assertThat(yundoc.client().personal().list(ListOptions.DEFAULTS).files())
                .isNotNull();
    }

    @Test
    void adminErrorsNameTheCode() {
        assertThatThrownBy(() -> yundoc.admin(
                        "POST", "/clock", new ObjectMapper().createObjectNode().put("now", "yesterday")))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("10001");
    }
}
