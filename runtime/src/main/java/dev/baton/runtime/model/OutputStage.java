package dev.baton.runtime.model;

import dev.baton.runtime.ops.Ops;
import dev.baton.runtime.param.ParamSet;
import dev.baton.runtime.tensor.DType;
import dev.baton.runtime.tensor.Shape;
import dev.baton.runtime.tensor.Tensor;

/**
 * The model's output: backout ({@code x − backout_lambda · x_backout}), final norm, the transposed
 * {@code lm_head} (logits = x · W with W (d, V)) and the softcapped cross-entropy. In training the
 * loss op leaves dlogits in the logits buffer for backward.
 */
final class OutputStage implements AutoCloseable {
    private final Ops ops;
    private final GptConfig config;
    private final Workspace ws;
    private final Tensor head;
    private final Tensor headGrad;
    private final Tensor scalarsGrad;
    private final Tensor xb;
    private final Tensor xf;
    private final Tensor rstd;
    private final Tensor logits;
    private final Tensor losses;
    private final Tensor loss;
    private Tensor backoutSource;
    private Tensor normInput;

    OutputStage(Ops ops, GptConfig config, ParamSet params, Workspace ws, int maxTokens) {
        this.ops = ops;
        this.config = config;
        this.ws = ws;
        this.head = params.get(GptParams.LM_HEAD).value();
        this.headGrad = params.get(GptParams.LM_HEAD).grad();
        this.scalarsGrad = params.get(GptParams.SCALARS).grad();
        int d = config.modelDim();
        xb = Workspace.activations(ops, maxTokens, d);
        xf = Workspace.activations(ops, maxTokens, d);
        rstd = Workspace.statistics(ops, maxTokens, 1);
        logits = Workspace.activations(ops, maxTokens, config.vocabSize());
        losses = Workspace.statistics(ops, maxTokens, 1);
        loss = ops.allocate(Shape.of(1), DType.F32);
    }

    /** Final state and logits (T, V) before the softcap. */
    Tensor logits(StepContext ctx, Tensor xLast, Tensor xBackout) {
        backoutSource = xBackout;
        Tensor x = xLast;
        if (xBackout != null) {
            x = ctx.rows(xb);
            ops.axpby(x, 1f, xLast, -ctx.scalars[config.scalars().backoutLambda()], xBackout);
        }
        normInput = x;
        Tensor f = ctx.rows(xf);
        ops.rmsNormForward(x, f, ctx.rows(rstd), config.rmsEps());
        Tensor out = ctx.rows(logits);
        ops.matmul(f, false, head, false, out, 1f, 0f);
        return out;
    }

    /**
     * Training form: Σ over rows of the MTP-weighted loss, with dlogits kept in place for
     * {@link #backward}; evaluation form: the mean next-token loss. Returns the one-element loss.
     */
    Tensor loss(StepContext ctx, Tensor xLast, Tensor xBackout) {
        Tensor out = logits(ctx, xLast, xBackout);
        Tensor ls = ctx.rows(losses);
        float a = config.softcapA();
        float b = config.softcapB();
        float c = config.softcapC();
        if (ctx.training) {
            ops.softcappedCrossEntropy(out, ctx.targets, ctx.mtpWeights, a, b, c, ls, out);
            ops.dot(ls, null, loss, 0, 1f, false);
        } else {
            ops.softcappedCrossEntropy(out, ctx.targets, new float[] {1f}, a, b, c, ls, null);
            ops.dot(ls, null, loss, 0, 1f / ctx.tokens, false);
        }
        return loss;
    }

    /**
     * Writes into {@code dres} the gradient of {@code lossScale · loss} w.r.t. the last block's
     * output and adds the backout share into {@code dBackout}.
     */
    void backward(StepContext ctx, float lossScale, Tensor dres, Tensor dBackout) {
        Tensor dl = ctx.rows(logits);
        Tensor f = ctx.rows(xf);
        Tensor df = ctx.rows(ws.dxn);
        ops.matmul(dl, false, head, true, df, lossScale, 0f);
        ops.matmul(f, true, dl, false, headGrad, lossScale, 1f);
        ops.rmsNormBackward(normInput, ctx.rows(rstd), df, dres, false);
        if (backoutSource != null) {
            float lambda = ctx.scalars[config.scalars().backoutLambda()];
            ops.dot(dres, backoutSource, scalarsGrad, config.scalars().backoutLambda(), -1f, true);
            ops.axpby(dBackout, 1f, dBackout, -lambda, dres);
        }
    }

    @Override
    public void close() {
        for (Tensor x : new Tensor[] {xb, xf, rstd, logits, losses, loss}) {
            x.close();
        }
    }
}
