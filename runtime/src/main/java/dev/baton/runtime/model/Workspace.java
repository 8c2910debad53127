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
        scratchA = activations(ops, maxTokens, d);
        scratchB = activations(ops, maxTokens, d);
        dres = activations(ops, maxTokens, d);
        dx0 = activations(ops, maxTokens, d);
        dxn = activations(ops, maxTokens, d);
        dy = activations(ops, maxTokens, d);
        dAttnOut = activations(ops, maxTokens, d);
        dq = activations(ops, maxTokens, d);
        dk = activations(ops, maxTokens, d);
        dv = activations(ops, maxTokens, d);
        delta = statistics(ops, maxTokens, h);
        dAttnGate = activations(ops, maxTokens, h);
        dValueGate = activations(ops, maxTokens, h);
        dSkipGate = activations(ops, maxTokens, 1);
        act = activations(ops, maxTokens, c.mlpHidden());
        dact = activations(ops, maxTokens, c.mlpHidden());
        weightGrad = ops.allocate(Shape.of(4 * d, d), DType.F32);
    }

    /** Activation rows in the backend's activation type (fp32 on CPU, bf16 where a GPU backend wants it). */
    static Tensor activations(Ops ops, int rows, int cols) {
        return ops.allocate(Shape.of(rows, cols), ops.activationType());
    }

    /** Per-row statistics kept in fp32 on every backend: rms-norm rstd, attention lse and delta, losses. */
    static Tensor statistics(Ops ops, int rows, int cols) {
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
