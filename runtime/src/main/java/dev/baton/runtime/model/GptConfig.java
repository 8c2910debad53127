package dev.baton.runtime.model;

/**
 * Sizes and constants of the record's GPT; the layer layout says which block has which feature.
 *
 * @param vocabSize        padded vocabulary (a multiple of 128; GPT-2's 50257 becomes 50304)
 * @param numLayers        number of blocks (equals {@code layout.numLayers()})
 * @param modelDim         residual width d
 * @param numHeads         attention heads H (H · headDim = d, as the record asserts)
 * @param headDim          per-head width hd (a multiple of 4: the key offset shifts quarters)
 * @param mlpHidden        MLP hidden width (4d in the record)
 * @param gateWidth        channels the sigmoid gates read (12)
 * @param softcapA         logit softcap A·σ((x + B)/C): 23
 * @param softcapB         5
 * @param softcapC         7.5
 * @param blockSize        attention-window unit in tokens (128 in the record)
 * @param initialAttnScale softmax scale before any YaRN step (0.1)
 * @param rmsEps           rms_norm epsilon: float32 machine epsilon
 * @param shardMultiple    the record's world size 8, fixed: pads {@code scalars} and the MLP bank
 *                         so their shapes do not depend on the device count (see {@link ScalarsLayout})
 * @param layout           the per-layer features
 */
public record GptConfig(int vocabSize, int numLayers, int modelDim, int numHeads, int headDim, int mlpHidden,
                        int gateWidth, float softcapA, float softcapB, float softcapC, int blockSize,
                        double initialAttnScale, float rmsEps, int shardMultiple, LayerLayout layout) {

    /** float32 machine epsilon, the effective eps of {@code F.rms_norm(x, (d,))} in the record. */
    public static final float FP32_EPS = 1.1920929e-07f;

    public GptConfig {
        if (numHeads * headDim != modelDim) {
            throw new IllegalArgumentException("num_heads · head_dim = " + numHeads * headDim + " must equal model_dim "
                    + modelDim);
        }
        if (headDim % 4 != 0) {
            throw new IllegalArgumentException("head_dim " + headDim + " must be a multiple of 4");
        }
        if (!layout.pairedHead().isEmpty() && numHeads % 2 != 0) {
            throw new IllegalArgumentException("paired-head layers need an even head count, got " + numHeads);
        }
        if (gateWidth > modelDim) {
            throw new IllegalArgumentException("gate width " + gateWidth + " exceeds model_dim " + modelDim);
        }
        if (layout.numLayers() != numLayers) {
            throw new IllegalArgumentException("layout has " + layout.numLayers() + " layers, config " + numLayers);
        }
        if (vocabSize <= 0 || mlpHidden <= 0 || blockSize <= 0 || shardMultiple <= 0 || shardMultiple % 2 != 0) {
            throw new IllegalArgumentException("invalid GPT sizes: " + this);
        }
    }

    /** The record: 11 layers, d = 768, 6 heads of 128, GPT-2 vocabulary. */
    public static GptConfig record() {
        return standard(paddedVocab(50257), LayerLayout.record(), 768, 6, 128);
    }

    /** GOLDEN.md's "record-small": the record's layout and vocabulary, d = 64, 4 heads of 16, block 16. */
    public static GptConfig recordSmall() {
        return standard(paddedVocab(50257), LayerLayout.record(), 64, 4, 16).withBlockSize(16);
    }

    /**
     * The record's constants with other sizes: MLP hidden 4d, gate width 12 (or d if smaller),
     * block size 128.
     */
    public static GptConfig standard(int vocabSize, LayerLayout layout, int modelDim, int numHeads, int headDim) {
        return new GptConfig(vocabSize, layout.numLayers(), modelDim, numHeads, headDim, 4 * modelDim,
                Math.min(12, modelDim), 23f, 5f, 7.5f, 128, 0.1, FP32_EPS, 8, layout);
    }

    public GptConfig withBlockSize(int size) {
        return new GptConfig(vocabSize, numLayers, modelDim, numHeads, headDim, mlpHidden, gateWidth, softcapA,
                softcapB, softcapC, size, initialAttnScale, rmsEps, shardMultiple, layout);
    }

    /** The record's padding: the next multiple of 128. */
    public static int paddedVocab(int vocab) {
        return (vocab + 127) / 128 * 128;
    }

    public ScalarsLayout scalars() {
        return new ScalarsLayout(numLayers, shardMultiple);
    }

    /**
     * Entries of the MLP bank: one per layer plus padding so that its 2·n matrices split evenly
     * over {@link #shardMultiple()} ranks (the record: 11 + 1 = 12, 24 matrices).
     */
    public int mlpBankLayers() {
        int n = numLayers;
        while ((2 * n) % shardMultiple != 0) {
            n++;
        }
        return n;
    }
}
