package dev.baton.runtime.model;

import dev.baton.runtime.ops.Ops;
import dev.baton.runtime.param.Param;
import dev.baton.runtime.param.ParamSet;
import dev.baton.runtime.tensor.Shape;
import dev.baton.runtime.tensor.Tensor;

/**
 * One attention sublayer, {@code x + Attn(norm(x))}, as the record's CausalSelfAttention and
 * PairedHeadCausalSelfAttention: Q/K/V from the bank scaled by λ_qkv, QK norm, rotary (paired
 * tables on paired layers), partial key offset, gated value embedding, document-masked sliding
 * window attention, sigmoid output gate, output projection scaled by λ_o.
 */
final class AttentionLayer implements AutoCloseable {
    private final Ops ops;
    private final GptConfig config;
    private final Workspace ws;
    private final int layer;
    private final boolean paired;
    private final boolean keyOffset;
    private final boolean longWindow;
    private final int valueTable;
    // weights (views into the banks) and their gradients
    private final Tensor wQkv;
    private final Tensor wO;
    private final Tensor gQkv;
    private final Tensor gO;
    private final Tensor attnGateW;
    private final Tensor attnGateG;
    private final Tensor veGateW;
    private final Tensor veGateG;
    private final Tensor scalarsGrad;
    // activations kept for backward, (maxTokens, ...) each
    private final Tensor xn;
    private final Tensor rstdIn;
    private final Tensor q;
    private final Tensor k;
    private final Tensor rstdQ;
    private final Tensor rstdK;
    private final Tensor qr;
    private final Tensor kr;
    private final Tensor v;
    private final Tensor out;
    private final Tensor lse;
    private final Tensor attnGate;
    private final Tensor valueGate;
    private final Tensor gated;

    AttentionLayer(Ops ops, GptConfig config, ParamSet params, Workspace ws, int layer, int maxTokens) {
        this.ops = ops;
        this.config = config;
        this.ws = ws;
        this.layer = layer;
        LayerLayout l = config.layout();
        this.paired = l.isPaired(layer);
        this.keyOffset = l.hasKeyOffset(layer);
        this.longWindow = l.isLongWindow(layer);
        this.valueTable = l.valueEmbed().get(layer);
        int d = config.modelDim();
        int h = config.numHeads();
        int bank = l.attentionIndex(layer);
        Param attn = params.get(GptParams.ATTN_BANK);
        Shape entry = Shape.of(4 * d, d);
        Tensor w = attn.value().narrow(bank, 1).view(entry);
        Tensor g = attn.grad().narrow(bank, 1).view(entry);
        this.wQkv = w.narrow(0, 3 * d);
        this.wO = w.narrow(3 * d, d);
        this.gQkv = g.narrow(0, 3 * d);
        this.gO = g.narrow(3 * d, d);
        Param ag = params.get(GptParams.ATTN_GATE_BANK);
        Shape gate = Shape.of(h, config.gateWidth());
        this.attnGateW = ag.value().narrow(bank, 1).view(gate);
        this.attnGateG = ag.grad().narrow(bank, 1).view(gate);
        int vg = l.valueGateIndex(layer);
        Param veg = params.get(GptParams.VE_GATE_BANK);
        this.veGateW = vg < 0 ? null : veg.value().narrow(vg, 1).view(gate);
        this.veGateG = vg < 0 ? null : veg.grad().narrow(vg, 1).view(gate);
        this.scalarsGrad = params.get(GptParams.SCALARS).grad();
        xn = Workspace.activations(ops, maxTokens, d);
        rstdIn = Workspace.statistics(ops, maxTokens, 1);
        q = Workspace.activations(ops, maxTokens, d);
        k = Workspace.activations(ops, maxTokens, d);
        rstdQ = Workspace.statistics(ops, maxTokens, h);
        rstdK = Workspace.statistics(ops, maxTokens, h);
        qr = Workspace.activations(ops, maxTokens, d);
        kr = Workspace.activations(ops, maxTokens, d);
        v = Workspace.activations(ops, maxTokens, d);
        out = Workspace.activations(ops, maxTokens, d);
        lse = Workspace.statistics(ops, maxTokens, h);
        attnGate = Workspace.activations(ops, maxTokens, h);
        valueGate = valueTable < 0 ? null : Workspace.activations(ops, maxTokens, h);
        gated = Workspace.activations(ops, maxTokens, d);
    }

    /** Rows of the Q, K or V block (index 0, 1, 2) of a (3d, d) tensor. */
    private Tensor part(Tensor qkv, int index) {
        int d = config.modelDim();
        return qkv.narrow(index * d, d);
    }

