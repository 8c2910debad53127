package dev.baton.runtime.model;

import dev.baton.runtime.ops.Ops;
import dev.baton.runtime.param.ParamSet;
import dev.baton.runtime.tensor.Tensor;

/**
 * The model's input: token embedding, the value-embedding lookups, the smear gate (each token
 * adds {@code smear_lambda · σ(x_t[:12]·w) · x_{t−1}}, across document boundaries as in the
 * record) and the normed x0.
 */
final class InputStage implements AutoCloseable {
    private final Ops ops;
    private final GptConfig config;
    private final Workspace ws;
    private final Tensor embed;
    private final Tensor embedGrad;
    private final Tensor[] valueTables;
    private final Tensor[] valueTableGrads;
    private final Tensor smearW;
    private final Tensor smearG;
    private final Tensor scalarsGrad;
    // activations
    private final Tensor xe;
    private final Tensor xs;
    private final Tensor smearGate;
    private final Tensor x0;
    private final Tensor rstd;
    final Tensor[] valueEmbeds;
    final Tensor[] dValueEmbeds;

    InputStage(Ops ops, GptConfig config, ParamSet params, Workspace ws, int maxTokens) {
        this.ops = ops;
        this.config = config;
        this.ws = ws;
        int d = config.modelDim();
        int tables = config.layout().valueEmbedTables();
        this.embed = params.get(GptParams.EMBED).value();
        this.embedGrad = params.get(GptParams.EMBED).grad();
        this.valueTables = new Tensor[tables];
        this.valueTableGrads = new Tensor[tables];
        this.valueEmbeds = new Tensor[tables];
        this.dValueEmbeds = new Tensor[tables];
        for (int k = 0; k < tables; k++) {
            valueTables[k] = params.get(GptParams.valueEmbed(k)).value();
            valueTableGrads[k] = params.get(GptParams.valueEmbed(k)).grad();
            valueEmbeds[k] = Workspace.activations(ops, maxTokens, d);
            dValueEmbeds[k] = Workspace.activations(ops, maxTokens, d);
        }
        this.smearW = params.get(GptParams.SMEAR_GATE).value();
        this.smearG = params.get(GptParams.SMEAR_GATE).grad();
        this.scalarsGrad = params.get(GptParams.SCALARS).grad();
        xe = Workspace.activations(ops, maxTokens, d);
        xs = Workspace.activations(ops, maxTokens, d);
        smearGate = Workspace.activations(ops, maxTokens, 1);
        x0 = Workspace.activations(ops, maxTokens, d);
        rstd = Workspace.statistics(ops, maxTokens, 1);
    }

    /** Returns x0's rows. */
    Tensor forward(StepContext ctx) {
        int t = ctx.tokens;
        Tensor e = ctx.rows(xe);
        ops.embeddingForward(embed, ctx.ids, e);
        for (int k = 0; k < valueTables.length; k++) {
            ops.embeddingForward(valueTables[k], ctx.ids, ctx.rows(valueEmbeds[k]));
        }
        Tensor s = ctx.rows(xs);
        ops.copy(s, e);
        if (t > 1) {
            float lambda = ctx.scalars[config.scalars().smearLambda()];
            Tensor g = smearGate.narrow(0, t - 1);
            ops.gateForward(e.narrow(1, t - 1), smearW, g);
            ops.gatedAdd(s.narrow(1, t - 1), e.narrow(1, t - 1), e.narrow(0, t - 1), g, lambda);
        }
        Tensor out = ctx.rows(x0);
        ops.rmsNormForward(s, out, ctx.rows(rstd), config.rmsEps());
        return out;
    }

    Tensor x0(StepContext ctx) {
        return ctx.rows(x0);
    }

    /** Zeroes the value-embedding row gradients the attention layers accumulate into. */
    void startBackward(StepContext ctx) {
        for (Tensor dve : dValueEmbeds) {
            ops.fill(ctx.rows(dve), 0f);
        }
    }

    /** Consumes the gradient of x0 and accumulates into embed, value embeddings, smear gate, smear λ. */
    void backward(StepContext ctx, Tensor dx0) {
        int t = ctx.tokens;
        Tensor e = ctx.rows(xe);
        Tensor ds = ctx.rows(ws.scratchA);
        Tensor de = ctx.rows(ws.scratchB);
        ops.rmsNormBackward(ctx.rows(xs), ctx.rows(rstd), dx0, ds, false);
        ops.copy(de, ds);
        if (t > 1) {
            float lambda = ctx.scalars[config.scalars().smearLambda()];
            Tensor g = smearGate.narrow(0, t - 1);
            Tensor dg = ws.dSkipGate.narrow(0, t - 1);
            ops.gatedAddBackward(ds.narrow(1, t - 1), e.narrow(0, t - 1), g, lambda, de.narrow(0, t - 1), true, dg);
            ops.gateBackward(e.narrow(1, t - 1), smearW, g, dg, lambda, de.narrow(1, t - 1), smearG);
            ops.dot(g, dg, scalarsGrad, config.scalars().smearLambda(), 1f, true);
        }
        ops.embeddingBackward(de, ctx.ids, embedGrad);
        for (int k = 0; k < valueTables.length; k++) {
            ops.embeddingBackward(ctx.rows(dValueEmbeds[k]), ctx.ids, valueTableGrads[k]);
        }
    }

    @Override
    public void close() {
        for (Tensor x : new Tensor[] {xe, xs, smearGate, x0, rstd}) {
            x.close();
        }
        for (int k = 0; k < valueEmbeds.length; k++) {
            valueEmbeds[k].close();
            dValueEmbeds[k].close();
        }
    }
}
