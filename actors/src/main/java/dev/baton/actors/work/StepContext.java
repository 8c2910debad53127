package dev.baton.actors.work;

/**
 * What a device needs to know about the step it works on; learning rates and momenta follow
 * from {@code step} through the trainer's own schedule.
 *
 * @param step       training step, 0-based
 * @param adamStep   true when Adam parameters are updated this step (the record: odd steps)
 * @param tied       true while embed and lm_head are tied (steps up to and including the split step)
 * @param microSteps gradient-accumulation micro-steps of this step (losses are scaled by 1/microSteps)
 */
public record StepContext(long step, boolean adamStep, boolean tied, int microSteps) {
}
