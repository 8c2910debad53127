package dev.baton.runtime.model.golf;

import dev.baton.runtime.ops.Ops;
import dev.baton.runtime.param.Param;
import dev.baton.runtime.param.ParamSet;
import dev.baton.runtime.tensor.Tensor;

/**
 * The model's input: {@code x0 = rms_norm(tok_emb[ids])}, and the scatter-add of its gradient; with
 * seed 002's input stage (each part optional) {@code rms_norm(tok_emb[ids] + bigram) → smear →
 * pre-enrichment}.
 */
final class GolfEmbedding implements AutoCloseable {
    private final Ops ops;
    private final GolfConfig config;
    private final GolfWorkspace ws;
    private final Tensor table;
    private final Tensor tableGrad;
    private final Tensor xe;
    private final Tensor x0;
    private final Tensor rstd;
    private final BigramHash bigram;
    private final SmearGate smear;
    private final PreEnrichment enrich;
    private Tensor output;

    GolfEmbedding(Ops ops, GolfConfig config, ParamSet params, GolfWorkspace ws, int maxTokens) {
        this.ops = ops;
        this.config = config;
        this.ws = ws;
        Param emb = params.get(GolfParams.TOK_EMB);
        this.table = emb.value();
        this.tableGrad = emb.grad();
        xe = GolfWorkspace.activations(ops, maxTokens, config.modelDim());
        x0 = GolfWorkspace.activations(ops, maxTokens, config.modelDim());
        rstd = GolfWorkspace.statistics(ops, maxTokens, 1);
        GolfInputConfig in = config.input();
        bigram = in.bigram() ? new BigramHash(ops, config, params, maxTokens) : null;
        smear = in.smearGate() ? new SmearGate(ops, config, params, maxTokens) : null;
        enrich = in.preEnrich() ? new PreEnrichment(ops, config, params, maxTokens) : null;
    }

    /** Returns x0's rows. */
    Tensor forward(GolfStep step) {
        Tensor e = step.rows(xe);
        ops.embeddingForward(table, step.ids, e);
        if (bigram != null) {
            bigram.forward(step, e);
        }
        Tensor out = step.rows(x0);
        ops.rmsNormForward(e, out, step.rows(rstd), config.rmsEps());
        if (smear != null) {
            out = smear.forward(step, out);
        }
        if (enrich != null) {
            out = enrich.forward(step, out);
        }
        output = out;
        return out;
    }

    /** x0's rows as the latest forward left them. */
    Tensor forwardOutput(GolfStep step) {
        return output != null ? output : step.rows(x0);
    }

    /** Consumes the gradient of x0 and accumulates into {@code tok_emb}'s gradient. */
    void backward(GolfStep step, Tensor dx0) {
        if (enrich != null) {
            enrich.backward(step, dx0, dx0);
        }
        if (smear != null) {
            smear.backward(step, dx0);
        }
        Tensor de = step.rows(ws.scratch);
        ops.rmsNormBackward(step.rows(xe), step.rows(rstd), dx0, de, false);
        if (bigram != null) {
            bigram.backward(step, de);
        }
        ops.embeddingBackward(de, step.ids, tableGrad);
    }

    @Override
    public void close() {
        xe.close();
        x0.close();
        rstd.close();
        if (bigram != null) {
            bigram.close();
        }
        if (smear != null) {
            smear.close();
        }
        if (enrich != null) {
            enrich.close();
        }
    }
}
