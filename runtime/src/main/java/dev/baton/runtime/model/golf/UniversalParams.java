package dev.baton.runtime.model.golf;

import dev.baton.runtime.model.PortableInit;
import dev.baton.runtime.ops.Ops;
import dev.baton.runtime.param.Param;
import dev.baton.runtime.param.ParamSet;
import dev.baton.runtime.tensor.Shape;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The Universal Transformer's parameters ({@link UniversalStack}): the shared block (two attention
 * sublayers as the baseline's, a 3-layer MLP) once, the depth norms once per depth of the
 * schedule's maximum. Initialised as the baseline initialises the same kinds of tensor.
 */
final class UniversalParams {
    private static final List<String> ATTN_MATRICES = List.of(GolfParams.C_Q, GolfParams.C_K, GolfParams.C_V,
            GolfParams.ATTN_PROJ);

    private UniversalParams() {
    }

    /** Adds the shared block's and the depth norms' shapes to {@code s}, in a fixed order. */
    static void putShapes(GolfConfig c, Map<String, Shape> s) {
        int d = c.modelDim();
        int hidden = c.mlpHidden();
        for (int j = 0; j < 2; j++) {
            String p = UniversalStack.SHARED + j + ".";
            s.put(p + GolfParams.ATTN_SCALE, Shape.of(d));
            s.put(p + GolfParams.Q_GAIN, Shape.of(c.numHeads()));
            s.put(p + GolfParams.C_Q, Shape.of(d, d));
            s.put(p + GolfParams.C_K, Shape.of(c.kvDim(), d));
            s.put(p + GolfParams.C_V, Shape.of(c.kvDim(), d));
            s.put(p + GolfParams.ATTN_PROJ, Shape.of(d, d));
        }
        s.put(UniversalStack.SHARED + ThreeLayerMlp.SCALE, Shape.of(d));
        s.put(UniversalStack.SHARED + ThreeLayerMlp.FC, Shape.of(hidden, d));
        s.put(UniversalStack.SHARED + ThreeLayerMlp.MID, Shape.of(hidden, hidden));
        s.put(UniversalStack.SHARED + ThreeLayerMlp.PROJ, Shape.of(d, hidden));
        for (int k = 0; k < c.universal().maxDepth(); k++) {
            for (int j = 0; j < 3; j++) {
                s.put(UniversalStack.normPrefix(k, j) + "weight", Shape.of(d));
                s.put(UniversalStack.normPrefix(k, j) + "bias", Shape.of(d));
            }
        }
    }

    /** The shared matrices (what Muon updates and noisy QAT perturbs). */
    static List<String> matrices(GolfConfig c) {
        List<String> names = new ArrayList<>();
        for (int j = 0; j < 2; j++) {
            for (String leaf : ATTN_MATRICES) {
                names.add(UniversalStack.SHARED + j + "." + leaf);
            }
        }
        for (String leaf : List.of(ThreeLayerMlp.FC, ThreeLayerMlp.MID, ThreeLayerMlp.PROJ)) {
            names.add(UniversalStack.SHARED + leaf);
        }
        return names;
    }

    /**
     * c_q, c_k, c_v, mlp.fc and mlp.mid: Linear default uniform(±1/√fan_in); the two output
     * projections zero; q_gain qkGainInit; scales 1; norm weights 1 and biases 0 (values already
     * zero on entry).
     */
    static void initialize(Ops ops, GolfConfig c, ParamSet set, PortableInit init) {
        for (int j = 0; j < 2; j++) {
            String p = UniversalStack.SHARED + j + ".";
            for (String leaf : List.of(GolfParams.C_Q, GolfParams.C_K, GolfParams.C_V)) {
                uniform(ops, set.get(p + leaf), init);
            }
            ops.fill(set.get(p + GolfParams.ATTN_SCALE).value(), 1f);
            ops.fill(set.get(p + GolfParams.Q_GAIN).value(), (float) c.qkGainInit());
        }
        uniform(ops, set.get(UniversalStack.SHARED + ThreeLayerMlp.FC), init);
        uniform(ops, set.get(UniversalStack.SHARED + ThreeLayerMlp.MID), init);
        ops.fill(set.get(UniversalStack.SHARED + ThreeLayerMlp.SCALE).value(), 1f);
        for (int k = 0; k < c.universal().maxDepth(); k++) {
            for (int j = 0; j < 3; j++) {
                ops.fill(set.get(UniversalStack.normPrefix(k, j) + "weight").value(), 1f);
            }
        }
    }

    static void uniform(Ops ops, Param p, PortableInit init) {
        float[] w = new float[(int) p.value().numel()];
        init.fillUniform(p.name(), w, 1.0 / Math.sqrt(p.value().shape().dim(1)));
        ops.write(p.value(), w);
    }
}
