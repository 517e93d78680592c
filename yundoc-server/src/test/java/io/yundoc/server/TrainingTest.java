package io.yundoc.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.net.http.HttpTimeoutException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The training run of the start-up cache drives every hot route it names and each one answers 2xx ({@link Training}
 * throws when one does not: a failing route would train the error path instead of the hot one).
 */
class TrainingTest {

    @Test
    void drivesTheHotRoutesAndEveryOneAnswers2xx() throws Exception {
        try (TestServer ts = new TestServer(b -> b.dev(true))) {
            long answered = Training.run(ts.server, Duration.ofSeconds(2), 4);
            assertThat(answered).as("at least one round of the six routes").isGreaterThanOrEqualTo(6);
            // it created what it drives through the public admin API, like any client: one formal app named training
            String apps = ts.send("GET", "/admin/v1/apps", null, "Authorization", "Bearer " + ts.server.adminToken())
                    .body();
            assertThat(apps).contains("\"training\"");
        }
    }

    @Test
    void aCallTheServerNeverAnswersEndsTheRunAtItsTimeout() throws Exception {
        // serve's close waits for its warm-up without interrupting it: a hung set-up call must end on its own
        try (TestServer ts = new TestServer(b -> b.dev(true).drainTimeout(Duration.ofMillis(200)))) {
            ts.adminOk("POST", "/faults", "{\"route\":\"POST /api/v1/openapi/appspace/files\",\"latency_ms\":600000}");
            assertTimeoutPreemptively(
                    Duration.ofSeconds(60),
                    () -> assertThatThrownBy(
                                    () -> Training.run(ts.server, Duration.ofSeconds(1), 2, Duration.ofSeconds(1)))
                            .isInstanceOf(HttpTimeoutException.class));
        }
    }
}
