package dev.baton.runtime.train;

import dev.baton.runtime.data.Batch;

/**
 * The model's part of a device's training work: forward and backward of a micro-batch into the
 * gradient buffers of its parameters, and evaluation, at a step of the training schedule.
 * {@link GptPass} implements it with the GPT (the step gives the schedule's windows, MTP weights
 * and YaRN); tests also use simpler models.
 */
public interface ModelPass extends AutoCloseable {
    /**
     * Forward and backward of {@code batch} at training step {@code step}; adds
     * {@code lossScale · d(loss)/dθ} into every parameter's gradient and returns {@code lossScale}
     * times the batch's training loss per token (the figure a run reports; every micro-batch of a
     * step has the same token count, so averaging these over ranks gives the step's mean).
     */
    double forwardBackward(Batch batch, float lossScale, int step);

    /** Evaluation loss of one batch, summed over its tokens, of the model after {@code stepsDone} training steps. */
    LossSum evaluate(Batch batch, int stepsDone);

    @Override
    void close();
}
