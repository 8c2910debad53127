package dev.baton.runtime.train;

import dev.baton.runtime.model.ForwardSchedule;
import dev.baton.runtime.schedule.TrainingSchedule;

/**
 * Everything the schedule fixes for one training step, decided by the loop and handed to the
 * {@link StepExecutor}: an immutable value, so the actor runtime can send it to every worker.
 *
 * @param step     training step, 0-based
 * @param forward  MTP weights and attention windows of the step's forward passes
 * @param lrFactor the record's get_lr(step), multiplying every base learning rate
 * @param momentum NorMuon momentum of the step
 * @param adamStep true when the Adam parameters update (their gradients accumulate otherwise)
 */
public record StepSpec(int step, ForwardSchedule forward, double lrFactor, double momentum, boolean adamStep) {

    /** The spec of {@code step} under {@code schedule}. */
    public static StepSpec of(TrainingSchedule schedule, int step) {
        var w = schedule.windows(step);
        return new StepSpec(step, new ForwardSchedule(schedule.mtpWeights(step), w.shortBlocks(), w.longBlocks()),
                schedule.lrFactor(step), schedule.momentum(step), schedule.isAdamStep(step));
    }
}
