package io.yundoc.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Every boolean option of every command: the flag on the command line wins over the same setting from the
 * environment or the YAML file, whichever way those say it. picocli's own rule for a flag without a value is "the
 * opposite of the default", so with {@code YUNDOC_DEV=true} a bare {@code --dev} used to turn dev mode off.
 */
class BooleanFlagsTest {
    @TempDir
    Path tmp;

    /** A boolean option of one command, found by walking the real command tree (new options are covered too). */
    record Flag(String command, String name) {
        @Override
        public String toString() {
            return command + " " + name;
        }
    }

    private static List<Flag> everyBooleanFlag() {
        List<Flag> flags = new ArrayList<>();
        collect(new CommandLine(new ServeCommand()), "serve", flags);
        CommandLine main = Main.commandLine(new String[0]);
        collect(main, "yundoc", flags);
        for (var sub : main.getSubcommands().entrySet()) {
            if (sub.getKey().equals("serve")) {
                continue; // collected above, as Main.main parses it
            }
            collect(sub.getValue(), sub.getKey(), flags);
        }
        return flags;
    }

    private static void collect(CommandLine cl, String command, List<Flag> out) {
        for (OptionSpec o : cl.getCommandSpec().options()) {
            boolean bool = o.type() == boolean.class || o.type() == Boolean.class;
            if (bool && !o.usageHelp() && !o.versionHelp() && o.longestName().startsWith("--")) {
                out.add(new Flag(command, o.longestName()));
            }
        }
    }

    private static String envName(String flag) {
        return "YUNDOC_" + flag.substring(2).toUpperCase(Locale.ROOT).replace('-', '_');
    }

    /** The option's value after parsing {@code args} with this YAML file and environment as defaults. */
    private static boolean parsed(Flag f, Path yaml, Map<String, String> env, String... args) {
        return parse(f, yaml, env, args).getCommandSpec().findOption(f.name()).getValue();
    }

    /** Parses as {@code Main.main} does: {@code serve} on its own command line, the rest below {@code yundoc}. */
    private static CommandLine parse(Flag f, Path yaml, Map<String, String> env, String... args) {
        if (f.command().equals("serve")) {
            CommandLine serve = Main.configure(new CommandLine(new ServeCommand()), yaml, env);
            serve.parseArgs(args);
            return serve;
        }
        CommandLine main = Main.configure(new CommandLine(new Main()), yaml, env);
        if (f.command().equals("yundoc")) {
            main.parseArgs(args);
            return main;
        }
        // two positional arguments after the flag (and the required --to of mv and convert) satisfy every command (a
        // bare flag must not eat one)
        main.setUnmatchedArgumentsAllowed(true);
        List<String> all = new ArrayList<>(List.of(f.command()));
        all.addAll(List.of(args));
        if (f.command().equals("mv")) {
            all.addAll(List.of("--to", "folder"));
        }
        if (f.command().equals("convert")) {
            all.addAll(List.of("--to", "pdf"));
        }
        all.addAll(List.of("Ab-cd_12", "dest"));
        main.parseArgs(all.toArray(String[]::new));
        return main.getSubcommands().get(f.command());
    }

    @Test
    void theWalkFindsTheKnownFlags() {
        assertThat(everyBooleanFlag())
                .map(Flag::toString)
                .contains(
                        "serve --dev",
                        "serve --demo",
                        "serve --blobs-presign",
                        "serve --admin-issue-tokens",
                        "ls --app",
                        "ls --json",
                        "share --write",
                        "login --no-browser");
    }

    @Test
    void aFlagOnTheCommandLineWinsOverTheEnvironment() {
        List<String> wrong = new ArrayList<>();
        for (Flag f : everyBooleanFlag()) {
            for (String envValue : List.of("true", "false")) {
                Map<String, String> env = Map.of(envName(f.name()), envValue);
                check(wrong, f, "env " + envValue + ", " + f.name(), parsed(f, null, env, f.name() + "=true"), true);
                check(
                        wrong,
                        f,
                        "env " + envValue + ", " + f.name() + "=false",
                        parsed(f, null, env, f.name() + "=false"),
                        false);
                check(wrong, f, "env " + envValue + ", no flag", parsed(f, null, env), Boolean.parseBoolean(envValue));
                if (!f.name().equals("--admin-issue-tokens")) { // takes a value (arity 1): never bare
                    check(wrong, f, "env " + envValue + ", bare " + f.name(), parsed(f, null, env, f.name()), true);
                }
            }
        }
        assertThat(wrong).isEmpty();
    }

    @Test
    void aFlagOnTheCommandLineWinsOverTheYamlFile() throws Exception {
        List<String> wrong = new ArrayList<>();
        for (Flag f : everyBooleanFlag()) {
            for (String yamlValue : List.of("true", "false")) {
                Path yaml = Files.writeString(
                        tmp.resolve("c-" + yamlValue + ".yaml"), f.name().substring(2) + ": " + yamlValue + "\n");
                check(
                        wrong,
                        f,
                        "yaml " + yamlValue + ", " + f.name() + "=true",
                        parsed(f, yaml, Map.of(), f.name() + "=true"),
                        true);
                check(
                        wrong,
                        f,
                        "yaml " + yamlValue + ", " + f.name() + "=false",
                        parsed(f, yaml, Map.of(), f.name() + "=false"),
                        false);
                check(
                        wrong,
                        f,
                        "yaml " + yamlValue + ", no flag",
                        parsed(f, yaml, Map.of()),
                        Boolean.parseBoolean(yamlValue));
                if (!f.name().equals("--admin-issue-tokens")) {
                    check(
                            wrong,
                            f,
                            "yaml " + yamlValue + ", bare " + f.name(),
                            parsed(f, yaml, Map.of(), f.name()),
                            true);
                }
            }
        }
        assertThat(wrong).isEmpty();
    }

    @Test
    void withoutEnvironmentOrYamlTheDocumentedDefaultsHold() {
        for (Flag f : everyBooleanFlag()) {
            boolean expected = f.name().equals("--admin-issue-tokens");
            assertThat(parsed(f, null, Map.of())).as(f.toString()).isEqualTo(expected);
        }
    }

    @Test
    void aBareFlagDoesNotSwallowTheNextArgument() {
        Flag rm = everyBooleanFlag().stream()
                .filter(f -> f.toString().equals("rm --app"))
                .findFirst()
                .orElseThrow();
        CommandLine cl = parse(rm, null, Map.of(envName("--app"), "true"), "--app");
        assertThat((Boolean) cl.getCommandSpec().findOption("--app").getValue()).isTrue();
        assertThat(cl.getCommandSpec().positionalParameters().get(0).<List<String>>getValue())
                .containsExactly("Ab-cd_12", "dest");
    }

    private static void check(List<String> wrong, Flag f, String what, boolean got, boolean expected) {
        if (got != expected) {
            wrong.add(f.command() + ": " + what + " gave " + got);
        }
    }
}
