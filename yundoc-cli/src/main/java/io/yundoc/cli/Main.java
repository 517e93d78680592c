package io.yundoc.cli;

import io.yundoc.client.YundocClientException;
import io.yundoc.client.YundocException;
import io.yundoc.server.StartupException;
import io.yundoc.server.YundocServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code yundoc} command. */
@Command(
        name = "yundoc",
        mixinStandardHelpOptions = true,
        version = "yundoc 0.1.0",
        description = "A self-hostable server for the KDocs Open Platform API, and its command-line client.",
        subcommands = {
            ServeCommand.class,
            AdminCommand.class,
            LoginCommand.class,
            LogoutCommand.class,
            LsCommand.class,
            UploadCommand.class,
            DownloadCommand.class,
            RmCommand.class,
            MvCommand.class,
            CpCommand.class,
            ShareCommand.class,
            UnshareCommand.class,
            InfoCommand.class,
            VersionsCommand.class,
            SheetCommand.class,
            CompletionCommand.class,
            WaitCommand.class,
            TableCommand.class,
            ConvertCommand.class,
            TrainCommand.class,
            CommandLine.HelpCommand.class
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:success",
            "1:the server answered an API error (its code and hint are printed); serve could not start (one line says why)",
            "2:usage error (unknown option, missing argument, contradictory flags)",
            "3:network or local I/O failure (after retries), or a download that failed verification",
            "4:authentication: not logged in, token or app key rejected, authorization denied"
        })
public final class Main implements Runnable {
    /** Exit code: the server answered an API error. */
    public static final int EXIT_API = 1;
    /** Exit code: usage error. */
    public static final int EXIT_USAGE = 2;
    /** Exit code: network or I/O failure. */
    public static final int EXIT_IO = 3;
    /** Exit code: authentication failure. */
    public static final int EXIT_AUTH = 4;

    public static void main(String[] args) {
        if (args.length > 0 && "serve".equals(args[0])) {
            YundocServer.preload();
            // a server start is timed to its first healthy answer: skip modelling every client subcommand
            CommandLine serve = configure(new CommandLine(new ServeCommand()).setCommandName("yundoc serve"), args);
            System.exit(serve.execute(Arrays.copyOfRange(args, 1, args.length)));
        }
        if (args.length > 0 && "train".equals(args[0])) {
            // the training run of the ahead-of-time cache starts the server the same way serve does
            YundocServer.preload();
            CommandLine train = configure(new CommandLine(new TrainCommand()).setCommandName("yundoc train"), args);
            System.exit(train.execute(Arrays.copyOfRange(args, 1, args.length)));
        }
        System.exit(commandLine(args).execute(args));
    }

    /** The configured command line; flags > environment > YAML ({@code --config}) > defaults. */
    public static CommandLine commandLine(String[] args) {
        return configure(new CommandLine(new Main()), args);
    }

    private static CommandLine configure(CommandLine cl, String[] args) {
        return configure(cl, ConfigDefaults.configPath(args), System.getenv());
    }

    /** {@link #configure(CommandLine, String[])} with the YAML file and environment given (tests pass their own). */
    static CommandLine configure(CommandLine cl, Path config, Map<String, String> env) {
        // file tokens are URL-safe base64 and may start with '-': an unknown "-xyz" is an argument, not a typo'd option
        cl.setUnmatchedOptionsArePositionalParams(true);
        cl.setDefaultValueProvider(new ConfigDefaults(config, env));
        cl.setExecutionExceptionHandler((ex, cmd, parsed) -> {
            cmd.getErr().println("yundoc: " + CliErrors.message(ex, cmd.getCommand(), message(ex)));
            cmd.getErr().flush();
            return exitCode(ex);
        });
        return cl;
    }

    static int exitCode(Throwable ex) {
        if (ex instanceof StartupException) {
            return 1;
        }
        if (ex instanceof CliException c) {
            return c.exitCode;
        }
        if (ex instanceof YundocException y) {
            return y.isAuthError() ? EXIT_AUTH : EXIT_API;
        }
        if (ex instanceof YundocClientException || ex instanceof IOException || ex instanceof UncheckedIOException) {
            return EXIT_IO;
        }
        return EXIT_API;
    }

    private static String message(Throwable ex) {
        if (ex instanceof YundocException y) {
            return y.code() + " " + y.name() + (y.hint().isEmpty() ? "" : ": " + y.hint())
                    + y.requestId().map(id -> " (request id " + id + ")").orElse("");
        }
        return ex.getMessage() == null ? ex.toString() : ex.getMessage();
    }

    @Override
    public void run() {
        CommandLine.usage(this, System.out);
    }
}
