package dev.baton.runtime.model.golf;

import dev.baton.runtime.ops.Ops;
import dev.baton.runtime.tensor.Tensor;

/**
 * The record's MLP activation {@code leaky_relu(h, s)²}, built from the backend's relu² so that every
 * backend runs it at its relu² speed: {@code f(h) = relu(h)² + s²·relu(−h)²}, and
 * {@code f'(h) = 2·relu(h) − 2s²·relu(−h)}. Owns two scratch rows of the MLP's hidden width, shared
 * by every MLP of the model (each is dead once the call returns).
 */
final class LeakyReluSquared implements AutoCloseable {
    private final Ops ops;
    private final float slopeSquared;
    private final Tensor negated;
    private final Tensor part;

    LeakyReluSquared(Ops ops, double slope, int maxTokens, int hidden) {
        this.ops = ops;
        this.slopeSquared = (float) (slope * slope);
        this.negated = GolfWorkspace.activations(ops, maxTokens, hidden);
        this.part = GolfWorkspace.activations(ops, maxTokens, hidden);
    }

    /** {@code out = leaky_relu(h, s)²}; {@code out} must not be {@code h}. */
    void forward(Tensor h, Tensor out) {
        Tensor neg = negated.narrow(0, h.shape().dim(0));
        Tensor p = part.narrow(0, h.shape().dim(0));
        ops.axpby(neg, -1f, h, 0f, null);
        ops.relu2Forward(neg, p);
        ops.relu2Forward(h, out);
        ops.axpby(out, 1f, out, slopeSquared, p);
    }

    /** {@code dh = dout ⊙ f'(h)}; {@code dh} may be {@code dout}. */
    void backward(Tensor h, Tensor dout, Tensor dh) {
        Tensor neg = negated.narrow(0, h.shape().dim(0));
        Tensor p = part.narrow(0, h.shape().dim(0));
        ops.axpby(neg, -1f, h, 0f, null);
        ops.relu2Backward(neg, dout, p);
        ops.relu2Backward(h, dout, dh);
        ops.axpby(dh, 1f, dh, -slopeSquared, p);
    }

    @Override
    public void close() {
        negated.close();
        part.close();
    }
}