    private Shape heads(int tokens) {
        int h = config.numHeads();
        int hd = config.headDim();
        return paired ? Shape.of(2 * tokens, h / 2, hd) : Shape.of(tokens, h, hd);
    }

    /**
     * {@code xOut = xIn + Attn(norm(xIn))}. {@code valueEmbeds[k]} holds table k's rows for the batch.
     */
    void forward(StepContext ctx, Tensor xIn, Tensor xOut, Tensor[] valueEmbeds) {
        int t = ctx.tokens;
        int h = config.numHeads();
        int hd = config.headDim();
        float eps = config.rmsEps();
        float lqkv = ctx.scalars[config.scalars().qkvLambda(layer)];
        float lo = ctx.scalars[config.scalars().outLambda(layer)];
        Yarn yarn = paired ? ctx.pairedYarn : ctx.yarn;
        Tensor xnT = ctx.rows(xn);
        ops.rmsNormForward(xIn, xnT, ctx.rows(rstdIn), eps);
        Tensor qT = ctx.rows(q);
        Tensor kT = ctx.rows(k);
        Tensor vT = ctx.rows(v);
        ops.matmul(xnT, false, part(wQkv, 0), true, qT, lqkv, 0f);
        ops.matmul(xnT, false, part(wQkv, 1), true, kT, lqkv, 0f);
        ops.matmul(xnT, false, part(wQkv, 2), true, vT, lqkv, 0f);
        Shape rowsPerHead = Shape.of(t * h, hd);
        Tensor a = ctx.rows(ws.scratchA);
        Tensor b = ctx.rows(ws.scratchB);
        // q: per-head norm, rotary
        ops.rmsNormForward(qT.view(rowsPerHead), a.view(rowsPerHead), ctx.rows(rstdQ).view(Shape.of(t * h)), eps);
        ops.rotaryForward(a, yarn.cos(), yarn.sin(), ctx.rows(qr));
        // k: per-head norm, rotary, then the key offset on long-window layers
        ops.rmsNormForward(kT.view(rowsPerHead), a.view(rowsPerHead), ctx.rows(rstdK).view(Shape.of(t * h)), eps);
        Tensor krT = ctx.rows(kr);
        if (keyOffset) {
            ops.rotaryForward(a, yarn.cos(), yarn.sin(), b);
            Shape shape = Shape.of(t, h, hd);
            ops.keyOffsetForward(b.view(shape), krT.view(shape));
        } else {
            ops.rotaryForward(a, yarn.cos(), yarn.sin(), krT);
        }
        if (valueTable >= 0) {
            Tensor vg = ctx.rows(valueGate);
            ops.gateForward(xnT, veGateW, vg);
            ops.gatedAdd(vT, vT, ctx.rows(valueEmbeds[valueTable]), vg, 2f);
        }
        Shape hs = heads(t);
        Tensor outT = ctx.rows(out);
        ops.attentionForward(ctx.rows(qr).view(hs), krT.view(hs), vT.view(hs), ctx.cuSeqlens, paired ? 2 : 1,
                window(ctx), (float) yarn.attnScale(), outT.view(hs), ctx.rows(lse));
        Tensor ag = ctx.rows(attnGate);
        ops.gateForward(xnT, attnGateW, ag);
        Tensor gatedT = ctx.rows(gated);
        ops.gatedAdd(gatedT, null, outT, ag, 1f);
        ops.copy(xOut, xIn);
        ops.matmul(gatedT, false, wO, true, xOut, lo, 1f);
    }

    private int window(StepContext ctx) {
        return longWindow ? ctx.longWindow : ctx.shortWindow;
    }

