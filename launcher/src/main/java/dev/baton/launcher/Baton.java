package dev.baton.launcher;

import dev.baton.launcher.command.BenchCommand;
import dev.baton.launcher.command.EvalCommand;
import dev.baton.launcher.command.ExportCommand;
import dev.baton.launcher.command.InfoCommand;
import dev.baton.launcher.command.PrepareCommand;
import dev.baton.launcher.command.ReplayCommand;
import dev.baton.launcher.command.SampleCommand;
import dev.baton.launcher.command.TrainCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;

/** The {@code baton} command line: one entry point, one subcommand per job. */
// scope INHERIT: every subcommand gets --help and a --version that names this build
@Command(name = "baton", mixinStandardHelpOptions = true, versionProvider = BatonVersion.class,
        scope = CommandLine.ScopeType.INHERIT,
        description = "Trains GPT language models on CPUs and NVIDIA GPUs, one actor per device.",
        subcommands = {TrainCommand.class, EvalCommand.class, SampleCommand.class, PrepareCommand.class,
                ReplayCommand.class, BenchCommand.class, InfoCommand.class, ExportCommand.class})
public final class Baton implements Runnable {
    @Spec
    CommandSpec spec;

    public static void main(String[] args) {
        // bind SLF4J on this thread before any actor thread logs: concurrent first calls make it
        // print a "logging calls ... intercepted and replayed" notice on every run
        org.slf4j.LoggerFactory.getILoggerFactory();
        PrintWriter out = new PrintWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8), true);
        PrintWriter err = new PrintWriter(new OutputStreamWriter(System.err, StandardCharsets.UTF_8), true);
        int code = commandLine(out, err).execute(args);
        out.flush();
        err.flush();
        System.exit(code);
    }

    /**
     * The configured command line writing to the given streams: one-line errors with exit code 2
     * for a bad command line or configuration. Tests run it in-process; only {@link #main} exits.
     */
    public static CommandLine commandLine(PrintWriter out, PrintWriter err) {
        CommandLine commandLine = new CommandLine(new Baton());
        commandLine.setOut(out);
        commandLine.setErr(err);
        commandLine.setParameterExceptionHandler(new ParameterErrorHandler());
        commandLine.setExecutionExceptionHandler(new ExecutionErrorHandler());
        return commandLine;
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
