package dev.baton.runtime.model;

import dev.baton.runtime.ops.Ops;
import dev.baton.runtime.param.ParamSet;
import dev.baton.runtime.tensor.Tensor;

/**
 * One block of the record's loop body: the gated skip on skip-out layers, the resid/x0 lambda mix
 * ({@code (r₀ + l₀)·x} on layer 0, {@code rᵢ·x + lᵢ·x0} after), the attention sublayer when the
 * layer has one, and the MLP. Keeps its residual states for backward.
 */
final class Block implements AutoCloseable {
    private final Ops ops;
    private final GptConfig config;
    private final Workspace ws;
    private final int layer;
    private final boolean skipOut;
    private final AttentionLayer attention;
    private final MlpLayer mlp;
    private final Tensor skipGateW;
    private final Tensor skipGateG;
    private final Tensor scalarsGrad;
    private final Tensor x0LambdasGrad;
    // residual states, (maxTokens, d) each
    private final Tensor xSkip;
    private final Tensor skipGate;
    private final Tensor xMixed;
    private final Tensor xAttn;
    private final Tensor xOut;
    private Tensor input;

    Block(Ops ops, GptConfig config, ParamSet params, Workspace ws, int layer, int maxTokens) {
        this.ops = ops;
        this.config = config;
        this.ws = ws;
        this.layer = layer;
        LayerLayout l = config.layout();
        this.skipOut = l.skipSources()[layer] >= 0;
        this.attention = l.hasAttention(layer) ? new AttentionLayer(ops, config, params, ws, layer, maxTokens) : null;
        this.mlp = new MlpLayer(ops, config, params, ws, layer, maxTokens);
        this.skipGateW = params.get(GptParams.SKIP_GATE).value();
        this.skipGateG = params.get(GptParams.SKIP_GATE).grad();
        this.scalarsGrad = params.get(GptParams.SCALARS).grad();
        this.x0LambdasGrad = params.get(GptParams.X0_LAMBDAS).grad();
        int d = config.modelDim();
        xSkip = skipOut ? Workspace.activations(ops, maxTokens, d) : null;
        skipGate = skipOut ? Workspace.activations(ops, maxTokens, 1) : null;
        xMixed = Workspace.activations(ops, maxTokens, d);
        xAttn = attention != null ? Workspace.activations(ops, maxTokens, d) : null;
        xOut = Workspace.activations(ops, maxTokens, d);
    }

    private float skipScale(StepContext ctx) {
        float sl = ctx.scalars[config.scalars().skipLambda()];
        return 2f * sigmoid(sl);
    }

    private static float sigmoid(float x) {
        return (float) (1.0 / (1.0 + Math.exp(-x)));
    }

    /**
     * Runs the block on {@code xPrev} (the previous block's output, x0 for layer 0) and returns its
     * output rows. {@code skip} is the skip-in block's output on skip-out layers, else null.
     */
    Tensor forward(StepContext ctx, Tensor xPrev, Tensor x0, Tensor skip, Tensor[] valueEmbeds) {
        ScalarsLayout sl = config.scalars();
        Tensor x = xPrev;
        if (skipOut) {
            Tensor g = ctx.rows(skipGate);
            ops.gateForward(x0, skipGateW, g);
            x = ctx.rows(xSkip);
            ops.gatedAdd(x, xPrev, skip, g, skipScale(ctx));
        }
        input = x;
        float r = ctx.scalars[sl.residLambda(layer)];
        float l0 = ctx.x0Lambdas[layer];
        Tensor mixed = ctx.rows(xMixed);
        if (layer == 0) {
            ops.axpby(mixed, r + l0, x, 0f, null);
        } else {
            ops.axpby(mixed, r, x, l0, x0);
        }
        Tensor beforeMlp = mixed;
        if (attention != null) {
            beforeMlp = ctx.rows(xAttn);
            attention.forward(ctx, mixed, beforeMlp, valueEmbeds);
        }
        Tensor out = ctx.rows(xOut);
        mlp.forward(ctx, beforeMlp, out);
        return out;
    }

    /**
     * On entry {@code dres} is the gradient of this block's output; on return, of {@code xPrev}
     * (for layer 0, whose input is x0 itself, the caller adds it into {@code dx0}). Adds x0's
     * gradient into {@code dx0} and the skip source's into {@code dSkip}.
     */
    void backward(StepContext ctx, Tensor x0, Tensor dres, Tensor dx0, Tensor skip, Tensor dSkip,
                  Tensor[] valueEmbeds, Tensor[] dValueEmbeds) {
        ScalarsLayout sl = config.scalars();
        Tensor mixed = ctx.rows(xMixed);
        Tensor beforeMlp = attention != null ? ctx.rows(xAttn) : mixed;
        mlp.backward(ctx, beforeMlp, dres);
        if (attention != null) {
            attention.backward(ctx, mixed, dres, valueEmbeds, dValueEmbeds);
        }
        float r = ctx.scalars[sl.residLambda(layer)];
        float l0 = ctx.x0Lambdas[layer];
        ops.dot(dres, input, scalarsGrad, sl.residLambda(layer), 1f, true);
        ops.dot(dres, x0, x0LambdasGrad, layer, 1f, true);
        if (layer == 0) {
            ops.axpby(dres, r + l0, dres, 0f, null);
        } else {
            ops.axpby(dx0, 1f, dx0, l0, dres);
            ops.axpby(dres, r, dres, 0f, null);
        }
        if (skipOut) {
            float c = skipScale(ctx);
            float s = c / 2f;
            Tensor g = ctx.rows(skipGate);
            Tensor dg = ctx.rows(ws.dSkipGate);
            ops.gatedAddBackward(dres, skip, g, c, dSkip, true, dg);
            ops.gateBackward(x0, skipGateW, g, dg, c, dx0, skipGateG);
            // c = 2σ(skip_lambda): dc/dλ = 2σ(1 − σ)
            ops.dot(g, dg, scalarsGrad, sl.skipLambda(), 2f * s * (1f - s), true);
        }
    }

    @Override
    public void close() {
        if (attention != null) {
            attention.close();
            xAttn.close();
        }
        mlp.close();
        xMixed.close();
        xOut.close();
        if (skipOut) {
            xSkip.close();
            skipGate.close();
        }
    }
}
