package dev.baton.launcher.command;

import picocli.CommandLine.Command;

import java.util.concurrent.Callable;

/** {@code baton train}: Trains a model (issue 4 brings the model). */
@Command(name = "train", mixinStandardHelpOptions = true, description = "Trains a model (issue 4 brings the model).")
public final class TrainCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        System.err.println("baton train: not available yet (it comes with issue 4)");
        return 3;
    }
}
