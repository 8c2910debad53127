package dev.baton.runtime.model.golf;

import dev.baton.runtime.ops.Ops;
import dev.baton.runtime.tensor.Tensor;

/**
 * Exclusive self-attention (XSA, seed 002 on the last 4 layers): each head's attention output
 * loses its component along the token's own normalised value vector before the output projection,
 * {@code z = y − (y·v̂) v̂}; zero parameters. With grouped-query attention the value rows are the
 * K/V heads repeated to the query heads (the same v for every head of a group, as the record's
 * GQA-aware form). Keeps z for the projection's weight gradient and the extra value gradient.
 */
final class ExclusiveSelfAttention implements AutoCloseable {
    private final Ops ops;
    private final Tensor z;
    private final Tensor dv;

    ExclusiveSelfAttention(Ops ops, int maxTokens, int width) {
        this.ops = ops;
        z = GolfWorkspace.activations(ops, maxTokens, width);
        dv = GolfWorkspace.activations(ops, maxTokens, width);
    }

    /** z of the (T·H, hd) head rows of y and v; returns z as (T, H·hd) rows. */
    Tensor forward(GolfStep step, Tensor yHeads, Tensor vHeads) {
        Tensor out = step.rows(z);
        ops.exclusiveProjection(yHeads, vHeads, out.view(yHeads.shape()));
        return out;
    }

    /** z's rows as the latest forward left them. */
    Tensor output(GolfStep step) {
        return step.rows(z);
    }

    /**
     * Turns {@code dzHeads} (gradient of z, (T·H, hd)) in place into the gradient of y, and keeps
     * the gradient it adds to the repeated values for {@link #valueGradient}.
     */
    void backward(GolfStep step, Tensor dzHeads, Tensor yHeads, Tensor vHeads) {
        Tensor d = step.rows(dv).view(dzHeads.shape());
        ops.fill(d, 0f);
        ops.exclusiveProjectionBackward(dzHeads, yHeads, vHeads, dzHeads, d);
    }

    /** The gradient XSA sends to the repeated value rows, (T, H·hd). */
    Tensor valueGradient(GolfStep step) {
        return step.rows(dv);
    }

    @Override
    public void close() {
        z.close();
        dv.close();
    }
}
