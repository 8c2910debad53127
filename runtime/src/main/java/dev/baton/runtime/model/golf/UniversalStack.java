package dev.baton.runtime.model.golf;

import dev.baton.runtime.ops.Ops;
import dev.baton.runtime.param.ParamSet;
import dev.baton.runtime.tensor.Tensor;

/**
 * Seed 004's Universal Transformer in place of the baseline's block stack: one shared block (two
 * attention sublayers, then a {@link ThreeLayerMlp}) applied {@link #depth()} times, each depth
 * with its own {@link DepthNorm}s. Every depth of the schedule's maximum is built at construction
 * (activations and norms), so {@link #setDepth} only changes a loop bound: switching allocates
 * nothing, as the seed compiles every scheduled depth up front.
 *
 * <p>Parameter names: the shared block under {@value #SHARED} ({@code shared.0.attn.c_q.weight},
 * {@code shared.1.attn_scale}, {@code shared.mlp.mid.weight}, ...), the norms under
 * {@code depth_norms.<depth>.<attn0|attn1|mlp>.<weight|bias>}.
 */
final class UniversalStack implements AutoCloseable {
    static final String SHARED = "shared.";
    static final String[] SUBLAYERS = {"attn0", "attn1", "mlp"};
    /** Fixed: a run's noise is reproducible. */
    private static final long QAT_SEED = 4004;

    private final Ops ops;
    private final int maxDepth;
    private final GolfAttention[][] attentions;
    private final ThreeLayerMlp[] mlps;
    private final DepthNorm[][] norms;
    private final Tensor[][] states;
    private final Tensor ones;
    private final Tensor dRaw;
    private final NoisyQat qat;
    private int depth;
    private int forwardDepth;
    private Tensor input;

    UniversalStack(Ops ops, GolfConfig config, ParamSet params, GolfWorkspace ws, GolfRope rope, int maxTokens) {
        this.ops = ops;
        UniversalConfig ut = config.universal();
        this.maxDepth = ut.maxDepth();
        this.depth = ut.schedule().finalDepth();
        int d = config.modelDim();
        ones = GolfWorkspace.activations(ops, maxTokens, d);
        ops.fill(ones, 1f);
        dRaw = GolfWorkspace.activations(ops, maxTokens, d);
        attentions = new GolfAttention[maxDepth][2];
        mlps = new ThreeLayerMlp[maxDepth];
        norms = new DepthNorm[maxDepth][3];
        states = new Tensor[maxDepth][3];
        for (int k = 0; k < maxDepth; k++) {
            for (int j = 0; j < 3; j++) {
                norms[k][j] = new DepthNorm(ops, config, params, normPrefix(k, j), ones, dRaw, maxTokens);
                states[k][j] = GolfWorkspace.activations(ops, maxTokens, d);
            }
            for (int j = 0; j < 2; j++) {
                attentions[k][j] = new GolfAttention(ops, config, params, ws, rope, SHARED + j + ".", false, norms[k][j],
                        maxTokens);
            }
            mlps[k] = new ThreeLayerMlp(ops, config, params, ws, SHARED, norms[k][2], maxTokens);
        }
        this.qat = ut.qatNoise() > 0 ? new NoisyQat(ops, params, UniversalParams.matrices(config), ut.qatNoise(), QAT_SEED)
                : null;
    }

    /** {@code depth_norms.<k>.<sublayer>.}: the prefix of norm j (0, 1 attention, 2 MLP) at depth k. */
    static String normPrefix(int k, int j) {
        return "depth_norms." + k + "." + SUBLAYERS[j] + ".";
    }

    int depth() {
        return depth;
    }

    int maxDepth() {
        return maxDepth;
    }

    /** Sets the number of depths the next forwards run (1..the schedule's maximum). */
    void setDepth(int newDepth) {
        if (newDepth < 1 || newDepth > maxDepth) {
            throw new IllegalArgumentException("depth " + newDepth + " outside 1.." + maxDepth
                    + " (the schedule's maximum, allocated at construction)");
        }
        depth = newDepth;
    }

    /** Noisy QAT: perturbs the shared matrices before a training forward (no-op when off). */
    void perturb() {
        if (qat != null) {
            qat.perturb();
        }
    }

    /** Puts the clean matrices back (after backward, or before an evaluation); no-op when clean. */
    void restore() {
        if (qat != null) {
            qat.restore();
        }
    }

    boolean perturbed() {
        return qat != null && qat.active();
    }

    /** Runs the shared block {@link #depth()} times on x0's rows; returns the last state's rows. */
    Tensor forward(GolfStep step, Tensor x0) {
        forwardDepth = depth;
        input = x0;
        Tensor x = x0;
        for (int k = 0; k < forwardDepth; k++) {
            Tensor a = step.rows(states[k][0]);
            Tensor b = step.rows(states[k][1]);
            Tensor c = step.rows(states[k][2]);
            attentions[k][0].forward(step, x, a);
            attentions[k][1].forward(step, a, b);
            mlps[k].forward(step, b, c);
            x = c;
        }
        return x;
    }

    /** On entry {@code dres} is the gradient of the last state; on return, of x0. */
    void backward(GolfStep step, Tensor dres) {
        for (int k = forwardDepth - 1; k >= 0; k--) {
            Tensor in = k == 0 ? input : step.rows(states[k - 1][2]);
            mlps[k].backward(step, step.rows(states[k][1]), dres);
            attentions[k][1].backward(step, step.rows(states[k][0]), dres);
            attentions[k][0].backward(step, in, dres);
        }
    }

    @Override
    public void close() {
        restore();
        for (int k = 0; k < maxDepth; k++) {
            for (int j = 0; j < 3; j++) {
                norms[k][j].close();
                states[k][j].close();
            }
            attentions[k][0].close();
            attentions[k][1].close();
            mlps[k].close();
        }
        ones.close();
        dRaw.close();
        if (qat != null) {
            qat.close();
        }
    }
}
