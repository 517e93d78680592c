package io.yundoc.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine;

/**
 * Option defaults from the environment ({@code YUNDOC_} + flag name in upper case, {@code -} as {@code _}) and
 * from the YAML file named by {@code --config} / {@code YUNDOC_CONFIG} (keys are the flag names without {@code --}).
 */
final class ConfigDefaults implements CommandLine.IDefaultValueProvider {
    private final JsonNode yaml;
    private final Map<String, String> env;

    ConfigDefaults(Path config, Map<String, String> env) {
        this.env = env;
        if (config == null) {
            this.yaml = null;
        } else {
            try {
                this.yaml = new ObjectMapper(new YAMLFactory()).readTree(Files.readString(config));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read config " + config + ": " + e.getMessage(), e);
            }
        }
    }

    static Path configPath(String[] args) {
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--config") && i + 1 < args.length) {
                return Path.of(args[i + 1]);
            }
            if (args[i].startsWith("--config=")) {
                return Path.of(args[i].substring("--config=".length()));
            }
        }
        String env = System.getenv("YUNDOC_CONFIG");
        return env == null || env.isBlank() ? null : Path.of(env);
    }

    @Override
    public String defaultValue(CommandLine.Model.ArgSpec arg) {
        if (!(arg instanceof CommandLine.Model.OptionSpec opt)
                || !opt.longestName().startsWith("--")) {
            return null;
        }
        String name = opt.longestName().substring(2);
        String fromEnv = env.get("YUNDOC_" + name.toUpperCase(Locale.ROOT).replace('-', '_'));
        if (fromEnv != null && !fromEnv.isEmpty()) {
            return fromEnv;
        }
        if (yaml != null && yaml.has(name) && !yaml.get(name).isNull()) {
            return yaml.get(name).asText();
        }
        return null;
    }
}
