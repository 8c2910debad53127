package dev.baton.runtime.model.golf;

import dev.baton.runtime.ops.Ops;
import dev.baton.runtime.param.Param;
import dev.baton.runtime.param.ParamSet;
import dev.baton.runtime.tensor.Tensor;

/**
 * One block of the baseline: on decoder blocks that receive a U-net skip,
 * {@code x += skip_weights[j] ⊙ skip}; then {@code x = resid_mix[0] ⊙ x + resid_mix[1] ⊙ x0}, the
 * attention sublayer and the MLP sublayer. Keeps its residual states for backward.
 */
final class GolfBlock implements AutoCloseable {
    private final Ops ops;
    private final GolfAttention attention;
    private final GolfMlp mlp;
    private final Tensor mix0;
    private final Tensor mix1;
    private final Tensor mix0Grad;
    private final Tensor mix1Grad;
    private final Tensor skipWeight;
    private final Tensor skipWeightGrad;
    private final Tensor xSkip;
    private final Tensor xMixed;
    private final Tensor xAttn;
    private final Tensor xOut;
    private Tensor input;

    /**
     * @param skipIndex the row of {@code skip_weights} this block uses, or -1 when it takes no skip
     */
    GolfBlock(Ops ops, GolfConfig config, ParamSet params, GolfWorkspace ws, GolfRope rope, int layer, int skipIndex,
              int maxTokens) {
        this.ops = ops;
        this.attention = new GolfAttention(ops, config, params, ws, rope, layer, maxTokens);
        this.mlp = new GolfMlp(ops, config, params, ws, layer, maxTokens);
        Param mix = params.get(GolfParams.block(layer, GolfParams.RESID_MIX));
        this.mix0 = mix.value().narrow(0, 1);
        this.mix1 = mix.value().narrow(1, 1);
        this.mix0Grad = mix.grad().narrow(0, 1);
        this.mix1Grad = mix.grad().narrow(1, 1);
        Param skip = params.get(GolfParams.SKIP_WEIGHTS);
        this.skipWeight = skipIndex < 0 ? null : skip.value().narrow(skipIndex, 1);
        this.skipWeightGrad = skipIndex < 0 ? null : skip.grad().narrow(skipIndex, 1);
        int d = config.modelDim();
        xSkip = skipIndex < 0 ? null : GolfWorkspace.activations(ops, maxTokens, d);
        xMixed = GolfWorkspace.activations(ops, maxTokens, d);
        xAttn = GolfWorkspace.activations(ops, maxTokens, d);
        xOut = GolfWorkspace.activations(ops, maxTokens, d);
    }

    /**
     * Runs the block on {@code xPrev} (the previous block's output, x0 for block 0) and returns its
     * output rows. {@code skip} is the paired encoder block's output on skip-taking blocks, else null.
     */
    Tensor forward(GolfStep step, Tensor xPrev, Tensor x0, Tensor skip) {
        Tensor x = xPrev;
        if (skipWeight != null) {
            x = step.rows(xSkip);
            ops.scaledAdd(x, xPrev, skip, skipWeight);
        }
        input = x;
        Tensor mixed = step.rows(xMixed);
        ops.scaledAdd(mixed, null, x, mix0);
        ops.scaledAdd(mixed, mixed, x0, mix1);
        Tensor afterAttn = step.rows(xAttn);
        attention.forward(step, mixed, afterAttn);
        Tensor out = step.rows(xOut);
        mlp.forward(step, afterAttn, out);
        return out;
    }

    /**
     * On entry {@code dres} is the gradient of this block's output; on return, of {@code xPrev}.
     * Adds x0's gradient into {@code dx0} and the skip source's into {@code dSkip}.
     */
    void backward(GolfStep step, Tensor x0, Tensor dres, Tensor dx0, Tensor skip, Tensor dSkip) {
        mlp.backward(step, step.rows(xAttn), dres);
        attention.backward(step, step.rows(xMixed), dres);
        // mixed = mix0 ⊙ input + mix1 ⊙ x0; read dres for both before it becomes d(input)
        ops.scaledAddBackward(dres, x0, mix1, dx0, true, mix1Grad);
        ops.scaledAddBackward(dres, input, mix0, dres, false, mix0Grad);
        if (skipWeight != null) {
            ops.scaledAddBackward(dres, skip, skipWeight, dSkip, true, skipWeightGrad);
        }
    }

    @Override
    public void close() {
        attention.close();
        mlp.close();
        xMixed.close();
        xAttn.close();
        xOut.close();
        if (xSkip != null) {
            xSkip.close();
        }
    }
}
