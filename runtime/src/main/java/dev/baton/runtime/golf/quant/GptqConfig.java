package dev.baton.runtime.golf.quant;

/**
 * How GPTQ quantises a golf state ({@code baton.golf.gptq}), defaults as the golf records do:
 * int6 for the attention and MLP matrices, int8 for the token embedding, per-row scales
 * {@code clipSigmas * std(row) / (2^(bits-1) - 1)} ("SDClip", 12.85 for int6 and 20 for int8),
 * damping 1% of the mean Hessian diagonal, columns in descending Hessian-diagonal order, blocks of 128
 * columns; tensors of at most {@code keepFloatMaxNumel} values stay float as in the baseline.
 *
 * @param clipSearch          when true, each row's clip is the multiple of its SDClip value (1, 0.8, 0.65,
 *                            0.5, 0.4) with the least Hessian-diagonal-weighted rounding error, instead of
 *                            SDClip alone
 * @param calibrationBatches  forward batches of training tokens whose matrix inputs make the Hessians
 * @param shuffleStride       byte-shuffle stride of the artifact payload (0 or 1 = none)
 * @param packInt6            int6 codes bit-packed four to three bytes, or one per byte (int8 form)
 */
public record GptqConfig(int matrixBits, int embedBits, double matrixClipSigmas, double embedClipSigmas,
                         double damp, boolean actOrder, int blockSize, boolean clipSearch, int keepFloatMaxNumel,
                         int calibrationBatches, int shuffleStride, boolean packInt6) {
    public GptqConfig {
        if (matrixBits != 6 && matrixBits != 8 || embedBits != 6 && embedBits != 8) {
            throw new IllegalArgumentException("GPTQ stores 6 or 8 bits, not " + matrixBits + "/" + embedBits);
        }
        if (!(matrixClipSigmas > 0 && embedClipSigmas > 0 && damp >= 0) || blockSize < 1 || keepFloatMaxNumel < 0
                || calibrationBatches < 0 || shuffleStride < 0 || shuffleStride > 255) {
            throw new IllegalArgumentException("GPTQ settings out of range: clip sigmas > 0, damp >= 0, block size >= 1,"
                    + " calibration batches >= 0, shuffle stride in [0, 255]");
        }
    }

    /**
     * The records' choices: int6 matrices (k 12.85), int8 embedding (k 20), damp 0.01, act order, blocks
     * of 128, 64 calibration batches, stride-2 shuffle, codes one per byte (they compress better).
     */
    public static GptqConfig records() {
        return new GptqConfig(6, 8, 12.85, 20.0, 0.01, true, 128, false, 65_536, 64, 2, false);
    }

    /** The largest code magnitude of {@code bits}: 31 for int6, 127 for int8. */
    public static int clipRange(int bits) {
        return (1 << (bits - 1)) - 1;
    }
}
