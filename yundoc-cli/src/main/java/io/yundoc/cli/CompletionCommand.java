package io.yundoc.cli;

import java.util.concurrent.Callable;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(
        name = "completion",
        mixinStandardHelpOptions = true,
        description = {
            "Print a bash/zsh completion script for yundoc.",
            "Use: source <(yundoc completion)  or  yundoc completion > /etc/bash_completion.d/yundoc"
        })
final class CompletionCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        CommandLine root = spec.root().commandLine();
        spec.commandLine().getOut().print(AutoComplete.bash("yundoc", root));
        spec.commandLine().getOut().flush();
        return 0;
    }
}
