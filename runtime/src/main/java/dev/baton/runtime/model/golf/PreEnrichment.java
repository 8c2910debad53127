package dev.baton.runtime.model.golf;

import dev.baton.runtime.ops.Ops;
import dev.baton.runtime.param.Param;
import dev.baton.runtime.param.ParamSet;
import dev.baton.runtime.tensor.Tensor;

/**
 * Seed 002's GELU pre-enrichment: a wider nonlinear map of the input before the residual stream,
 * {@code x0 = rms_norm(proj(gelu(fc(x))))} with fc (hidden, d) and proj (d, hidden) (512 → 768 →
 * 512 in the record), no residual around it. Both matrices take PyTorch's Linear default init
 * (a zero projection would make x0 zero) and go to Muon with the block matrices, as the seed says.
 */
final class PreEnrichment implements AutoCloseable {
    static final String FC = "pre_enrich.fc.weight";
    static final String PROJ = "pre_enrich.proj.weight";

    private final Ops ops;
    private final GolfConfig config;
    private final Tensor wFc;
    private final Tensor gFc;
    private final Tensor wProj;
    private final Tensor gProj;
    private final Tensor pre;
    private final Tensor act;
    private final Tensor m;
    private final Tensor rstd;
    private final Tensor out;
    private final Tensor dm;
    private final Tensor dact;
    private Tensor input;

    PreEnrichment(Ops ops, GolfConfig config, ParamSet params, int maxTokens) {
        this.ops = ops;
        this.config = config;
        Param fc = params.get(FC);
        Param proj = params.get(PROJ);
        wFc = fc.value();
        gFc = fc.grad();
        wProj = proj.value();
        gProj = proj.grad();
        int d = config.modelDim();
        int hidden = config.input().preEnrichHidden();
        pre = GolfWorkspace.activations(ops, maxTokens, hidden);
        act = GolfWorkspace.activations(ops, maxTokens, hidden);
        m = GolfWorkspace.activations(ops, maxTokens, d);
        rstd = GolfWorkspace.statistics(ops, maxTokens, 1);
        out = GolfWorkspace.activations(ops, maxTokens, d);
        dm = GolfWorkspace.activations(ops, maxTokens, d);
        dact = GolfWorkspace.activations(ops, maxTokens, hidden);
    }

    /** Returns the enriched, normalised rows (a buffer of this stage's). */
    Tensor forward(GolfStep step, Tensor x) {
        input = x;
        Tensor h = step.rows(pre);
        Tensor a = step.rows(act);
        Tensor mT = step.rows(m);
        ops.matmul(x, false, wFc, true, h, 1f, 0f);
        ops.geluForward(h, a);
        ops.matmul(a, false, wProj, true, mT, 1f, 0f);
        Tensor o = step.rows(out);
        ops.rmsNormForward(mT, o, step.rows(rstd), config.rmsEps());
        return o;
    }

    /** The output rows as the latest forward left them. */
    Tensor output(GolfStep step) {
        return step.rows(out);
    }

    /** Consumes {@code dOut} (the gradient of the output) and writes the input's into {@code dx}. */
    void backward(GolfStep step, Tensor dOut, Tensor dx) {
        Tensor dmT = step.rows(dm);
        Tensor da = step.rows(dact);
        ops.rmsNormBackward(step.rows(m), step.rows(rstd), dOut, dmT, false);
        ops.matmul(dmT, true, step.rows(act), false, gProj, 1f, 1f);
        ops.matmul(dmT, false, wProj, false, da, 1f, 0f);
        ops.geluBackward(step.rows(pre), da, da);
        ops.matmul(da, true, input, false, gFc, 1f, 1f);
        ops.matmul(da, false, wFc, false, dx, 1f, 0f);
    }

    @Override
    public void close() {
        for (Tensor t : new Tensor[] {pre, act, m, rstd, out, dm, dact}) {
            t.close();
        }
    }
}
