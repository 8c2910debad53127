package dev.baton.runtime.model.golf;

import dev.baton.runtime.ops.Ops;
import dev.baton.runtime.param.Param;
import dev.baton.runtime.param.ParamSet;
import dev.baton.runtime.tensor.Tensor;

/** The model's input: {@code x0 = rms_norm(tok_emb[ids])}, and the scatter-add of its gradient. */
final class GolfEmbedding implements AutoCloseable {
    private final Ops ops;
    private final GolfConfig config;
    private final GolfWorkspace ws;
    private final Tensor table;
    private final Tensor tableGrad;
    private final Tensor xe;
    private final Tensor x0;
    private final Tensor rstd;

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
    }

    /** Returns x0's rows. */
    Tensor forward(GolfStep step) {
        Tensor e = step.rows(xe);
        ops.embeddingForward(table, step.ids, e);
        Tensor out = step.rows(x0);
        ops.rmsNormForward(e, out, step.rows(rstd), config.rmsEps());
        return out;
    }

    /** x0's rows as the latest forward left them. */
    Tensor forwardOutput(GolfStep step) {
        return step.rows(x0);
    }

    /** Consumes the gradient of x0 and accumulates into {@code tok_emb}'s gradient. */
    void backward(GolfStep step, Tensor dx0) {
        Tensor de = step.rows(ws.scratch);
        ops.rmsNormBackward(step.rows(xe), step.rows(rstd), dx0, de, false);
        ops.embeddingBackward(de, step.ids, tableGrad);
    }

    @Override
    public void close() {
        xe.close();
        x0.close();
        rstd.close();
    }
}
