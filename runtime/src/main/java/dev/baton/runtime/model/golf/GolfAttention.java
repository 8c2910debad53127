package dev.baton.runtime.model.golf;

import dev.baton.runtime.ops.Ops;
import dev.baton.runtime.param.Param;
import dev.baton.runtime.param.ParamSet;
import dev.baton.runtime.tensor.Shape;
import dev.baton.runtime.tensor.Tensor;

import java.util.List;

/**
 * One attention sublayer of the baseline, {@code x + attn_scale ⊙ proj(Attn(norm(x)))}:
 * c_q (d → d), c_k and c_v (d → H_kv·hd), QK norm per head, half-split RoPE, the learned per-head
 * {@code q_gain}, causal softmax attention per sequence with scale 1/√hd, output projection.
 *
 * <p>Grouped-query attention repeats each K/V head for the H/H_kv query heads that share it, as
 * {@code enable_gqa} does: the repeat is a row gather ({@code embeddingForward} over heads as rows)
 * and its backward the scatter-add that sums each group's gradients ({@code embeddingBackward}), so
 * the attention op itself stays the plain multi-head one on every backend.
 *
 * <p>Optional: exclusive self-attention ({@link ExclusiveSelfAttention}) on the attention output
 * before the projection, and a {@link DepthNorm} (weight and bias) in place of the plain pre-norm
 * for the Universal Transformer, whose shared attention is named by a prefix instead of a block.
 */
final class GolfAttention implements AutoCloseable {
    private final Ops ops;
    private final GolfConfig config;
    private final GolfWorkspace ws;
    private final GolfRope rope;
    private final float softmaxScale;
    private final Tensor wq;
    private final Tensor wk;
    private final Tensor wv;
    private final Tensor wo;
    private final Tensor gq;
    private final Tensor gk;
    private final Tensor gv;
    private final Tensor go;
    private final Tensor qGain;
    private final Tensor qGainGrad;
    private final Tensor scale;
    private final Tensor scaleGrad;
    // activations kept for backward, (maxTokens, ...) each
    private final Tensor xn;
    private final Tensor rstd;
    private final Tensor q;
    private final Tensor k;
    private final Tensor v;
    private final Tensor rstdQ;
    private final Tensor rstdK;
    private final Tensor qr;
    private final Tensor qg;
    private final Tensor kr;
    private final Tensor y;
    private final Tensor lse;
    private final Tensor o;
    private final List<String> qkvNames;
    private final List<String> projNames;
    private final ExclusiveSelfAttention xsa;
    private final DepthNorm norm;

    GolfAttention(Ops ops, GolfConfig config, ParamSet params, GolfWorkspace ws, GolfRope rope, int layer,
                  int maxTokens) {
        this(ops, config, params, ws, rope, GolfParams.block(layer, ""), config.xsa(layer), null, maxTokens);
    }

    /**
     * @param prefix parameter names are {@code prefix + leaf} ({@code blocks.3.} for block 3)
     * @param xsa    remove each head's own-value component from its output
     * @param norm   the pre-norm with weight and bias, or null for the baseline's plain rms_norm
     */
    GolfAttention(Ops ops, GolfConfig config, ParamSet params, GolfWorkspace ws, GolfRope rope, String prefix,
                  boolean xsa, DepthNorm norm, int maxTokens) {
        this.ops = ops;
        this.config = config;
        this.ws = ws;
        this.rope = rope;
        this.softmaxScale = (float) (1.0 / Math.sqrt(config.headDim()));
        Param pq = params.get(prefix + GolfParams.C_Q);
        Param pk = params.get(prefix + GolfParams.C_K);
        Param pv = params.get(prefix + GolfParams.C_V);
        Param po = params.get(prefix + GolfParams.ATTN_PROJ);
        Param pg = params.get(prefix + GolfParams.Q_GAIN);
        Param ps = params.get(prefix + GolfParams.ATTN_SCALE);
        qkvNames = List.of(pq.name(), pk.name(), pv.name());
        projNames = List.of(po.name());
        wq = pq.value();
        wk = pk.value();
        wv = pv.value();
        wo = po.value();
        gq = pq.grad();
        gk = pk.grad();
        gv = pv.grad();
        go = po.grad();
        qGain = pg.value();
        qGainGrad = pg.grad();
        scale = ps.value();
        scaleGrad = ps.grad();
        int d = config.modelDim();
        int kv = config.kvDim();
        xn = GolfWorkspace.activations(ops, maxTokens, d);
        rstd = GolfWorkspace.statistics(ops, maxTokens, 1);
        q = GolfWorkspace.activations(ops, maxTokens, d);
        k = GolfWorkspace.activations(ops, maxTokens, kv);
        v = GolfWorkspace.activations(ops, maxTokens, kv);
        rstdQ = GolfWorkspace.statistics(ops, maxTokens, config.numHeads());
        rstdK = GolfWorkspace.statistics(ops, maxTokens, config.numKvHeads());
        qr = GolfWorkspace.activations(ops, maxTokens, d);
        qg = GolfWorkspace.activations(ops, maxTokens, d);
        kr = GolfWorkspace.activations(ops, maxTokens, kv);
        y = GolfWorkspace.activations(ops, maxTokens, d);
        lse = GolfWorkspace.statistics(ops, maxTokens, config.numHeads());
        o = GolfWorkspace.activations(ops, maxTokens, d);
        this.xsa = xsa ? new ExclusiveSelfAttention(ops, maxTokens, d) : null;
        this.norm = norm;
    }

