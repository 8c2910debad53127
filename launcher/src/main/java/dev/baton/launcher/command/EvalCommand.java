package dev.baton.launcher.command;

import dev.baton.launcher.ExitCodes;
import dev.baton.launcher.golf.GolfEvalOptions;
import dev.baton.launcher.options.ProfileOptions;
import dev.baton.launcher.train.CheckpointRun;
import dev.baton.launcher.train.TrainingData;
import dev.baton.launcher.config.RunPolicy;
import dev.baton.runtime.data.StepPlan;
import dev.baton.runtime.data.ValLoader;
import dev.baton.runtime.train.LoadedModel;
import dev.baton.runtime.train.LossSum;
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
        RunPolicy policy = run.binding().policy();
        ValLoader val = new ValLoader(data.val(), policy.valBatchTokens(), policy.world(), policy.accumSteps(),
                data.tokenizer().bosId());
        LossSum loss = LossSum.ZERO;
        // the run's validation: the same slices (devices x micro-steps), each rank's summed in rank order
        try (LoadedModel model = run.model(run.binding().maxSliceTokens())) {
            for (int k = 0; k < policy.valSteps(); k++) {
                StepPlan step = val.nextStep();
                for (int a = 0; a < step.accumSteps(); a++) {
                    for (int r = 0; r < step.worldSize(); r++) {
                        loss = loss.plus(model.evaluate(step.batch(a, r), run.stepsDone()));
                    }
                }
            }
        }
        spec.commandLine().getOut().println(String.format(Locale.ROOT, "val_loss %.4f  (%s after %d steps; %d tokens of %s)",
                loss.perToken(), run.dir(), run.stepsDone(), loss.tokens(), data.description()));
        return ExitCodes.OK;
    }
}
