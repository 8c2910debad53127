package dev.baton.launcher.command;

import dev.baton.launcher.ExitCodes;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

/** {@code baton sample}: Generates text from a checkpoint. Not available yet: it comes with issue 4. */
@Command(name = "sample", mixinStandardHelpOptions = true, description = "Generates text from a checkpoint. (Not available yet: it comes with issue 4.)")
public final class SampleCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().getErr().println("baton sample: not available yet (it comes with issue 4)");
        return ExitCodes.NOT_AVAILABLE;
    }
}
