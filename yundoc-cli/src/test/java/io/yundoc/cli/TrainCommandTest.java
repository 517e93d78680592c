package io.yundoc.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** {@code yundoc train}: out-of-range settings are usage errors; a short run drives the routes and says how many answered. */
class TrainCommandTest {

    @Test
    void refusesOutOfRangeSettings() {
        for (String[] args : new String[][] {
            {"train", "--concurrency", "0"},
            {"train", "--concurrency", "257"},
            {"train", "--duration", "11m"},
            {"train", "--concurrency", "-5"}
        }) {
            Cli.Result r = Cli.raw(args);
            assertThat(r.exit()).as(r.toString()).isEqualTo(Main.EXIT_USAGE);
            assertThat(r.err()).as(r.toString()).contains("--concurrency 1..256 and --duration up to 10m");
        }
        Cli.Result notADuration = Cli.raw("train", "--duration", "soon");
        assertThat(notADuration.exit()).as(notADuration.toString()).isEqualTo(Main.EXIT_USAGE);
    }

    @Test
    void aShortRunDrivesTheRoutes() {
        Cli.Result r = Cli.raw("train", "--duration", "1s", "--concurrency", "2");
        assertThat(r.exit()).as(r.toString()).isZero();
    }
}
