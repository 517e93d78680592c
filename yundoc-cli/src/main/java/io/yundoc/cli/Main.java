package io.yundoc.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code yundoc} command. */
@Command(name = "yundoc", mixinStandardHelpOptions = true, version = "yundoc 0.1.0",
        description = "A self-hostable server for the KDocs Open Platform API, and its command-line client.",
        subcommands = {ServeCommand.class, AdminCommand.class, CommandLine.HelpCommand.class})
public final class Main implements Runnable {

    public static void main(String[] args) {
        System.exit(commandLine(args).execute(args));
    }

    /** The configured command line; flags > environment > YAML ({@code --config}) > defaults. */
    public static CommandLine commandLine(String[] args) {
        CommandLine cl = new CommandLine(new Main());
        cl.setDefaultValueProvider(new ConfigDefaults(ConfigDefaults.configPath(args), System.getenv()));
        cl.setExecutionExceptionHandler((ex, cmd, parsed) -> {
            cmd.getErr().println("yundoc: " + (ex.getMessage() == null ? ex.toString() : ex.getMessage()));
            return 1;
        });
        return cl;
    }

    @Override
    public void run() {
        CommandLine.usage(this, System.out);
    }
}
