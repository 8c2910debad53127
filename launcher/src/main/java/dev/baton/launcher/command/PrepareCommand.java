package dev.baton.launcher.command;

import picocli.CommandLine.Command;

import java.util.concurrent.Callable;

/** {@code baton prepare}: Turns text into token shards. */
@Command(name = "prepare", mixinStandardHelpOptions = true, description = "Turns text into token shards.")
public final class PrepareCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        System.err.println("baton prepare: not available yet (it comes with issue 3)");
        return 3;
    }
}
