package dev.baton.runtime.model.golf;

import dev.baton.runtime.ops.Ops;
import dev.baton.runtime.param.Param;
import dev.baton.runtime.param.ParamSet;
import dev.baton.runtime.tensor.DType;
import dev.baton.runtime.tensor.Shape;
import dev.baton.runtime.tensor.Tensor;

import java.util.List;

/**
 * The model's output: final RMS norm, logits through the tied embedding ({@code x · tok_embᵀ}) and
 * the cross-entropy of the softcapped logits {@code cap · tanh(logit / cap)}.
 *
 * <p>The softcap runs through the backend's sigmoid-form softcapped cross-entropy:
 * {@code cap · tanh(x / cap) = 2cap · σ(2x / cap) − cap}, and a softmax does not change when every
 * logit moves by the same constant, so a = 2·cap, b = 0, c = cap / 2 give the same losses and the
 * same gradient ({@code 4σ(1 − σ) = 1 − tanh²}). In training the loss op leaves dlogits in the
 * logits buffer for backward.
 */
final class GolfHead implements AutoCloseable {
    private final Ops ops;
    private final GolfConfig config;
    private final GolfWorkspace ws;
    private final Tensor table;
    private final Tensor tableGrad;
    private final Tensor xf;
    private final Tensor rstd;
    private final Tensor logits;
    private final Tensor losses;
    private final Tensor loss;
    private Tensor normInput;
    /** The tied embedding is also the output head: its GPTQ input is the final norm's output. */
    private static final List<String> TIED_HEAD = List.of(GolfParams.TOK_EMB);

    GolfHead(Ops ops, GolfConfig config, ParamSet params, GolfWorkspace ws, int maxTokens) {
        this.ops = ops;
        this.config = config;
        this.ws = ws;
        Param emb = params.get(GolfParams.TOK_EMB);
        this.table = emb.value();
        this.tableGrad = emb.grad();
        xf = GolfWorkspace.activations(ops, maxTokens, config.modelDim());
        rstd = GolfWorkspace.statistics(ops, maxTokens, 1);
        logits = GolfWorkspace.activations(ops, maxTokens, config.vocabSize());
        losses = GolfWorkspace.statistics(ops, maxTokens, 1);
        loss = ops.allocate(Shape.of(1), DType.F32);
    }

    private float a() {
        return (float) (2 * config.logitSoftcap());
    }

    private float c() {
        return (float) (config.logitSoftcap() / 2);
    }

    /** Logits (T, V) before the softcap, from the last block's output. */
    Tensor logits(GolfStep step, Tensor xLast) {
        normInput = xLast;
        Tensor f = step.rows(xf);
        ops.rmsNormForward(xLast, f, step.rows(rstd), config.rmsEps());
        step.observe(TIED_HEAD, f);
        Tensor out = step.rows(logits);
        ops.matmul(f, false, table, true, out, 1f, 0f);
        return out;
    }

    /**
     * Per-token cross-entropy (T) in nats; in training also the gradient of their sum, kept in the
     * logits buffer.
     */
    Tensor tokenLosses(GolfStep step, Tensor xLast) {
        Tensor out = logits(step, xLast);
        Tensor ls = step.rows(losses);
        ops.softcappedCrossEntropy(out, step.targets, new float[] {1f}, a(), 0f, c(), ls.view(Shape.of(step.tokens)),
                step.training ? out : null);
        return ls.view(Shape.of(step.tokens));
    }

    /** The mean of {@link #tokenLosses} (one element on the backend). */
    Tensor meanLoss(GolfStep step, Tensor xLast) {
        Tensor ls = tokenLosses(step, xLast);
        ops.dot(ls, null, loss, 0, 1f / step.tokens, false);
        return loss;
    }

    /**
     * Writes into {@code dres} the gradient of {@code lossScale · mean loss} w.r.t. the last
     * block's output and accumulates the head's share of {@code tok_emb}'s gradient.
     */
    void backward(GolfStep step, float lossScale, Tensor dres) {
        float s = lossScale / step.tokens;
        Tensor dl = step.rows(logits);
        Tensor df = step.rows(ws.dxn);
        ops.matmul(dl, false, table, false, df, s, 0f);
        ops.matmul(dl, true, step.rows(xf), false, tableGrad, s, 1f);
        ops.rmsNormBackward(normInput, step.rows(rstd), df, dres, false);
    }

    /** Softcapped logits for sampling, shifted by +cap (softmax-invariant): {@code 2cap · σ(2x/cap)}. */
    void softcap(Tensor rawLogits) {
        ops.softcap(rawLogits, rawLogits, a(), 0f, c());
    }

    @Override
    public void close() {
        for (Tensor x : new Tensor[] {xf, rstd, logits, losses, loss}) {
            x.close();
        }
    }
}
