package dev.baton.launcher.train;

import dev.baton.conf.ResolvedConfig;
import dev.baton.launcher.config.TrainingBinding;
import dev.baton.launcher.options.ProfileOptions;
import dev.baton.runtime.checkpoint.CheckpointException;
import dev.baton.runtime.train.SingleDeviceExecutor;
import dev.baton.runtime.train.TrainingCheckpoint;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A checkpoint opened for {@code eval} and {@code sample}: its configuration (the checkpoint's
 * {@code config.conf} layered over the profile, under the user's {@code --set}s), the bound
 * training configuration and the checkpoint's state, ready to load into a device.
 */
public record CheckpointRun(Path dir, ResolvedConfig config, TrainingBinding binding, TrainingCheckpoint.Loaded loaded) {

    /** Opens the checkpoint named by {@code given} (a folder, or a checkpoint directory's latest). */
    public static CheckpointRun open(Path given, ProfileOptions profile) {
        Path dir = CheckpointLocation.resolve(given);
        Path conf = dir.resolve(TrainingCheckpoint.CONFIG);
        if (!Files.isRegularFile(conf)) {
            throw new CheckpointException("checkpoint " + dir + " has no " + TrainingCheckpoint.CONFIG
                    + " (the configuration it was trained with)");
        }
        ResolvedConfig config = profile.load(conf);
        TrainingBinding binding = TrainingBinding.bind(config.settings());
        return new CheckpointRun(dir, config, binding, TrainingCheckpoint.read(dir, binding.training().table()));
    }

    /** Steps the checkpoint's run had completed. */
    public int stepsDone() {
        return loaded.index().nextStep();
    }

    /** A CPU device holding the checkpoint's weights, optimizer and rotary state, sized for {@code maxTokens}. */
    public SingleDeviceExecutor device(int maxTokens) {
        SingleDeviceExecutor exec = SingleDeviceExecutor.onCpu(binding.training(), maxTokens, binding.threads());
        try {
            exec.importState(loaded.state());
            return exec;
        } catch (RuntimeException e) {
            exec.close();
            throw e;
        }
    }
}
