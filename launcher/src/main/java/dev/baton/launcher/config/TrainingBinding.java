package dev.baton.launcher.config;

import dev.baton.conf.Settings;
import dev.baton.runtime.model.GptConfig;
import dev.baton.runtime.optim.ParamTable;
import dev.baton.runtime.schedule.ScheduleConfig;
import dev.baton.runtime.train.TrainingConfig;

/**
 * The whole configuration of a training run, bound and checked before any data is read: the
 * mathematics ({@link TrainingConfig}), the run's {@link RunPolicy}, and the compute threads of each CPU device.
 */
public record TrainingBinding(TrainingConfig training, RunPolicy policy, int threads) {

    public static TrainingBinding bind(Settings s) {
        GptConfig model = ModelBinding.bind(s);
        ParamTable table = OptimBinding.paramTable(s, model);
        ScheduleConfig schedule = ScheduleBinding.bind(s, model);
        long seed = s.wholeNumber("baton.run.seed");
        TrainingConfig training = ConfigErrors.build("baton.optim / baton.model", () -> new TrainingConfig(model, table,
                OptimBinding.adam(s), OptimBinding.normuon(s), schedule, seed));
        int world = RunBinding.world(s);
        int accum = RunBinding.accumSteps(s, world);
        return new TrainingBinding(training, RunBinding.policy(s, schedule, world, accum), RunBinding.threads(s));
    }

    /** Compute threads of the one CPU device that evaluates or samples a model: every device's threads together. */
    public int oneDeviceThreads() {
        return threads * policy.world();
    }

    /** The longest slice a step or validation hands a device: what the model's buffers are sized for. */
    public int maxSliceTokens() {
        int slices = policy.world() * policy.accumSteps();
        int longest = training.schedule().extensionBatchTokens();
        for (int b : training.schedule().batchTokens()) {
            longest = Math.max(longest, b);
        }
        return Math.max(longest, policy.valBatchTokens()) / slices;
    }
}
