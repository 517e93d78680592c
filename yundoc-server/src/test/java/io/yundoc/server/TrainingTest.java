package io.yundoc.server;

import static org.assertj.core.api.Assertions.assertThat;

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
}
