package dev.baton.launcher.command;

import dev.baton.launcher.ExitCodes;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

/** {@code baton eval}: Evaluates a checkpoint. Not available yet: it comes with issue 4. */
@Command(name = "eval", mixinStandardHelpOptions = true, description = "Evaluates a checkpoint. (Not available yet: it comes with issue 4.)")
public final class EvalCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().getErr().println("baton eval: not available yet (it comes with issue 4)");
        return ExitCodes.NOT_AVAILABLE;
    }
}
