package dev.baton.launcher.command;

import dev.baton.launcher.ExitCodes;
import dev.baton.launcher.golf.GolfEvalOptions;
import dev.baton.launcher.options.ConfigOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

/**
 * {@code baton eval}: evaluates a checkpoint. {@code --metric bpb} (or {@code --artifact}) scores a
 * golf model in bits per byte; the plain loss of the record's model comes with issue 4.
 */
@Command(name = "eval", mixinStandardHelpOptions = true,
        description = "Evaluates a checkpoint. --metric bpb: parameter golf's val_loss and val_bpb of a golf checkpoint "
                + "or (--artifact) of an exported artifact. (The plain loss comes with issue 4.)")
public final class EvalCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    ConfigOptions config;

    @Mixin
    GolfEvalOptions golf;

    @Override
    public Integer call() {
        if (golf.requested()) {
            return golf.run(config.load(), spec.commandLine().getOut());
        }
        spec.commandLine().getErr().println("baton eval: not available yet (it comes with issue 4)");
        return ExitCodes.NOT_AVAILABLE;
    }
}
