package dev.baton.runtime.golf.quant;

import dev.baton.runtime.golf.artifact.HalfFloat;

/**
 * Per-row quantisation steps as the golf records choose them ("SDClip"): {@code k · std(row) / maxq},
 * so the grid reaches k standard deviations of the row (std with Bessel's correction, as
 * {@code torch.std}), rounded to the fp16 the artifact stores. With the clip search each row instead
 * takes the multiple {@code m · k} (m in {@link #SEARCH}) whose round-to-nearest error, weighted by the
 * Hessian diagonal (the output error each input carries; plain squared error without a Hessian), is
 * least.
 */
public final class RowScales {
    /** The multiples of the SDClip value the search tries. */
    static final double[] SEARCH = {1.0, 0.8, 0.65, 0.5, 0.4};
    /** Smallest positive fp16 (subnormal): a lower scale would be stored as 0. */
    private static final float MIN_SCALE = 0x1p-24f;

    private RowScales() {
    }

    /** The rows' fp16-representable steps. */
    public static float[] of(float[] w, int rows, int cols, double clipSigmas, int maxq, double[] hessianDiag,
                             boolean search) {
        float[] scales = new float[rows];
        for (int r = 0; r < rows; r++) {
            int base = r * cols;
            double mean = 0;
            for (int c = 0; c < cols; c++) {
                mean += w[base + c];
            }
            mean /= cols;
            double var = 0;
            for (int c = 0; c < cols; c++) {
                double d = w[base + c] - mean;
                var += d * d;
            }
            double std = cols > 1 ? Math.sqrt(var / (cols - 1)) : Math.abs(mean);
            double sd = clipSigmas * std / maxq;
            if (!search) {
                scales[r] = toHalf(sd);
                continue;
            }
            double best = Double.POSITIVE_INFINITY;
            for (double m : SEARCH) {
                float s = toHalf(m * sd);
                double e = 0;
                for (int c = 0; c < cols; c++) {
                    double d = w[base + c] - Gptq.code(w[base + c], s, maxq) * (double) s;
                    e += (hessianDiag != null ? hessianDiag[c] : 1.0) * d * d;
                }
                if (e < best) {
                    best = e;
                    scales[r] = s;
                }
            }
        }
        return scales;
    }

    /** The fp16 value nearest to {@code s}, at least the smallest positive fp16 (0 only for 0). */
    static float toHalf(double s) {
        if (s == 0) {
            return 0f;
        }
        return HalfFloat.fromHalf(HalfFloat.toHalf((float) Math.max(s, MIN_SCALE)));
    }
}