    /**
     * On entry {@code dres} is the gradient of the sublayer's output; on return, of its input.
     * Weight, gate and λ gradients are accumulated; value-embedding row gradients are added to
     * {@code dValueEmbeds[k]}.
     */
    void backward(StepContext ctx, Tensor xIn, Tensor dres, Tensor[] valueEmbeds, Tensor[] dValueEmbeds) {
        int t = ctx.tokens;
        int d = config.modelDim();
        int h = config.numHeads();
        int hd = config.headDim();
        ScalarsLayout sl = config.scalars();
        float lqkv = ctx.scalars[sl.qkvLambda(layer)];
        float lo = ctx.scalars[sl.outLambda(layer)];
        Yarn yarn = paired ? ctx.pairedYarn : ctx.yarn;
        Tensor xnT = ctx.rows(xn);
        Tensor gW = ws.weightGrad;
        // output projection: dgated = λ_o dres W_o; dW_o += λ_o dresᵀ gated; dλ_o = <dresᵀ gated, W_o>
        Tensor dy = ctx.rows(ws.dy);
        ops.matmul(dres, false, wO, false, dy, lo, 0f);
        Tensor gOut = gW.narrow(3 * d, d);
        ops.matmul(dres, true, ctx.rows(gated), false, gOut, 1f, 0f);
        ops.dot(gOut, wO, scalarsGrad, sl.outLambda(layer), 1f, true);
        ops.axpby(gO, 1f, gO, lo, gOut);
        // output gate
        Tensor dOut = ctx.rows(ws.dAttnOut);
        Tensor dAg = ctx.rows(ws.dAttnGate);
        ops.gatedAddBackward(dy, ctx.rows(out), ctx.rows(attnGate), 1f, dOut, false, dAg);
        // attention
        Shape hs = heads(t);
        Tensor dq = ctx.rows(ws.dq);
        Tensor dk = ctx.rows(ws.dk);
        Tensor dv = ctx.rows(ws.dv);
        ops.attentionBackward(ctx.rows(qr).view(hs), ctx.rows(kr).view(hs), ctx.rows(v).view(hs),
                ctx.rows(out).view(hs), ctx.rows(lse), dOut.view(hs), ctx.cuSeqlens, paired ? 2 : 1, window(ctx),
                (float) yarn.attnScale(), dq.view(hs), dk.view(hs), dv.view(hs), ctx.rows(ws.delta));
        // value embedding: dve += 2 σ dv, dgate = <dv, ve>
        Tensor dVg = ctx.rows(ws.dValueGate);
        if (valueTable >= 0) {
            ops.gatedAddBackward(dv, ctx.rows(valueEmbeds[valueTable]), ctx.rows(valueGate), 2f,
                    ctx.rows(dValueEmbeds[valueTable]), true, dVg);
        }
        // k: key offset, rotary, per-head norm
        Shape rowsPerHead = Shape.of(t * h, hd);
        if (keyOffset) {
            Shape shape = Shape.of(t, h, hd);
            Tensor b = ctx.rows(ws.scratchB);
            ops.keyOffsetBackward(dk.view(shape), b.view(shape));
            ops.rotaryBackward(b, yarn.cos(), yarn.sin(), b);
            ops.rmsNormBackward(ctx.rows(k).view(rowsPerHead), ctx.rows(rstdK).view(Shape.of(t * h)),
                    b.view(rowsPerHead), dk.view(rowsPerHead), false);
        } else {
            ops.rotaryBackward(dk, yarn.cos(), yarn.sin(), dk);
            ops.rmsNormBackward(ctx.rows(k).view(rowsPerHead), ctx.rows(rstdK).view(Shape.of(t * h)),
                    dk.view(rowsPerHead), dk.view(rowsPerHead), false);
        }
        ops.rotaryBackward(dq, yarn.cos(), yarn.sin(), dq);
        ops.rmsNormBackward(ctx.rows(q).view(rowsPerHead), ctx.rows(rstdQ).view(Shape.of(t * h)),
                dq.view(rowsPerHead), dq.view(rowsPerHead), false);
        // QKV projection: dxn = λ Σ d{q,k,v} W; dW += λ d{q,k,v}ᵀ xn; dλ_qkv = <d{q,k,v}ᵀ xn, W>
        Tensor dxn = ctx.rows(ws.dxn);
        Tensor[] grads = {dq, dk, dv};
        for (int i = 0; i < 3; i++) {
            ops.matmul(grads[i], false, part(wQkv, i), false, dxn, lqkv, i == 0 ? 0f : 1f);
            ops.matmul(grads[i], true, xnT, false, part(gW, i), 1f, 0f);
        }
        Tensor gQkvStage = gW.narrow(0, 3 * d);
        ops.dot(gQkvStage, wQkv, scalarsGrad, sl.qkvLambda(layer), 1f, true);
        ops.axpby(gQkv, 1f, gQkv, lqkv, gQkvStage);
        // gates read the normed input's first channels
        ops.gateBackward(xnT, attnGateW, ctx.rows(attnGate), dAg, 1f, dxn, attnGateG);
        if (valueTable >= 0) {
            ops.gateBackward(xnT, veGateW, ctx.rows(valueGate), dVg, 2f, dxn, veGateG);
        }
        ops.rmsNormBackward(xIn, ctx.rows(rstdIn), dxn, dres, true);
    }

    @Override
    public void close() {
        for (Tensor x : new Tensor[] {xn, rstdIn, q, k, rstdQ, rstdK, qr, kr, v, out, lse, attnGate, gated}) {
            x.close();
        }
        if (valueGate != null) {
            valueGate.close();
        }
    }
}
