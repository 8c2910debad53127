package dev.baton.runtime.model;

import dev.baton.runtime.ops.Ops;
import dev.baton.runtime.tensor.DType;
import dev.baton.runtime.tensor.Shape;
import dev.baton.runtime.tensor.Tensor;

/**
 * Temporaries shared by all layers (each is dead once the layer that wrote it returns), sized for
 * the longest sequence and allocated once: the running residual gradient, scratch rows for norms
 * and rotary, attention gradients, the MLP activation and the weight-gradient staging matrix.
 */
final class Workspace implements AutoCloseable {
    final Tensor scratchA;
    final Tensor scratchB;
    final Tensor dres;
    final Tensor dx0;
    final Tensor dxn;
    final Tensor dy;
    final Tensor dAttnOut;
    final Tensor dq;
    final Tensor dk;
    final Tensor dv;
    final Tensor delta;
    final Tensor dAttnGate;
    final Tensor dValueGate;
    final Tensor dSkipGate;
    final Tensor act;
    final Tensor dact;
    /** (4d, d): dW of one attention bank entry before the λ scaling, or Σ terms for λ gradients. */
    final Tensor weightGrad;

    Workspace(Ops ops, GptConfig c, int maxTokens) {
        int d = c.modelDim();
        int h = c.numHeads();
        scratchA = rows(ops, maxTokens, d);
        scratchB = rows(ops, maxTokens, d);
        dres = rows(ops, maxTokens, d);
        dx0 = rows(ops, maxTokens, d);
        dxn = rows(ops, maxTokens, d);
        dy = rows(ops, maxTokens, d);
        dAttnOut = rows(ops, maxTokens, d);
        dq = rows(ops, maxTokens, d);
        dk = rows(ops, maxTokens, d);
        dv = rows(ops, maxTokens, d);
        delta = stats(ops, maxTokens, h);
        dAttnGate = stats(ops, maxTokens, h);
        dValueGate = stats(ops, maxTokens, h);
        dSkipGate = stats(ops, maxTokens, 1);
        act = rows(ops, maxTokens, c.mlpHidden());
        dact = rows(ops, maxTokens, c.mlpHidden());
        weightGrad = ops.allocate(Shape.of(4 * d, d), DType.F32);
    }

    /** Activation rows in the backend's {@link Ops#activationType()} (bf16 on CUDA: GEMM inputs). */
    static Tensor rows(Ops ops, int rows, int cols) {
        return ops.allocate(Shape.of(rows, cols), ops.activationType());
    }

    /** Per-row statistics (rstd, lse, delta, gate values and their gradients, losses), always fp32. */
    static Tensor stats(Ops ops, int rows, int cols) {
        return ops.allocate(Shape.of(rows, cols), DType.F32);
    }

    @Override
    public void close() {
        for (Tensor t : new Tensor[] {scratchA, scratchB, dres, dx0, dxn, dy, dAttnOut, dq, dk, dv, delta, dAttnGate,
                dValueGate, dSkipGate, act, dact, weightGrad}) {
            t.close();
        }
    }
}
