package dev.baton.runtime.model.golf;

import dev.baton.runtime.ops.Ops;
import dev.baton.runtime.param.Param;
import dev.baton.runtime.param.ParamSet;
import dev.baton.runtime.tensor.Tensor;

/**
 * Seed 004's 3-layer MLP sublayer of the shared Universal-Transformer block, applied at one depth:
 * {@code x + mlp_scale ⊙ proj(relu²(mid(relu²(fc(norm_depth(x))))))}, fc (hidden, d), mid
 * (hidden, hidden), proj (d, hidden). The weights are shared by every depth (their gradients add
 * up); each depth's instance keeps its own activations.
 */
final class ThreeLayerMlp implements AutoCloseable {
    static final String FC = "mlp.fc.weight";
    static final String MID = "mlp.mid.weight";
    static final String PROJ = "mlp.proj.weight";
    static final String SCALE = "mlp_scale";

    private final Ops ops;
    private final GolfWorkspace ws;
    private final DepthNorm norm;
    private final Tensor wFc;
    private final Tensor gFc;
    private final Tensor wMid;
    private final Tensor gMid;
    private final Tensor wProj;
    private final Tensor gProj;
    private final Tensor scale;
    private final Tensor scaleGrad;
    private final Tensor xn;
    private final Tensor pre1;
    private final Tensor pre2;
    private final Tensor m;
    private final Tensor act2;

    ThreeLayerMlp(Ops ops, GolfConfig config, ParamSet params, GolfWorkspace ws, String prefix, DepthNorm norm,
                  int maxTokens) {
        this.ops = ops;
        this.ws = ws;
        this.norm = norm;
        Param fc = params.get(prefix + FC);
        Param mid = params.get(prefix + MID);
        Param proj = params.get(prefix + PROJ);
        Param s = params.get(prefix + SCALE);
        wFc = fc.value();
        gFc = fc.grad();
        wMid = mid.value();
        gMid = mid.grad();
        wProj = proj.value();
        gProj = proj.grad();
        scale = s.value();
        scaleGrad = s.grad();
        int d = config.modelDim();
        int hidden = config.mlpHidden();
        xn = GolfWorkspace.activations(ops, maxTokens, d);
        pre1 = GolfWorkspace.activations(ops, maxTokens, hidden);
        pre2 = GolfWorkspace.activations(ops, maxTokens, hidden);
        m = GolfWorkspace.activations(ops, maxTokens, d);
        act2 = GolfWorkspace.activations(ops, maxTokens, hidden);
    }

    /** {@code xOut = xIn + mlp_scale ⊙ MLP(norm(xIn))}. */
    void forward(GolfStep step, Tensor xIn, Tensor xOut) {
        Tensor xnT = step.rows(xn);
        Tensor h1 = step.rows(pre1);
        Tensor h2 = step.rows(pre2);
        Tensor a = step.rows(ws.act);
        Tensor mT = step.rows(m);
        norm.forward(step, xIn, xnT);
        ops.matmul(xnT, false, wFc, true, h1, 1f, 0f);
        ops.relu2Forward(h1, a);
        ops.matmul(a, false, wMid, true, h2, 1f, 0f);
        ops.relu2Forward(h2, a);
        ops.matmul(a, false, wProj, true, mT, 1f, 0f);
        ops.scaledAdd(xOut, xIn, mT, scale);
    }

    /** On entry {@code dres} is the gradient of the output; on return, of the input. */
    void backward(GolfStep step, Tensor xIn, Tensor dres) {
        Tensor xnT = step.rows(xn);
        Tensor h1 = step.rows(pre1);
        Tensor h2 = step.rows(pre2);
        Tensor a = step.rows(ws.act);
        Tensor a2 = step.rows(act2);
        Tensor da = step.rows(ws.dact);
        Tensor dm = step.rows(ws.dOut);
        Tensor dxn = step.rows(ws.dxn);
        ops.scaledAddBackward(dres, step.rows(m), scale, dm, false, scaleGrad);
        ops.relu2Forward(h2, a2);
        ops.matmul(dm, true, a2, false, gProj, 1f, 1f);
        ops.matmul(dm, false, wProj, false, da, 1f, 0f);
        ops.relu2Backward(h2, da, da);
        ops.relu2Forward(h1, a);
        ops.matmul(da, true, a, false, gMid, 1f, 1f);
        // a is free again: it takes the gradient of relu²(h1)
        ops.matmul(da, false, wMid, false, a, 1f, 0f);
        ops.relu2Backward(h1, a, a);
        ops.matmul(a, true, xnT, false, gFc, 1f, 1f);
        ops.matmul(a, false, wFc, false, dxn, 1f, 0f);
        norm.backward(step, xIn, dxn, dres);
    }

    @Override
    public void close() {
        for (Tensor t : new Tensor[] {xn, pre1, pre2, m, act2}) {
            t.close();
        }
    }
}
