package dev.baton.launcher.command;

import dev.baton.launcher.ExitCodes;
import dev.baton.launcher.golf.GolfEvalOptions;
import dev.baton.launcher.options.ProfileOptions;
import dev.baton.launcher.train.CheckpointRun;
import dev.baton.launcher.train.TrainingData;
import dev.baton.runtime.schedule.TrainingSchedule;
import dev.baton.runtime.train.LossSum;
import dev.baton.runtime.train.SingleDeviceExecutor;
import dev.baton.runtime.train.TrainingLoop;
import dev.baton.runtime.train.Validation;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code baton eval --checkpoint DIR}: the validation loss of a checkpoint, as the training loop
 * computes it at that step ({@code baton.data.val-tokens} of the val shards; after the last step
 * with the extended final window), under the checkpoint's own configuration. With
 * {@code --metric bpb} (or {@code --artifact FILE}) it scores a golf model in bits per byte
 * instead ({@link GolfEvalOptions}).
 */
@Command(name = "eval", mixinStandardHelpOptions = true,
        description = "Prints the validation loss of a checkpoint (val-tokens of the configured val shards). "
                + "--metric bpb: parameter golf's val_loss and val_bpb of a golf checkpoint, or (--artifact) of an "
                + "exported artifact after the round trip.")
public final class EvalCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    ProfileOptions profile;

    @Option(names = "--checkpoint", paramLabel = "DIR",
            description = "A checkpoint folder, or a checkpoint directory (its newest checkpoint); for --metric bpb "
                    + "also a golf weights file.")
    Path checkpoint;

    @Mixin
    GolfEvalOptions golf;

    @Override
    public Integer call() {
        if (golf.requested()) {
            return golf.run(profile.load(null), checkpoint, spec.commandLine().getOut());
        }
        if (checkpoint == null) {
            throw new ParameterException(spec.commandLine(), "Missing required option: '--checkpoint=DIR'");
        }
        CheckpointRun run = CheckpointRun.open(checkpoint, profile);
        TrainingData data = TrainingData.resolve(run.config().settings());
        var policy = run.binding().policy();
        try (SingleDeviceExecutor exec = run.device(run.binding().maxSliceTokens())) {
            var windows = TrainingLoop.evaluationWindows(new TrainingSchedule(run.binding().training().schedule()),
                    run.stepsDone());
            LossSum loss = new Validation(data.val(), policy, data.tokenizer().bosId()).run(exec, windows);
            spec.commandLine().getOut().println(String.format(Locale.ROOT,
                    "val_loss %.4f  (%s after %d steps; %d tokens of %s; windows %d/%d blocks)", loss.perToken(),
                    run.dir(), run.stepsDone(), loss.tokens(), data.description(), windows.wsShort(), windows.wsLong()));
        }
        return ExitCodes.OK;
    }
}
