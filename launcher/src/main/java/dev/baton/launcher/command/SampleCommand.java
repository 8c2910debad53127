package dev.baton.launcher.command;

import picocli.CommandLine.Command;

import java.util.concurrent.Callable;

/** {@code baton sample}: Generates text from a checkpoint. */
@Command(name = "sample", mixinStandardHelpOptions = true, description = "Generates text from a checkpoint.")
public final class SampleCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        System.err.println("baton sample: not available yet (it comes with issue 4)");
        return 3;
    }
}
