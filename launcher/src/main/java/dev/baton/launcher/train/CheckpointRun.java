package dev.baton.launcher.train;

import dev.baton.conf.ResolvedConfig;
import dev.baton.launcher.config.TrainingBinding;
import dev.baton.launcher.options.ProfileOptions;
import dev.baton.runtime.checkpoint.CheckpointException;
import dev.baton.runtime.checkpoint.CheckpointIndex;
import dev.baton.runtime.schedule.TrainingSchedule;
import dev.baton.runtime.train.LoadedModel;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A checkpoint opened for {@code eval} and {@code sample}: its configuration (the checkpoint's
 * {@code config.conf} layered over the profile, under the user's {@code --set}s), the bound
 * training configuration and the checkpoint's index, ready to load its weights into a CPU device.
 */
public record CheckpointRun(Path dir, ResolvedConfig config, TrainingBinding binding, CheckpointIndex index) {

    /** Opens the checkpoint named by {@code given} (a folder, or a checkpoint directory's latest). */
    public static CheckpointRun open(Path given, ProfileOptions profile) {
        Path dir = CheckpointLocation.resolve(given);
        Path conf = dir.resolve(CheckpointIndex.CONFIG);
        if (!Files.isRegularFile(conf)) {
            throw new CheckpointException("checkpoint " + dir + " has no " + CheckpointIndex.CONFIG
                    + " (the configuration it was trained with)");
        }
        ResolvedConfig config = profile.load(conf);
        TrainingBinding binding = TrainingBinding.bind(config.settings());
        return new CheckpointRun(dir, config, binding, CheckpointIndex.read(dir));
    }

    /** Steps the checkpoint's run had completed. */
    public int stepsDone() {
        return Math.toIntExact(index.nextStep());
    }

    /** The checkpoint's weights in a model on one CPU device, sized for slices of {@code maxTokens}. */
    public LoadedModel model(int maxTokens) {
        return LoadedModel.load(dir, binding.training().model(), new TrainingSchedule(binding.training().schedule()),
                maxTokens, binding.oneDeviceThreads());
    }
}
