package dev.baton.runtime.model;

import dev.baton.runtime.ops.Ops;
import dev.baton.runtime.param.Param;
import dev.baton.runtime.param.ParamSet;
import dev.baton.runtime.tensor.DType;
import dev.baton.runtime.tensor.Shape;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The record's parameters: names, shapes and stored layouts ({@code lm_head} transposed as (d, V);
 * attention and MLP banks), and their initialisation through {@link PortableInit}.
 */
public final class GptParams {
    public static final String SMEAR_GATE = "smear_gate";
    public static final String SKIP_GATE = "skip_gate";
    public static final String VALUE_EMBEDS = "value_embeds.";
    public static final String ATTN_GATE_BANK = "attn_gate_bank";
    public static final String VE_GATE_BANK = "ve_gate_bank";
    public static final String ATTN_BANK = "attn_bank";
    public static final String MLP_BANK = "mlp_bank";
    public static final String LM_HEAD = "lm_head";
    public static final String EMBED = "embed";
    public static final String X0_LAMBDAS = "x0_lambdas";
    public static final String SCALARS = "scalars";

    private GptParams() {
    }

    /** Name of value-embedding table k. */
    public static String valueEmbed(int k) {
        return VALUE_EMBEDS + k;
    }

    /** Every parameter's shape, in the record's declaration order. */
    public static Map<String, Shape> shapes(GptConfig c) {
        return shapes(c, c.mlpBankLayers());
    }

    /**
     * The shapes with an MLP bank of {@code mlpBankLayers} entries instead of the configuration's
     * {@link GptConfig#mlpBankLayers()}: a sharded run pads the bank further when its matrices
     * must split evenly over a device count that does not divide the configuration's padding
     * (the actor runtime's {@code MlpBankPadding}). Entries past {@code numLayers} are padding.
     */
    public static Map<String, Shape> shapes(GptConfig c, int mlpBankLayers) {
        if (mlpBankLayers < c.numLayers()) {
            throw new IllegalArgumentException("the MLP bank needs at least " + c.numLayers() + " entries, got "
                    + mlpBankLayers);
        }
        LayerLayout l = c.layout();
        int d = c.modelDim();
        int v = c.vocabSize();
        Map<String, Shape> s = new LinkedHashMap<>();
        s.put(SMEAR_GATE, Shape.of(1, c.gateWidth()));
        s.put(SKIP_GATE, Shape.of(1, c.gateWidth()));
        for (int k = 0; k < l.valueEmbedTables(); k++) {
            s.put(valueEmbed(k), Shape.of(v, d));
        }
        s.put(ATTN_GATE_BANK, Shape.of(l.attentionLayers(), c.numHeads(), c.gateWidth()));
        s.put(VE_GATE_BANK, Shape.of(l.valueEmbedLayers(), c.numHeads(), c.gateWidth()));
        s.put(ATTN_BANK, Shape.of(l.attentionLayers(), 4 * d, d));
        s.put(MLP_BANK, Shape.of(mlpBankLayers, 2, c.mlpHidden(), d));
        s.put(LM_HEAD, Shape.of(d, v));
        s.put(EMBED, Shape.of(v, d));
        s.put(X0_LAMBDAS, Shape.of(c.numLayers()));
        s.put(SCALARS, Shape.of(c.scalars().size()));
        return s;
    }

    /**
     * A parameter set of zeros (values and gradients) with the record's names and shapes: values in
     * the backend's {@link Ops#parameterType()} except the fp32 {@code scalars} and
     * {@code x0_lambdas}, gradients in its {@link Ops#gradientType()}.
     */
    public static ParamSet allocate(Ops ops, GptConfig config) {
        return allocate(ops, config, config.mlpBankLayers());
    }

    /** {@link #allocate} with an MLP bank of {@code mlpBankLayers} entries (see {@link #shapes(GptConfig, int)}). */
    public static ParamSet allocate(Ops ops, GptConfig config, int mlpBankLayers) {
        ParamSet set = new ParamSet();
        for (Map.Entry<String, Shape> e : shapes(config, mlpBankLayers).entrySet()) {
            boolean scalar = e.getKey().equals(SCALARS) || e.getKey().equals(X0_LAMBDAS);
            DType value = scalar ? DType.F32 : ops.parameterType();
            set.add(new Param(e.getKey(), ops.allocate(e.getValue(), value), ops.allocate(e.getValue(), ops.gradientType())));
        }
        return set;
    }

    /** {@link #allocate} then {@link #initialize} with the given seed. */
    public static ParamSet create(Ops ops, GptConfig config, long seed) {
        return create(ops, config, config.mlpBankLayers(), seed);
    }

    /**
     * {@link #create} with an MLP bank of {@code mlpBankLayers} entries. The generator is indexed
     * by flat position, so every entry the configuration's bank has starts with the same values.
     */
    public static ParamSet create(Ops ops, GptConfig config, int mlpBankLayers, long seed) {
        ParamSet set = allocate(ops, config, mlpBankLayers);
        initialize(ops, config, set, new PortableInit(seed));
        return set;
    }

    /**
     * The record's initialisation, value by value from the portable generator: QKV rows of the
     * attention bank uniform(±√3·d^−½) and its O rows zero; MLP c_fc uniform(±√3·½·d^−½) and c_proj
     * zero (the padding entry included, as the record does); {@code lm_head} normal(0, 0.005) in its
     * (d, V) layout and {@code embed = lm_headᵀ}; value embeddings, gates and x0 lambdas zero;
     * {@code scalars} the record's constants. Gradients are zeroed.
     */
    public static void initialize(Ops ops, GptConfig c, ParamSet set, PortableInit init) {
        int d = c.modelDim();
        int v = c.vocabSize();
        for (Param p : set.all()) {
            ops.fill(p.value(), 0f);
            ops.fill(p.grad(), 0f);
        }
        Shape attnShape = set.get(ATTN_BANK).value().shape();
        float[] attn = new float[(int) attnShape.numel()];
        init.fillUniform(ATTN_BANK, attn, Math.sqrt(3) * Math.pow(d, -0.5));
        for (int layer = 0; layer < attnShape.dim(0); layer++) {
            int from = layer * 4 * d * d + 3 * d * d;
            java.util.Arrays.fill(attn, from, from + d * d, 0f);
        }
        ops.write(set.get(ATTN_BANK).value(), attn);

        Shape mlpShape = set.get(MLP_BANK).value().shape();
        float[] mlp = new float[(int) mlpShape.numel()];
        init.fillUniform(MLP_BANK, mlp, Math.sqrt(3) * 0.5 * Math.pow(d, -0.5));
        int matrix = c.mlpHidden() * d;
        for (int layer = 0; layer < mlpShape.dim(0); layer++) {
            int from = (2 * layer + 1) * matrix;
            java.util.Arrays.fill(mlp, from, from + matrix, 0f);
        }
        ops.write(set.get(MLP_BANK).value(), mlp);

        float[] head = new float[d * v];
        init.fillNormal(LM_HEAD, head, 0.005);
        ops.write(set.get(LM_HEAD).value(), head);
        float[] embed = new float[v * d];
        for (int i = 0; i < d; i++) {
            for (int j = 0; j < v; j++) {
                embed[j * d + i] = head[i * v + j];
            }
        }
        ops.write(set.get(EMBED).value(), embed);
        ops.write(set.get(SCALARS).value(), c.scalars().initialValues());
    }
}
