package dev.baton.launcher.command;

import dev.baton.launcher.ExitCodes;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

/** {@code baton replay}: Replays a recorded schedule and predicts others. Not available yet: it comes with issue 7. */
@Command(name = "replay", mixinStandardHelpOptions = true, description = "Replays a recorded schedule and predicts others. (Not available yet: it comes with issue 7.)")
public final class ReplayCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().getErr().println("baton replay: not available yet (it comes with issue 7)");
        return ExitCodes.NOT_AVAILABLE;
    }
}
