package io.yundoc.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code POST /admin/v1/clock {"reset": true}}: what the test kits send before each test. */
class ClockResetTest {
    @RegisterExtension
    final TestServerExtension ts = TestServerExtension.embedded();

    @Test
    void resetPutsTheClockBackOnTheRealTimeExactlyAndPersistsIt() {
        ts.advanceClock(3 * 86_400);
        ts.setClock(Instant.now().plus(Duration.ofDays(40)).plusMillis(123).toString()); // a sub-second offset
        assertThat(ts.server().clock().offsetMillis()).isNotZero();

        JsonNode d = ts.adminOk("POST", "/clock", "{\"reset\":true}");
        assertThat(d.get("offset_seconds").asLong()).isZero();
        assertThat(ts.server().clock().offsetMillis()).isZero();
        assertThat(Duration.between(Instant.now(), Instant.parse(d.get("now").asText()))
                        .abs())
                .isLessThan(Duration.ofSeconds(5));

        HttpResponse<String> bad =
                ts.send("POST", "/admin/v1/clock", "{\"reset\":false}", "Authorization", "Bearer test-admin-token");
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(TestServer.json(bad).get("code").asInt()).isEqualTo(10001);

        ts.advanceClock(60);
        ts.adminOk("POST", "/clock", "{\"reset\":true}");
        TestServer again = ts.restart();
        assertThat(again.server.clock().offsetMillis()).isZero(); // the reset was persisted, not only applied
    }
}
