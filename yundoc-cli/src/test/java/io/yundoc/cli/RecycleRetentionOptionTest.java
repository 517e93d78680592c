package io.yundoc.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * {@code --recycle-retention} is a parsed duration: {@code off} (the default) is no purge, anything else at least 1h,
 * from the command line or the environment alike; a bad value stops the parse with the option's rule.
 */
class RecycleRetentionOptionTest {
    private static Duration parsed(Map<String, String> env, String... args) {
        ServeCommand serve = new ServeCommand();
        Main.configure(new CommandLine(serve), null, env).parseArgs(args);
        return serve.recycleRetention;
    }

    @Test
    void offByDefaultAndWhenSaid() {
        assertThat(parsed(Map.of())).isNull();
        assertThat(parsed(Map.of(), "--recycle-retention", "off")).isNull();
        assertThat(parsed(Map.of(), "--recycle-retention", "OFF")).isNull();
    }

    @Test
    void aDurationOfAtLeastOneHour() {
        assertThat(parsed(Map.of(), "--recycle-retention", "30d")).isEqualTo(Duration.ofDays(30));
        assertThat(parsed(Map.of(), "--recycle-retention", "1h")).isEqualTo(Duration.ofHours(1));
        assertThat(parsed(Map.of(), "--recycle-retention", "3600")).isEqualTo(Duration.ofHours(1));
        assertThat(parsed(Map.of("YUNDOC_RECYCLE_RETENTION", "2h"))).isEqualTo(Duration.ofHours(2));
        assertThat(parsed(Map.of("YUNDOC_RECYCLE_RETENTION", "2h"), "--recycle-retention", "off"))
                .isNull();
    }

    @Test
    void badValuesStopTheParseWithTheRule() {
        for (String bad :
                new String[] {"59m", "0s", "-1h", "soon", "30 days", "", "99999999999999999999d", "9999999999999999d"
                }) {
            assertThatThrownBy(() -> parsed(Map.of(), "--recycle-retention", bad))
                    .as(bad)
                    .isInstanceOf(CommandLine.ParameterException.class)
                    .hasMessageContaining("--recycle-retention");
        }
        assertThatThrownBy(() -> parsed(Map.of(), "--recycle-retention", "30m")).hasMessageContaining("at least 1h");
    }
}
