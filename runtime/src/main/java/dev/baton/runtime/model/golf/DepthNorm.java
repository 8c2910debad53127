package dev.baton.runtime.model.golf;

import dev.baton.runtime.ops.Ops;
import dev.baton.runtime.param.Param;
import dev.baton.runtime.param.ParamSet;
import dev.baton.runtime.tensor.Tensor;

/**
 * A Universal-Transformer pre-norm of one depth: {@code rms_norm(x) ⊙ weight + bias}, its own
 * weight and bias at every depth while the sublayer after it is shared. The bias is the depth
 * embedding of seed 004 (it adds a different vector at each depth). Parameters
 * {@code <prefix>weight} (init 1) and {@code <prefix>bias} (init 0), both (d).
 */
final class DepthNorm implements AutoCloseable {
    private final Ops ops;
    private final float eps;
    private final Tensor weight;
    private final Tensor weightGrad;
    private final Tensor bias;
    private final Tensor biasGrad;
    /** Shared by all depth norms of a model: rows of ones, the "input" the bias scales. */
    private final Tensor ones;
    private final Tensor raw;
    private final Tensor rstd;
    private final Tensor dRaw;

    DepthNorm(Ops ops, GolfConfig config, ParamSet params, String prefix, Tensor ones, Tensor dRaw, int maxTokens) {
        this.ops = ops;
        this.eps = config.rmsEps();
        Param w = params.get(prefix + "weight");
        Param b = params.get(prefix + "bias");
        weight = w.value();
        weightGrad = w.grad();
        bias = b.value();
        biasGrad = b.grad();
        this.ones = ones;
        this.dRaw = dRaw;
        raw = GolfWorkspace.activations(ops, maxTokens, config.modelDim());
        rstd = GolfWorkspace.statistics(ops, maxTokens, 1);
    }

    /** {@code out = rms_norm(x) ⊙ weight + bias}. */
    void forward(GolfStep step, Tensor x, Tensor out) {
        Tensor r = step.rows(raw);
        ops.rmsNormForward(x, r, step.rows(rstd), eps);
        ops.scaledAdd(out, null, r, weight);
        ops.scaledAdd(out, out, step.rows(ones), bias);
    }

    /** Adds the gradient of x into {@code dx} from {@code dout}; accumulates weight and bias gradients. */
    void backward(GolfStep step, Tensor x, Tensor dout, Tensor dx) {
        Tensor dr = step.rows(dRaw);
        ops.scaledAddBackward(dout, step.rows(ones), bias, null, false, biasGrad);
        ops.scaledAddBackward(dout, step.rows(raw), weight, dr, false, weightGrad);
        ops.rmsNormBackward(x, step.rows(rstd), dr, dx, true);
    }

    @Override
    public void close() {
        raw.close();
        rstd.close();
    }
}
