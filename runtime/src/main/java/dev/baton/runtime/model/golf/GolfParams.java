package dev.baton.runtime.model.golf;

import dev.baton.runtime.model.PortableInit;
import dev.baton.runtime.ops.Ops;
import dev.baton.runtime.optim.MuonAndAdam;
import dev.baton.runtime.param.Param;
import dev.baton.runtime.param.ParamSet;
import dev.baton.runtime.tensor.DType;
import dev.baton.runtime.tensor.Shape;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The golf baseline's parameters under their {@code state_dict} names and shapes (Linear weights
 * as (out, in)), in {@code state_dict} order, so that checkpoints and artifacts map one to one to
 * the PyTorch model; their initialisation through {@link PortableInit}; and the baseline's split of
 * them over the optimizers.
 */
public final class GolfParams {
    public static final String TOK_EMB = "tok_emb.weight";
    public static final String SKIP_WEIGHTS = "skip_weights";
    /** The baseline's {@code CONTROL_TENSOR_NAME_PATTERNS}: such tensors go to the scalar Adam. */
    public static final List<String> CONTROL_PATTERNS = List.of("attn_scale", "attn_scales", "mlp_scale",
            "mlp_scales", "resid_mix", "resid_mixes", "q_gain", "skip_weight", "skip_weights");
    // leaf names inside block i ("blocks.<i>." + leaf)
    public static final String ATTN_SCALE = "attn_scale";
    public static final String MLP_SCALE = "mlp_scale";
    public static final String RESID_MIX = "resid_mix";
    public static final String Q_GAIN = "attn.q_gain";
    public static final String C_Q = "attn.c_q.weight";
    public static final String C_K = "attn.c_k.weight";
    public static final String C_V = "attn.c_v.weight";
    public static final String ATTN_PROJ = "attn.proj.weight";
    public static final String MLP_FC = "mlp.fc.weight";
    public static final String MLP_PROJ = "mlp.proj.weight";

    private GolfParams() {
    }

    /** The full name of a block parameter, e.g. {@code block(3, C_Q)} = {@code blocks.3.attn.c_q.weight}. */
    public static String block(int layer, String leaf) {
        return "blocks." + layer + "." + leaf;
    }

    /** Every parameter's shape, in the order of the baseline's {@code state_dict()}. */
    public static Map<String, Shape> shapes(GolfConfig c) {
        int d = c.modelDim();
        Map<String, Shape> s = new LinkedHashMap<>();
        if (c.universal() == null) {
            s.put(SKIP_WEIGHTS, Shape.of(c.skipWeights(), d));
        }
        s.put(TOK_EMB, Shape.of(c.vocabSize(), d));
        GolfInputParams.putShapes(c, s);
        if (c.universal() != null) {
            UniversalParams.putShapes(c, s);
            return s;
        }
        for (int i = 0; i < c.numLayers(); i++) {
            s.put(block(i, ATTN_SCALE), Shape.of(d));
            s.put(block(i, MLP_SCALE), Shape.of(d));
            s.put(block(i, RESID_MIX), Shape.of(2, d));
            s.put(block(i, Q_GAIN), Shape.of(c.numHeads()));
            s.put(block(i, C_Q), Shape.of(d, d));
            s.put(block(i, C_K), Shape.of(c.kvDim(), d));
            s.put(block(i, C_V), Shape.of(c.kvDim(), d));
            s.put(block(i, ATTN_PROJ), Shape.of(d, d));
            s.put(block(i, MLP_FC), Shape.of(c.mlpHidden(), d));
            s.put(block(i, MLP_PROJ), Shape.of(d, c.mlpHidden()));
        }
        return s;
    }

    /** Total number of parameters (the baseline's {@code model_params}: 17,059,912). */
    public static long count(GolfConfig c) {
        return shapes(c).values().stream().mapToLong(Shape::numel).sum();
    }

    /**
     * A parameter set of zeros with the baseline's names and shapes: the block matrices and
     * {@code tok_emb} in the backend's parameter type (fp32 on the CPU; bf16 on CUDA, where the GEMMs
     * take both operands in one type), the control tensors and skip weights fp32, every gradient in
     * the backend's gradient type (fp32).
     */
    public static ParamSet allocate(Ops ops, GolfConfig config) {
        ParamSet set = new ParamSet();
        Map<String, MuonAndAdam.Group> groups = groups(config);
        for (Map.Entry<String, Shape> e : shapes(config).entrySet()) {
            DType type = groups.get(e.getKey()) == MuonAndAdam.Group.SCALAR ? DType.F32 : ops.parameterType();
            set.add(new Param(e.getKey(), ops.allocate(e.getValue(), type), ops.allocate(e.getValue(),
                    ops.gradientType())));
        }
        return set;
    }

