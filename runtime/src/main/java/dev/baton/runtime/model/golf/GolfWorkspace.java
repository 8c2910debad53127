package dev.baton.runtime.model.golf;

import dev.baton.runtime.ops.Ops;
import dev.baton.runtime.tensor.DType;
import dev.baton.runtime.tensor.Shape;
import dev.baton.runtime.tensor.Tensor;

/**
 * Temporaries shared by all blocks, each dead once the layer that wrote it returns, sized once for
 * the longest batch: the running residual gradient and x0's, scratch rows, the repeated K/V heads
 * (recomputed in backward rather than kept per layer) and the gradients that flow inside a
 * sublayer.
 */
final class GolfWorkspace implements AutoCloseable {
    final Tensor dres;
    final Tensor dx0;
    final Tensor dxn;
    final Tensor scratch;
    final Tensor scratchKv;
    final Tensor kRep;
    final Tensor vRep;
    final Tensor dOut;
    final Tensor dy;
    final Tensor dq;
    final Tensor dkRep;
    final Tensor dvRep;
    final Tensor dk;
    final Tensor dv;
    final Tensor delta;
    final Tensor act;
    final Tensor dact;

    GolfWorkspace(Ops ops, GolfConfig c, int maxTokens) {
        int d = c.modelDim();
        int kv = c.kvDim();
        dres = activations(ops, maxTokens, d);
        dx0 = activations(ops, maxTokens, d);
        dxn = activations(ops, maxTokens, d);
        scratch = activations(ops, maxTokens, d);
        scratchKv = activations(ops, maxTokens, kv);
        kRep = activations(ops, maxTokens, d);
        vRep = activations(ops, maxTokens, d);
        dOut = activations(ops, maxTokens, d);
        dy = activations(ops, maxTokens, d);
        dq = activations(ops, maxTokens, d);
        dkRep = activations(ops, maxTokens, d);
        dvRep = activations(ops, maxTokens, d);
        dk = activations(ops, maxTokens, kv);
        dv = activations(ops, maxTokens, kv);
        delta = statistics(ops, maxTokens, c.numHeads());
        act = activations(ops, maxTokens, c.mlpHidden());
        dact = activations(ops, maxTokens, c.mlpHidden());
    }

    /** Activation rows in the backend's activation type. */
    static Tensor activations(Ops ops, int rows, int cols) {
        return ops.allocate(Shape.of(rows, cols), ops.activationType());
    }

    /** Per-row statistics (rms-norm rstd, attention lse, losses), fp32 on every backend. */
    static Tensor statistics(Ops ops, int rows, int cols) {
        return ops.allocate(Shape.of(rows, cols), DType.F32);
    }

    @Override
    public void close() {
        for (Tensor t : new Tensor[] {dres, dx0, dxn, scratch, scratchKv, kRep, vRep, dOut, dy, dq, dkRep, dvRep, dk, dv,
                delta, act, dact}) {
            t.close();
        }
    }
}
