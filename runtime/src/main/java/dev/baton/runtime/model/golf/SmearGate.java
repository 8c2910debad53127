package dev.baton.runtime.model.golf;

import dev.baton.runtime.ops.Ops;
import dev.baton.runtime.param.Param;
import dev.baton.runtime.param.ParamSet;
import dev.baton.runtime.tensor.DType;
import dev.baton.runtime.tensor.Shape;
import dev.baton.runtime.tensor.Tensor;

/**
 * SmearGate in its golf form (record 1.1458, seed 002): {@code x[t] = (1−g) ⊙ x[t] + g ⊙ x[t−1]}
 * with {@code g = σ(smear.gate)} per channel (gate 0 at start, so g = ½) and zeros in place of
 * x[t−1] at every sequence start, so a token only ever mixes with the one before it.
 *
 * <p>The speedrun's smear gate ({@code GateOps}) computes its gate from each row's first channels;
 * this one is a per-channel parameter, so it is built from {@code scaledAdd} instead: the forward
 * is {@code x + g ⊙ (x[t−1] − x)}. σ of the d gate values is computed on the host once per
 * forward (a d-element read).
 */
final class SmearGate implements AutoCloseable {
    static final String GATE = "smear.gate";

    private final Ops ops;
    private final Tensor gate;
    private final Tensor gateGrad;
    private final Tensor sig;
    private final Tensor sigGrad;
    private final Tensor diff;
    private final Tensor out;
    private final Tensor dDiff;

    SmearGate(Ops ops, GolfConfig config, ParamSet params, int maxTokens) {
        this.ops = ops;
        Param p = params.get(GATE);
        gate = p.value();
        gateGrad = p.grad();
        int d = config.modelDim();
        sig = ops.allocate(Shape.of(d), DType.F32);
        sigGrad = ops.allocate(Shape.of(d), DType.F32);
        diff = GolfWorkspace.activations(ops, maxTokens, d);
        out = GolfWorkspace.activations(ops, maxTokens, d);
        dDiff = GolfWorkspace.activations(ops, maxTokens, d);
    }

    /** Returns the smeared rows of {@code x} (a buffer of this gate's). */
    Tensor forward(GolfStep step, Tensor x) {
        float[] g = ops.download(gate);
        for (int c = 0; c < g.length; c++) {
            g[c] = (float) (1.0 / (1.0 + Math.exp(-g[c])));
        }
        ops.write(sig, g);
        int t = step.tokens;
        Tensor dv = step.rows(diff);
        // diff = shift(x) − x, the shifted row zero at every sequence start
        if (t > 1) {
            ops.copy(dv.narrow(1, t - 1), x.narrow(0, t - 1));
        }
        for (int s = 0; s < t; s += step.seqLen) {
            ops.fill(dv.narrow(s, 1), 0f);
        }
        ops.axpby(dv, 1f, dv, -1f, x);
        Tensor o = step.rows(out);
        ops.scaledAdd(o, x, dv, sig);
        return o;
    }

    /** On entry {@code dres} is the gradient of the output; on return, of the input x. */
    void backward(GolfStep step, Tensor dres) {
        int t = step.tokens;
        Tensor dd = step.rows(dDiff);
        ops.fill(sigGrad, 0f);
        ops.scaledAddBackward(dres, step.rows(diff), sig, dd, false, sigGrad);
        // dgate = dσ · σ(1 − σ)
        float[] g = ops.download(sig);
        float[] dg = ops.download(sigGrad);
        float[] acc = ops.download(gateGrad);
        for (int c = 0; c < g.length; c++) {
            acc[c] += dg[c] * g[c] * (1 - g[c]);
        }
        ops.write(gateGrad, acc);
        // x enters diff as −x and, one row later, as shift(x) (except across a sequence start)
        ops.axpby(dres, 1f, dres, -1f, dd);
        for (int s = 0; s < t; s += step.seqLen) {
            ops.fill(dd.narrow(s, 1), 0f);
        }
        if (t > 1) {
            Tensor head = dres.narrow(0, t - 1);
            ops.axpby(head, 1f, head, 1f, dd.narrow(1, t - 1));
        }
    }

    @Override
    public void close() {
        for (Tensor x : new Tensor[] {sig, sigGrad, diff, out, dDiff}) {
            x.close();
        }
    }
}
