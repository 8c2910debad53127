package dev.baton.runtime.golf.artifact;

import dev.baton.runtime.tensor.DType;

import java.util.Arrays;

/**
 * The baseline's int8 quantisation, step by step in fp32 as PyTorch computes it: the clip is the
 * {@code q}-quantile of |w| (linear interpolation between order statistics, {@code torch.quantile}),
 * values are clamped to it, divided by the scale, rounded half to even and clamped to [-127, 127].
 *
 * <p>Per row (2-D): {@code scale = max(clip / 127, 1 / 127)}, stored as fp16. Because the clip
 * reaches the largest |w| of a row only at its top order statistics, a value inside the clip comes
 * back within {@code scale32 / 2 + 127 * |scale32 - fp16(scale32)| <= scale32 * (1/2 + 127 * 2^-11)}
 * of itself, and a clipped value within that plus {@code |w| - clip}. The floor of 1/127 on the scale
 * is the baseline's, so rows whose values are all far below 1 get a coarse grid.
 *
 * <p>Per tensor (other shapes): {@code scale = clip / 127} (1 when the clip is 0), computed in
 * float64 and stored as fp32, with no floor.
 */
public final class Int8Quantizer {
    private Int8Quantizer() {
    }

    public static StoredTensor.Int8PerRow perRow(StateTensor t, DType restoreAs, double quantile) {
        int[] shape = t.shape();
        if (shape.length != 2) {
            throw new IllegalArgumentException(t + " is not 2-D");
        }
        int rows = shape[0];
        int cols = shape[1];
        float[] w = t.values();
        byte[] q = new byte[w.length];
        short[] scales = new short[rows];
        float q32 = (float) quantile;
        float floor = (float) (1.0 / 127.0);
        float[] row = new float[cols];
        for (int r = 0; r < rows; r++) {
            int base = r * cols;
            for (int c = 0; c < cols; c++) {
                row[c] = Math.abs(w[base + c]);
            }
            float clip = quantileOfAbs(row, q32);
            float scale = Math.max(clip / 127.0f, floor);
            for (int c = 0; c < cols; c++) {
                float clipped = Math.max(Math.min(w[base + c], clip), -clip);
                q[base + c] = toInt8(clipped / scale);
            }
            scales[r] = HalfFloat.toHalf(scale);
        }
        return new StoredTensor.Int8PerRow(t.name(), shape, restoreAs, q, scales);
    }

    public static StoredTensor.Int8PerTensor perTensor(StateTensor t, DType restoreAs, double quantile) {
        float[] w = t.values();
        float[] abs = new float[w.length];
        for (int i = 0; i < w.length; i++) {
            abs[i] = Math.abs(w[i]);
        }
        double clip = w.length == 0 ? 0.0 : quantileOfAbs(abs, (float) quantile);
        float scale = (float) (clip > 0 ? clip / 127.0 : 1.0);
        float clip32 = (float) clip;
        byte[] q = new byte[w.length];
        for (int i = 0; i < w.length; i++) {
            float clipped = Math.max(Math.min(w[i], clip32), -clip32);
            q[i] = toInt8(clipped / scale);
        }
        return new StoredTensor.Int8PerTensor(t.name(), t.shape(), restoreAs, q, scale);
    }

    /**
     * {@code torch.quantile(x, q)} with linear interpolation, in fp32: rank {@code q * (n - 1)},
     * then {@code lerp(x[floor], x[ceil], rank - floor)} over the sorted values. Sorts {@code x}.
     */
    static float quantileOfAbs(float[] x, float q) {
        if (x.length == 0) {
            return 0f;
        }
        Arrays.sort(x);
        float rank = q * (float) (x.length - 1);
        int below = (int) rank;
        int above = (int) Math.ceil(rank);
        float weight = rank - below;
        float lo = x[below];
        float hi = x[Math.min(above, x.length - 1)];
        return weight < 0.5f ? lo + weight * (hi - lo) : hi - (hi - lo) * (1f - weight);
    }

    private static byte toInt8(float v) {
        double r = Math.rint(v); // round half to even, as torch.round
        return (byte) Math.max(-127, Math.min(127, r));
    }
}
