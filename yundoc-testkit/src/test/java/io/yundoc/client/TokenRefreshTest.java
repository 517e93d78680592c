package io.yundoc.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.yundoc.protocol.wire.FileItem;
import io.yundoc.testkit.YundocEmulator;
import io.yundoc.testkit.YundocServerExtension;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The clock moves a day ahead, the access token expires, and the SDK refreshes and carries on: reactively on 20007
 * (a client whose own clock does not know the token expired) and ahead of time (the testkit client reads the
 * emulator clock).
 */
@ExtendWith(YundocServerExtension.class)
class TokenRefreshTest {
    @Test
    void refreshesOnceOn20007AfterTheClockMoves(YundocClient client, YundocEmulator yundoc) {
        assumeTrue(
                yundoc.hasRoute("POST", "/api/v1/oauth2/refresh_token"),
                "POST /api/v1/oauth2/refresh_token is not routed on this build yet (arrives with feat-oauth)");
        YundocEmulator.App app = yundoc.createApp();
        YundocEmulator.User u = yundoc.createUser(app);
        try (YundocClient wallClock = yundoc.client(app, u, b -> b.clock(Clock.systemUTC()))) {
            FileItem f = wallClock.personal().upload("r.txt", "r".getBytes(StandardCharsets.UTF_8), Placement.root());
            Tokens before = wallClock.oauth().tokens().orElseThrow();
            FileItem g = client.personal().upload("p.txt", "p".getBytes(StandardCharsets.UTF_8), Placement.root());
            Tokens beforeP = client.oauth().tokens().orElseThrow();
            yundoc.advanceClock(Duration.ofHours(24).plusSeconds(1));

            // reactive: the call is refused with 20007, refreshed once, repeated
            assertThat(wallClock.personal().downloadInfo(f.id().openId()).fsize())
                    .isEqualTo(1);
            Tokens after = wallClock.oauth().tokens().orElseThrow();
            assertThat(after.accessToken()).isNotEqualTo(before.accessToken());
            assertThat(after.refreshToken()).isEqualTo(before.refreshToken()); // no rotation by default (api.md §3.1)

            // ahead of time: the testkit client sees the expiry on the emulator clock
            assertThat(client.personal().downloadInfo(g.id().openId()).fsize()).isEqualTo(1);
            assertThat(client.oauth().tokens().orElseThrow().accessToken()).isNotEqualTo(beforeP.accessToken());
            // app space keeps working too: the testkit client signs with the emulator clock
            assertThat(client.appSpace().create("after.docx", null, null).version())
                    .isEqualTo(1);
        }
    }

    @Test
    void withoutARefreshTokenTheExpirySurfacesAs20007(YundocEmulator yundoc) {
        YundocEmulator.App app = yundoc.createApp();
        YundocEmulator.User u = yundoc.createUser(app);
        try (YundocClient c = YundocClient.builder()
                .baseUrl(yundoc.url())
                .accessToken(u.tokens().accessToken())
                .build()) {
            c.personal().upload("x.txt", new byte[] {1}, Placement.root());
            yundoc.advanceClock(Duration.ofHours(25));
            Assertions.assertThatThrownBy(() -> c.personal().upload("y.txt", new byte[] {1}, Placement.root()))
                    .isInstanceOfSatisfying(YundocException.class, e -> {
                        assertThat(e.code()).isEqualTo(20007);
                        assertThat(e.hint()).contains("expired");
                    });
        }
    }
}
