package dev.baton.launcher.command;

import dev.baton.conf.ResolvedConfig;
import dev.baton.launcher.ExitCodes;
import dev.baton.launcher.golf.GolfSettings;
import dev.baton.launcher.golf.GolfTrainRun;
import dev.baton.launcher.train.TrainingData;
import dev.baton.launcher.options.ConfigOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

/**
 * {@code baton train}: trains a model from a configuration. Until issue 4 brings the model and
 * the training loop, it validates the configuration, prepares the data and says that training is
 * not available.
 */
@Command(name = "train", mixinStandardHelpOptions = true,
        description = "Trains a model with the chosen profile and overrides (the model comes with issue 4).")
public final class TrainCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    ConfigOptions config;

    @Override
    public Integer call() {
        ResolvedConfig resolved = config.load();
        if (GolfSettings.selected(resolved.settings())) {
            return GolfTrainRun.run(resolved, spec.commandLine().getOut());
        }
        TrainingData data = TrainingData.resolve(resolved.settings());
        spec.commandLine().getErr().println("baton train: data ready (" + data.description() + ", "
                + data.train().totalTokens() + " train tokens); training is not available yet (the model and the "
                + "training loop come with issue 4)");
        return ExitCodes.NOT_AVAILABLE;
    }
}
