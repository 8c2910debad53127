package dev.baton.runtime.model.golf;

import dev.baton.runtime.model.GptConfig;

/**
 * Sizes and constants of the parameter-golf baseline's GPT ({@code train_gpt.py}'s
 * {@code Hyperparameters}); the U-net split (first {@code numLayers / 2} blocks push skips, the rest
 * pop them) follows from {@code numLayers}.
 *
 * @param vocabSize       tokenizer vocabulary, used as is (no padding: the baseline's 1024)
 * @param numLayers       blocks (9)
 * @param modelDim        residual width d (512)
 * @param numHeads        query heads H (8); head_dim = d / H must be even (RoPE pairs)
 * @param numKvHeads      key/value heads (4), dividing H: grouped-query attention
 * @param mlpMult         MLP hidden width as a multiple of d (2)
 * @param ropeBase        rotary base (1e4)
 * @param logitSoftcap    logits become {@code cap · tanh(logit / cap)} (30)
 * @param qkGainInit      initial per-head query gain after the QK norm (1.5)
 * @param embedInitStd    standard deviation of the tied embedding's normal initialisation (0.005)
 * @param rmsEps          rms_norm epsilon: float32 machine epsilon, {@code F.rms_norm}'s default for fp32
 * @param input           seed 002's input stage (BigramHash, SmearGate, GELU pre-enrichment); all off by default
 * @param xsaLastLayers   exclusive self-attention on the last this many blocks (seed 002: 4); 0 = off
 * @param universal       seed 004's Universal-Transformer variant in place of the block stack, or null
 */
public record GolfConfig(int vocabSize, int numLayers, int modelDim, int numHeads, int numKvHeads, int mlpMult,
                         double ropeBase, double logitSoftcap, double qkGainInit, double embedInitStd, float rmsEps,
                         GolfInputConfig input, int xsaLastLayers, UniversalConfig universal) {

    /** The baseline's components (every seed-002/004 technique off). */
    public GolfConfig(int vocabSize, int numLayers, int modelDim, int numHeads, int numKvHeads, int mlpMult,
                      double ropeBase, double logitSoftcap, double qkGainInit, double embedInitStd, float rmsEps) {
        this(vocabSize, numLayers, modelDim, numHeads, numKvHeads, mlpMult, ropeBase, logitSoftcap, qkGainInit,
                embedInitStd, rmsEps, GolfInputConfig.NONE, 0, null);
    }

    public GolfConfig {
        if (input == null) {
            throw new IllegalArgumentException("golf input configuration must not be null (GolfInputConfig.NONE)");
        }
        if (xsaLastLayers < 0 || xsaLastLayers > numLayers) {
            throw new IllegalArgumentException("XSA on the last " + xsaLastLayers + " layers: must be in 0.."
                    + numLayers);
        }
        if (vocabSize <= 0 || numLayers <= 0 || modelDim <= 0 || numHeads <= 0 || numKvHeads <= 0 || mlpMult <= 0) {
            throw new IllegalArgumentException("golf model sizes must be positive: " + this);
        }
        if (modelDim % numHeads != 0) {
            throw new IllegalArgumentException("model_dim " + modelDim + " must be divisible by num_heads " + numHeads);
        }
        if (numHeads % numKvHeads != 0) {
            throw new IllegalArgumentException("num_heads " + numHeads + " must be divisible by num_kv_heads "
                    + numKvHeads);
        }
        if ((modelDim / numHeads) % 2 != 0) {
            throw new IllegalArgumentException("head_dim " + modelDim / numHeads + " must be even for RoPE");
        }
        if (!(logitSoftcap > 0) || !(ropeBase > 0) || !(embedInitStd >= 0)) {
            throw new IllegalArgumentException("logit softcap and rope base must be positive, the embedding std "
                    + "not negative: " + this);
        }
    }

    /** The baseline: vocabulary 1024, 9 blocks of width 512, 8 heads over 4 KV heads, MLP 2x. */
    public static GolfConfig baseline() {
        return of(1024, 9, 512, 8, 4, 2);
    }

    /** The baseline's constants (RoPE 1e4, softcap 30, q gain 1.5, embedding std 0.005) with other sizes. */
    public static GolfConfig of(int vocabSize, int numLayers, int modelDim, int numHeads, int numKvHeads, int mlpMult) {
        return new GolfConfig(vocabSize, numLayers, modelDim, numHeads, numKvHeads, mlpMult, 10000.0, 30.0, 1.5, 0.005,
                GptConfig.FP32_EPS);
    }

    /** This configuration with seed 002's input stage. */
    public GolfConfig withInput(GolfInputConfig in) {
        return new GolfConfig(vocabSize, numLayers, modelDim, numHeads, numKvHeads, mlpMult, ropeBase, logitSoftcap,
                qkGainInit, embedInitStd, rmsEps, in, xsaLastLayers, universal);
    }

    /** This configuration with exclusive self-attention on the last {@code layers} blocks. */
    public GolfConfig withXsa(int layers) {
        return new GolfConfig(vocabSize, numLayers, modelDim, numHeads, numKvHeads, mlpMult, ropeBase, logitSoftcap,
                qkGainInit, embedInitStd, rmsEps, input, layers, universal);
    }

    /** This configuration as seed 004's Universal Transformer (null: the baseline's block stack). */
    public GolfConfig withUniversal(UniversalConfig ut) {
        return new GolfConfig(vocabSize, numLayers, modelDim, numHeads, numKvHeads, mlpMult, ropeBase, logitSoftcap,
                qkGainInit, embedInitStd, rmsEps, input, xsaLastLayers, ut);
    }

    /** True when block {@code layer} removes each head's own-value component (XSA). */
    public boolean xsa(int layer) {
        return layer >= numLayers - xsaLastLayers;
    }

    public int headDim() {
        return modelDim / numHeads;
    }

    /** Width of the K and V projections: num_kv_heads · head_dim. */
    public int kvDim() {
        return numKvHeads * headDim();
    }

    public int mlpHidden() {
        return mlpMult * modelDim;
    }

    /** Blocks that push their output for a skip (the U-net encoder): the first half. */
    public int encoderLayers() {
        return numLayers / 2;
    }

    public int decoderLayers() {
        return numLayers - encoderLayers();
    }

    /** Rows of {@code skip_weights}: min(encoder, decoder) layers. */
    public int skipWeights() {
        return Math.min(encoderLayers(), decoderLayers());
    }
}
