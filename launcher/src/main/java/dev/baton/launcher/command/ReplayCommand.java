package dev.baton.launcher.command;

import picocli.CommandLine.Command;

import java.util.concurrent.Callable;

/** {@code baton replay}: Replays a recorded schedule and predicts others. */
@Command(name = "replay", mixinStandardHelpOptions = true, description = "Replays a recorded schedule and predicts others.")
public final class ReplayCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        System.err.println("baton replay: not available yet (it comes with issue 7)");
        return 3;
    }
}
