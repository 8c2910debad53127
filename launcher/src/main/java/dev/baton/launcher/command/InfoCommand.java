package dev.baton.launcher.command;

import picocli.CommandLine.Command;

import java.util.concurrent.Callable;

/** {@code baton info}: Prints the resolved configuration and the devices. */
@Command(name = "info", mixinStandardHelpOptions = true, description = "Prints the resolved configuration and the devices.")
public final class InfoCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        System.err.println("baton info: not available yet (it comes with issue 3)");
        return 3;
    }
}
