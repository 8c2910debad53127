package dev.baton.runtime.train;

import dev.baton.runtime.model.GptConfig;
import dev.baton.runtime.optim.AdamConfig;
import dev.baton.runtime.optim.NorMuonConfig;
import dev.baton.runtime.optim.ParamTable;
import dev.baton.runtime.schedule.ScheduleConfig;

/**
 * The mathematics of a training run: model, param table, optimizer hyperparameters, schedules and
 * the seed of the portable initialisation. Two runs with equal configs and data compute the same
 * numbers; the {@link RunPolicy} says only when to validate, log and checkpoint.
 */
public record TrainingConfig(GptConfig model, ParamTable table, AdamConfig adam, NorMuonConfig normuon,
                             ScheduleConfig schedule, long seed) {
    public TrainingConfig {
        if (schedule.blockSize() != model.blockSize()) {
            throw new IllegalArgumentException("the schedule's window block (" + schedule.blockSize()
                    + " tokens) differs from the model's (" + model.blockSize() + ")");
        }
    }

    /** GOLDEN.md's record-small: the golden file's model, table, optimizers and schedules, seed 1234. */
    public static TrainingConfig recordSmall() {
        return new TrainingConfig(GptConfig.recordSmall(), ParamTable.record(), AdamConfig.record(),
                NorMuonConfig.record(), ScheduleConfig.recordSmall(), 1234);
    }
}
