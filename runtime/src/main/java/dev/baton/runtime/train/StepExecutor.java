package dev.baton.runtime.train;

import dev.baton.runtime.data.Batch;
import dev.baton.runtime.model.ForwardSchedule;
import dev.baton.runtime.schedule.YarnTransition;

/**
 * What runs the steps the {@link TrainingLoop} plans: forward, backward and the optimizer update
 * of one step, evaluation, YaRN, and the state a checkpoint keeps. The loop owns the schedule,
 * the data, validation cadence, logging and checkpoint policy; an executor owns the devices.
 *
 * <p>{@link SingleDeviceExecutor} runs everything on one device (W = 1), taking the slices of
 * every rank in turn. The actor runtime implements the same interface with W workers: each call
 * is one message flow (a {@link StepSpec} and the batches are immutable values), and the results
 * must equal W = 1 up to floating-point summation order.
 *
 * <p>Batches come as {@code [microStep][rank]}: every slice contributes {@code 1 / slices} of the
 * step's gradient (the record's {@code loss / grad_accum_steps}, averaged over ranks).
 */
public interface StepExecutor extends AutoCloseable {
    /** Applies YaRN for a change of the long window, before the step or evaluation that first uses it. */
    void applyYarn(YarnTransition transition);

    /**
     * One training step: forward and backward of every slice, then the optimizer update of
     * {@code spec}. Returns the summed training loss (MTP-weighted, unscaled) and the tokens.
     */
    LossSum train(StepSpec spec, Batch[][] batches);

    /** Evaluation-form loss (next-token cross-entropy) summed over the tokens of every slice. */
    LossSum evaluate(Batch[][] batches, ForwardSchedule forward);

    /** Host copies of the weights, the whole optimizer state and the rotary state. */
    TrainingState exportState();

    /**
     * Replaces the weights, optimizer state and rotary state with {@code state}; names and
     * shapes must match this model exactly ({@code CheckpointException} otherwise).
     */
    void importState(TrainingState state);

    /** Releases every device buffer. */
    @Override
    void close();
}
