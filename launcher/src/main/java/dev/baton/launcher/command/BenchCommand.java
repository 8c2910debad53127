package dev.baton.launcher.command;

import picocli.CommandLine.Command;

import java.util.concurrent.Callable;

/** {@code baton bench}: Prints speed figures. */
@Command(name = "bench", mixinStandardHelpOptions = true, description = "Prints speed figures.")
public final class BenchCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        System.err.println("baton bench: not available yet (it comes with issue 6)");
        return 3;
    }
}