    /** (T, heads, hd) view of a (T, heads·hd) buffer's rows. */
    private Shape heads(int tokens, int heads) {
        return Shape.of(tokens, heads, config.headDim());
    }

    /** (T·heads, hd): one row per head, as the per-head norm and the head gather see it. */
    private Shape headRows(int tokens, int heads) {
        return Shape.of(tokens * heads, config.headDim());
    }

    /** {@code xOut = xIn + attn_scale ⊙ Attn(norm(xIn))}. */
    void forward(GolfStep step, Tensor xIn, Tensor xOut) {
        int t = step.tokens;
        int h = config.numHeads();
        int hk = config.numKvHeads();
        float eps = config.rmsEps();
        Tensor xnT = step.rows(xn);
        if (norm == null) {
            ops.rmsNormForward(xIn, xnT, step.rows(rstd), eps);
        } else {
            norm.forward(step, xIn, xnT);
        }
        step.observe(qkvNames, xnT);
        Tensor qT = step.rows(q);
        Tensor kT = step.rows(k);
        Tensor vT = step.rows(v);
        ops.matmul(xnT, false, wq, true, qT, 1f, 0f);
        ops.matmul(xnT, false, wk, true, kT, 1f, 0f);
        ops.matmul(xnT, false, wv, true, vT, 1f, 0f);
        // q: per-head norm, rotary, gain
        Tensor a = step.rows(ws.scratch);
        ops.rmsNormForward(qT.view(headRows(t, h)), a.view(headRows(t, h)), step.rows(rstdQ).view(Shape.of(t * h)), eps);
        Tensor qrT = step.rows(qr);
        ops.rotaryHalfForward(a, rope.cos(), rope.sin(), qrT);
        Tensor qgT = step.rows(qg);
        ops.scaledAdd(qgT, null, qrT, qGain);
        // k: per-head norm, rotary
        Tensor b = step.rows(ws.scratchKv);
        ops.rmsNormForward(kT.view(headRows(t, hk)), b.view(headRows(t, hk)), step.rows(rstdK).view(Shape.of(t * hk)),
                eps);
        Tensor krT = step.rows(kr);
        ops.rotaryHalfForward(b, rope.cos(), rope.sin(), krT);
        Tensor kRep = repeatKv(step, krT, ws.kRep);
        Tensor vRep = repeatKv(step, vT, ws.vRep);
        Tensor yT = step.rows(y);
        ops.attentionForward(qgT.view(heads(t, h)), kRep.view(heads(t, h)), vRep.view(heads(t, h)), step.cuSeqlens, 1,
                window(step), softmaxScale, yT.view(heads(t, h)), step.rows(lse));
        Tensor oT = step.rows(o);
        Tensor yOut = xsa == null ? yT : xsa.forward(step, yT.view(headRows(t, h)), vRep.view(headRows(t, h)));
        step.observe(projNames, yOut);
        ops.matmul(yOut, false, wo, true, oT, 1f, 0f);
        ops.scaledAdd(xOut, xIn, oT, scale);
    }

    /** Every query head's K or V rows: (T, H_kv·hd) gathered into (T, H·hd). */
    private Tensor repeatKv(GolfStep step, Tensor src, Tensor dstFull) {
        int t = step.tokens;
        Tensor dst = step.rows(dstFull);
        if (config.numKvHeads() == config.numHeads()) {
            ops.copy(dst, src);
        } else {
            ops.embeddingForward(src.view(headRows(t, config.numKvHeads())), step.kvRepeat,
                    dst.view(headRows(t, config.numHeads())));
        }
        return dst;
    }

