package io.yundoc.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.yundoc.server.ServerConfig;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * {@code serve --warm-up}: the server's default when not given, milliseconds or seconds from the command line or the
 * environment, {@code 0s} for none; malformed values stop the parse naming the option.
 */
class WarmUpOptionTest {
    private static Duration parsed(Map<String, String> env, String... args) {
        ServeCommand serve = new ServeCommand();
        Main.configure(new CommandLine(serve), null, env).parseArgs(args);
        return serve.warmUp;
    }

    @Test
    void theServersDefaultUnlessGiven() {
        assertThat(parsed(Map.of())).isEqualTo(ServerConfig.DEFAULT_WARM_UP);
        assertThat(parsed(Map.of(), "--warm-up", "0s")).isZero();
        assertThat(parsed(Map.of(), "--warm-up", "750ms")).isEqualTo(Duration.ofMillis(750));
        assertThat(parsed(Map.of(), "--warm-up", "2s")).isEqualTo(Duration.ofSeconds(2));
        assertThat(parsed(Map.of("YUNDOC_WARM_UP", "1s"))).isEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void malformedValuesStopTheParse() {
        for (String bad : new String[] {"soon", "-1s", "1.5s", "", "300 msec"}) {
            assertThatThrownBy(() -> parsed(Map.of(), "--warm-up", bad))
                    .as(bad)
                    .isInstanceOf(CommandLine.ParameterException.class)
                    .hasMessageContaining("--warm-up");
        }
    }
}