    /** {@link #allocate} then {@link #initialize} with the given seed. */
    public static ParamSet create(Ops ops, GolfConfig config, long seed) {
        ParamSet set = allocate(ops, config);
        initialize(ops, config, set, new PortableInit(seed));
        return set;
    }

    /**
     * The baseline's initialisation, value by value from the portable generator: {@code tok_emb}
     * normal(0, embedInitStd); c_q, c_k, c_v and mlp.fc PyTorch's Linear default uniform(±1/√fan_in);
     * the two output projections zero ({@code _zero_init}); q_gain qkGainInit; attn/mlp scales and
     * skip weights 1; resid_mix rows (1, 0). Gradients are zeroed.
     */
    public static void initialize(Ops ops, GolfConfig c, ParamSet set, PortableInit init) {
        for (Param p : set.all()) {
            ops.fill(p.grad(), 0f);
            ops.fill(p.value(), 0f);
        }
        float[] emb = new float[(int) set.get(TOK_EMB).value().numel()];
        init.fillNormal(TOK_EMB, emb, c.embedInitStd());
        ops.write(set.get(TOK_EMB).value(), emb);
        GolfInputParams.initialize(ops, c, set, init);
        if (c.universal() != null) {
            UniversalParams.initialize(ops, c, set, init);
            return;
        }
        ops.fill(set.get(SKIP_WEIGHTS).value(), 1f);
        for (int i = 0; i < c.numLayers(); i++) {
            for (String leaf : List.of(C_Q, C_K, C_V, MLP_FC)) {
                Param p = set.get(block(i, leaf));
                float[] w = new float[(int) p.value().numel()];
                init.fillUniform(p.name(), w, 1.0 / Math.sqrt(p.value().shape().dim(1)));
                ops.write(p.value(), w);
            }
            ops.fill(set.get(block(i, ATTN_SCALE)).value(), 1f);
            ops.fill(set.get(block(i, MLP_SCALE)).value(), 1f);
            ops.fill(set.get(block(i, Q_GAIN)).value(), (float) c.qkGainInit());
            ops.fill(set.get(block(i, RESID_MIX)).value().narrow(0, 1), 1f);
        }
    }

    /**
     * The baseline's optimizer split, derived from names and shapes as the baseline derives it:
     * matrices inside the blocks (2-D, no control pattern) go to Muon; vectors, control tensors and
     * {@code skip_weights} to the scalar Adam; {@code tok_emb} to its own Adam. In {@code state_dict}
     * order.
     */
    public static Map<String, MuonAndAdam.Group> groups(GolfConfig c) {
        Map<String, MuonAndAdam.Group> groups = new LinkedHashMap<>();
        for (Map.Entry<String, Shape> e : shapes(c).entrySet()) {
            String name = e.getKey();
            boolean control = CONTROL_PATTERNS.stream().anyMatch(name::contains);
            MuonAndAdam.Group g;
            // seed 002/004: the bigram table learns as an embedding; its projection, the
            // pre-enrichment and the shared UT block's matrices go to Muon with the block matrices
            boolean matrixOwner = name.startsWith("blocks.") || name.startsWith(UniversalStack.SHARED)
                    || GolfInputParams.MATRICES.contains(name);
            if (name.equals(TOK_EMB) || name.equals(BigramHash.EMBED)) {
                g = MuonAndAdam.Group.EMBED;
            } else if (matrixOwner && e.getValue().rank() == 2 && !control) {
                g = MuonAndAdam.Group.MATRIX;
            } else {
                g = MuonAndAdam.Group.SCALAR;
            }
            groups.put(name, g);
        }
        return groups;
    }

    /** Checks that {@code params} holds exactly the configuration's names and shapes. */
    public static void validate(GolfConfig c, ParamSet params) {
        List<String> problems = new ArrayList<>();
        Map<String, Shape> expected = shapes(c);
        expected.forEach((name, shape) -> {
            if (!params.contains(name)) {
                problems.add("missing " + name + " " + shape);
            } else if (!params.get(name).value().shape().equals(shape)) {
                problems.add(name + " is " + params.get(name).value().shape() + ", the configuration needs " + shape);
            }
        });
        for (Param p : params.all()) {
            if (!expected.containsKey(p.name())) {
                problems.add("unexpected " + p.name() + " " + Arrays.toString(p.value().shape().dims()));
            }
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("parameters do not fit the golf model: " + String.join("; ", problems));
        }
    }
}
