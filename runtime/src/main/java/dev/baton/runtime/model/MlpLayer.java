package dev.baton.runtime.model;

import dev.baton.runtime.ops.Ops;
import dev.baton.runtime.param.Param;
import dev.baton.runtime.param.ParamSet;
import dev.baton.runtime.tensor.Shape;
import dev.baton.runtime.tensor.Tensor;

/**
 * One MLP sublayer, {@code x + relu(norm(x) c_fcᵀ)² c_proj}, with c_fc (hidden, d) in Linear layout
 * and c_proj (hidden, d) stored (in, out) as the record's bank holds them. The post-activation is
 * recomputed in backward from the kept pre-activation instead of being stored.
 */
final class MlpLayer implements AutoCloseable {
    private final Ops ops;
    private final GptConfig config;
    private final Workspace ws;
    private final Tensor wFc;
    private final Tensor wProj;
    private final Tensor gFc;
    private final Tensor gProj;
    private final Tensor xn;
    private final Tensor rstd;
    private final Tensor pre;

    MlpLayer(Ops ops, GptConfig config, ParamSet params, Workspace ws, int layer, int maxTokens) {
        this.ops = ops;
        this.config = config;
        this.ws = ws;
        Param mlp = params.get(GptParams.MLP_BANK);
        Shape m = Shape.of(config.mlpHidden(), config.modelDim());
        Shape pair = Shape.of(2, config.mlpHidden(), config.modelDim());
        Tensor w = mlp.value().narrow(layer, 1).view(pair);
        Tensor g = mlp.grad().narrow(layer, 1).view(pair);
        this.wFc = w.narrow(0, 1).view(m);
        this.wProj = w.narrow(1, 1).view(m);
        this.gFc = g.narrow(0, 1).view(m);
        this.gProj = g.narrow(1, 1).view(m);
        xn = Workspace.activations(ops, maxTokens, config.modelDim());
        rstd = Workspace.statistics(ops, maxTokens, 1);
        pre = Workspace.activations(ops, maxTokens, config.mlpHidden());
    }

    /** {@code xOut = xIn + MLP(norm(xIn))}. */
    void forward(StepContext ctx, Tensor xIn, Tensor xOut) {
        Tensor xnT = ctx.rows(xn);
        Tensor h = ctx.rows(pre);
        Tensor a = ctx.rows(ws.act);
        ops.rmsNormForward(xIn, xnT, ctx.rows(rstd), config.rmsEps());
        ops.matmul(xnT, false, wFc, true, h, 1f, 0f);
        ops.relu2Forward(h, a);
        ops.copy(xOut, xIn);
        ops.matmul(a, false, wProj, false, xOut, 1f, 1f);
    }

    /** On entry {@code dres} is the gradient of the output; on return, of the input. */
    void backward(StepContext ctx, Tensor xIn, Tensor dres) {
        Tensor xnT = ctx.rows(xn);
        Tensor h = ctx.rows(pre);
        Tensor a = ctx.rows(ws.act);
        Tensor da = ctx.rows(ws.dact);
        Tensor dxn = ctx.rows(ws.dxn);
        ops.relu2Forward(h, a);
        ops.matmul(a, true, dres, false, gProj, 1f, 1f);
        ops.matmul(dres, false, wProj, true, da, 1f, 0f);
        ops.relu2Backward(h, da, da);
        ops.matmul(da, true, xnT, false, gFc, 1f, 1f);
        ops.matmul(da, false, wFc, false, dxn, 1f, 0f);
        ops.rmsNormBackward(xIn, ctx.rows(rstd), dxn, dres, true);
    }

    @Override
    public void close() {
        xn.close();
        rstd.close();
        pre.close();
    }
}
