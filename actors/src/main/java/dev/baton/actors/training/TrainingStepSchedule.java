package dev.baton.actors.training;

import dev.baton.actors.work.StepSchedule;
import dev.baton.runtime.schedule.TrainingSchedule;

/** The scheduler's per-step decisions (Adam step, split step) read from the training schedule. */
public record TrainingStepSchedule(TrainingSchedule schedule) implements StepSchedule {
    @Override
    public boolean adamStep(long step) {
        return schedule.isAdamStep(Math.toIntExact(step));
    }

    @Override
    public long splitStep() {
        return schedule.splitStep();
    }
}
