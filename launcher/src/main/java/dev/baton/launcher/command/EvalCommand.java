package dev.baton.launcher.command;

import picocli.CommandLine.Command;

import java.util.concurrent.Callable;

/** {@code baton eval}: Evaluates a checkpoint. */
@Command(name = "eval", mixinStandardHelpOptions = true, description = "Evaluates a checkpoint.")
public final class EvalCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        System.err.println("baton eval: not available yet (it comes with issue 4)");
        return 3;
    }
}
