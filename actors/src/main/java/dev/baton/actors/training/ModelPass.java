package dev.baton.actors.training;

import dev.baton.actors.work.EvalResult;
import dev.baton.runtime.data.Batch;

/**
 * The model's part of a device's work: forward and backward of a micro-batch into the gradient
 * buffers of its {@code ParamSet}, and evaluation. The lead implements it with {@code Gpt} (the
 * step gives the schedule's windows, MTP weights and YaRN transitions); tests use a small fake.
 */
public interface ModelPass extends AutoCloseable {
    /**
     * Forward and backward of {@code batch} at training step {@code step}; adds
     * {@code lossScale · d(loss)/dθ} into every parameter's gradient and returns {@code lossScale · loss}.
     */
    double forwardBackward(Batch batch, float lossScale, int step);

    /** Evaluation loss of one batch, no gradients. */
    EvalResult evaluate(Batch batch);

    @Override
    void close();
}
