package dev.baton.launcher;

import dev.baton.launcher.command.BenchCommand;
import dev.baton.launcher.command.EvalCommand;
import dev.baton.launcher.command.InfoCommand;
import dev.baton.launcher.command.PrepareCommand;
import dev.baton.launcher.command.ReplayCommand;
import dev.baton.launcher.command.SampleCommand;
import dev.baton.launcher.command.TrainCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code baton} command line: one entry point, one subcommand per job. */
@Command(name = "baton", mixinStandardHelpOptions = true, version = "baton 0.1.0",
        description = "Trains GPT language models on CPUs and NVIDIA GPUs, one actor per device.",
        subcommands = {TrainCommand.class, EvalCommand.class, SampleCommand.class, PrepareCommand.class,
                ReplayCommand.class, BenchCommand.class, InfoCommand.class})
public final class Baton implements Runnable {
    public static void main(String[] args) {
        System.exit(new CommandLine(new Baton()).execute(args));
    }

    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }
}
