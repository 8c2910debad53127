package dev.baton.actors.training;

import dev.baton.actors.work.EvalResult;
import dev.baton.runtime.data.Batch;

/**
 * The model's part of a device's work: forward and backward of a micro-batch into the gradient
 * buffers of its {@code ParamSet}, and evaluation. {@link GptPass} implements it with {@code Gpt}
 * (the step gives the schedule's windows, MTP weights and YaRN transitions); tests also use a fake.
 */
public interface ModelPass extends AutoCloseable {
    /**
     * Forward and backward of {@code batch} at training step {@code step}; adds
     * {@code lossScale · d(loss)/dθ} into every parameter's gradient and returns {@code lossScale}
     * times the batch's training loss per token (the figure a run reports; every micro-batch of a
     * step has the same token count, so averaging these over ranks gives the step's mean).
     */
    double forwardBackward(Batch batch, float lossScale, int step);

    /** Evaluation loss of one batch, no gradients, of the model after {@code stepsDone} training steps. */
    EvalResult evaluate(Batch batch, int stepsDone);

    @Override
    void close();
}
