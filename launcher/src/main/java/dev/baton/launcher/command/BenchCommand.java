package dev.baton.launcher.command;

import dev.baton.launcher.ExitCodes;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

/** {@code baton bench}: Prints speed figures. Not available yet: it comes with issue 6. */
@Command(name = "bench", mixinStandardHelpOptions = true, description = "Prints speed figures. (Not available yet: it comes with issue 6.)")
public final class BenchCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().getErr().println("baton bench: not available yet (it comes with issue 6)");
        return ExitCodes.NOT_AVAILABLE;
    }
}