    /** Sums the gradients of each group of query heads back into their K/V head (overwrites dst). */
    private void sumKvGroups(GolfStep step, Tensor dRep, Tensor dst) {
        int t = step.tokens;
        if (config.numKvHeads() == config.numHeads()) {
            ops.copy(dst, dRep);
        } else {
            ops.fill(dst, 0f);
            ops.embeddingBackward(dRep.view(headRows(t, config.numHeads())), step.kvRepeat,
                    dst.view(headRows(t, config.numKvHeads())));
        }
    }

    /** Sequences never exceed the model's sequence length, so this window is the full causal one. */
    private static int window(GolfStep step) {
        return step.tokens;
    }

    /**
     * On entry {@code dres} is the gradient of the sublayer's output; on return, of its input.
     * Weight, q_gain and attn_scale gradients are accumulated.
     */
    void backward(GolfStep step, Tensor xIn, Tensor dres) {
        int t = step.tokens;
        int h = config.numHeads();
        int hk = config.numKvHeads();
        Tensor xnT = step.rows(xn);
        Tensor yT = step.rows(y);
        // xOut = xIn + s ⊙ o
        Tensor dO = step.rows(ws.dOut);
        ops.scaledAddBackward(dres, step.rows(o), scale, dO, false, scaleGrad);
        // attention over the repeated heads (recomputed), then the groups summed
        Tensor kRep = repeatKv(step, step.rows(kr), ws.kRep);
        Tensor vRep = repeatKv(step, step.rows(v), ws.vRep);
        // o = y W_oᵀ (y after XSA when on)
        Tensor dy = step.rows(ws.dy);
        ops.matmul(dO, true, xsa == null ? yT : xsa.output(step), false, go, 1f, 1f);
        ops.matmul(dO, false, wo, false, dy, 1f, 0f);
        if (xsa != null) {
            xsa.backward(step, dy.view(headRows(t, h)), yT.view(headRows(t, h)), vRep.view(headRows(t, h)));
        }
        Tensor dq = step.rows(ws.dq);
        Tensor dkRep = step.rows(ws.dkRep);
        Tensor dvRep = step.rows(ws.dvRep);
        Shape hs = heads(t, h);
        ops.attentionBackward(step.rows(qg).view(hs), kRep.view(hs), vRep.view(hs), yT.view(hs), step.rows(lse),
                dy.view(hs), step.cuSeqlens, 1, window(step), softmaxScale, dq.view(hs), dkRep.view(hs), dvRep.view(hs),
                step.rows(ws.delta));
        if (xsa != null) {
            ops.axpby(dvRep, 1f, dvRep, 1f, xsa.valueGradient(step));
        }
        Tensor dk = step.rows(ws.dk);
        Tensor dv = step.rows(ws.dv);
        sumKvGroups(step, dkRep, dk);
        sumKvGroups(step, dvRep, dv);
        // q: gain, rotary, per-head norm (in place in dq)
        ops.scaledAddBackward(dq, step.rows(qr), qGain, dq, false, qGainGrad);
        ops.rotaryHalfBackward(dq, rope.cos(), rope.sin(), dq);
        ops.rmsNormBackward(step.rows(q).view(headRows(t, h)), step.rows(rstdQ).view(Shape.of(t * h)),
                dq.view(headRows(t, h)), dq.view(headRows(t, h)), false);
        // k: rotary, per-head norm (in place in dk)
        ops.rotaryHalfBackward(dk, rope.cos(), rope.sin(), dk);
        ops.rmsNormBackward(step.rows(k).view(headRows(t, hk)), step.rows(rstdK).view(Shape.of(t * hk)),
                dk.view(headRows(t, hk)), dk.view(headRows(t, hk)), false);
        // projections: dW += dᵀ xn, dxn = Σ d W
        Tensor dxn = step.rows(ws.dxn);
        ops.matmul(dq, true, xnT, false, gq, 1f, 1f);
        ops.matmul(dk, true, xnT, false, gk, 1f, 1f);
        ops.matmul(dv, true, xnT, false, gv, 1f, 1f);
        ops.matmul(dq, false, wq, false, dxn, 1f, 0f);
        ops.matmul(dk, false, wk, false, dxn, 1f, 1f);
        ops.matmul(dv, false, wv, false, dxn, 1f, 1f);
        if (norm == null) {
            ops.rmsNormBackward(xIn, step.rows(rstd), dxn, dres, true);
        } else {
            norm.backward(step, xIn, dxn, dres);
        }
    }

    @Override
    public void close() {
        for (Tensor x : new Tensor[] {xn, rstd, q, k, v, rstdQ, rstdK, qr, qg, kr, y, lse, o}) {
            x.close();
        }
        if (xsa != null) {
            xsa.close();
        }
    }
}
