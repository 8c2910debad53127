package dev.baton.runtime.model.golf;

import dev.baton.runtime.ops.Ops;
import dev.baton.runtime.param.Param;
import dev.baton.runtime.param.ParamSet;
import dev.baton.runtime.tensor.Tensor;

import java.util.List;

/**
 * One MLP sublayer of the baseline, {@code x + mlp_scale ⊙ proj(relu(fc(norm(x)))²)} with fc
 * (hidden, d) and proj (d, hidden) in Linear layout. The post-activation is recomputed in backward
 * from the kept pre-activation instead of being stored.
 */
final class GolfMlp implements AutoCloseable {
    private final Ops ops;
    private final GolfConfig config;
    private final GolfWorkspace ws;
    private final Tensor wFc;
    private final Tensor wProj;
    private final Tensor gFc;
    private final Tensor gProj;
    private final Tensor scale;
    private final Tensor scaleGrad;
    private final Tensor xn;
    private final Tensor rstd;
    private final Tensor pre;
    private final Tensor m;
    private final List<String> fcNames;
    private final List<String> projNames;

    GolfMlp(Ops ops, GolfConfig config, ParamSet params, GolfWorkspace ws, int layer, int maxTokens) {
        this.ops = ops;
        this.config = config;
        this.ws = ws;
        Param fc = params.get(GolfParams.block(layer, GolfParams.MLP_FC));
        Param proj = params.get(GolfParams.block(layer, GolfParams.MLP_PROJ));
        Param s = params.get(GolfParams.block(layer, GolfParams.MLP_SCALE));
        fcNames = List.of(fc.name());
        projNames = List.of(proj.name());
        wFc = fc.value();
        gFc = fc.grad();
        wProj = proj.value();
        gProj = proj.grad();
        scale = s.value();
        scaleGrad = s.grad();
        xn = GolfWorkspace.activations(ops, maxTokens, config.modelDim());
        rstd = GolfWorkspace.statistics(ops, maxTokens, 1);
        pre = GolfWorkspace.activations(ops, maxTokens, config.mlpHidden());
        m = GolfWorkspace.activations(ops, maxTokens, config.modelDim());
    }

    /** {@code xOut = xIn + mlp_scale ⊙ MLP(norm(xIn))}. */
    void forward(GolfStep step, Tensor xIn, Tensor xOut) {
        Tensor xnT = step.rows(xn);
        Tensor h = step.rows(pre);
        Tensor a = step.rows(ws.act);
        Tensor mT = step.rows(m);
        ops.rmsNormForward(xIn, xnT, step.rows(rstd), config.rmsEps());
        step.observe(fcNames, xnT);
        ops.matmul(xnT, false, wFc, true, h, 1f, 0f);
        ops.relu2Forward(h, a);
        step.observe(projNames, a);
        ops.matmul(a, false, wProj, true, mT, 1f, 0f);
        ops.scaledAdd(xOut, xIn, mT, scale);
    }

    /** On entry {@code dres} is the gradient of the output; on return, of the input. */
    void backward(GolfStep step, Tensor xIn, Tensor dres) {
        Tensor xnT = step.rows(xn);
        Tensor h = step.rows(pre);
        Tensor a = step.rows(ws.act);
        Tensor da = step.rows(ws.dact);
        Tensor dm = step.rows(ws.dOut);
        Tensor dxn = step.rows(ws.dxn);
        ops.scaledAddBackward(dres, step.rows(m), scale, dm, false, scaleGrad);
        ops.relu2Forward(h, a);
        ops.matmul(dm, true, a, false, gProj, 1f, 1f);
        ops.matmul(dm, false, wProj, false, da, 1f, 0f);
        ops.relu2Backward(h, da, da);
        ops.matmul(da, true, xnT, false, gFc, 1f, 1f);
        ops.matmul(da, false, wFc, false, dxn, 1f, 0f);
        ops.rmsNormBackward(xIn, step.rows(rstd), dxn, dres, true);
    }

    @Override
    public void close() {
        xn.close();
        rstd.close();
        pre.close();
        m.close();
    }
}
