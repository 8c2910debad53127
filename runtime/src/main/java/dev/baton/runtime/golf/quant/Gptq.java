package dev.baton.runtime.golf.quant;

import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.IntStream;

/**
 * GPTQ (Frantar et al. 2022) for one Linear weight W (rows = outputs, cols = inputs, row-major) with
 * fixed per-row scales: columns are quantised one at a time, and each column's rounding error,
 * divided by the matching diagonal entry of U (the upper Cholesky factor of H⁻¹, H = XᵀX of the
 * layer's inputs), is fed back into the columns not yet quantised through U's row, so that the layer
 * output XWᵀ moves as little as the grid allows. The feedback is applied inside blocks of
 * {@code blockSize} columns at once and to the rest of the matrix once per block (the "lazy batch"
 * update), with optional descending-diag(H) column order, damping {@code damp · mean diag(H)}, and
 * dead inputs (diag 0) zeroed, as the reference implementation does. Without a Hessian it is
 * round-to-nearest with the same scales.
 */
public final class Gptq {
    private Gptq() {
    }

    /**
     * The codes of W, row-major like W, each in [-maxq, maxq].
     *
     * @param hessian XᵀX (cols x cols, row-major), or null for round-to-nearest
     * @param scales  the per-row step, as it will be stored (already rounded to fp16)
     */
    public static byte[] quantize(float[] w, int rows, int cols, double[] hessian, float[] scales, int maxq,
                                  GptqConfig config) {
        if (w.length != rows * cols || scales.length != rows || hessian != null && hessian.length != cols * cols) {
            throw new IllegalArgumentException("W " + rows + "x" + cols + " with " + w.length + " values, "
                    + scales.length + " scales" + (hessian != null ? ", H of " + hessian.length : ""));
        }
        if (hessian == null) {
            return roundToNearest(w, scales, cols, maxq);
        }
        double[] h = hessian.clone();
        double[][] wd = new double[rows][cols];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                wd[r][c] = w[r * cols + c];
            }
        }
        for (int i = 0; i < cols; i++) {
            if (h[i * cols + i] == 0) {
                // an input that is always zero: its weights do nothing, quantise them to 0
                h[i * cols + i] = 1;
                for (double[] row : wd) {
                    row[i] = 0;
                }
            }
        }
        int[] perm = IntStream.range(0, cols).boxed()
                .sorted(config.actOrder() ? Comparator.comparingDouble((Integer i) -> -h[i * cols + i])
                        : Comparator.naturalOrder())
                .mapToInt(Integer::intValue).toArray();
        double[] hp = new double[cols * cols];
        double meanDiag = 0;
        for (int i = 0; i < cols; i++) {
            for (int j = 0; j < cols; j++) {
                hp[i * cols + j] = h[perm[i] * cols + perm[j]];
            }
            meanDiag += hp[i * cols + i];
        }
        meanDiag /= cols;
        double[] u = invertedFactor(hp, cols, config.damp() * meanDiag);
        double[][] wp = new double[rows][];
        for (int r = 0; r < rows; r++) {
            double[] row = new double[cols];
            for (int c = 0; c < cols; c++) {
                row[c] = wd[r][perm[c]];
            }
            wp[r] = row;
        }
        byte[] qp = new byte[rows * cols];
        int block = config.blockSize();
        double[][] err = new double[rows][block];
        for (int i1 = 0; i1 < cols; i1 += block) {
            int i2 = Math.min(i1 + block, cols);
            for (int c = i1; c < i2; c++) {
                double d = u[c * cols + c];
                int uc = c * cols;
                for (int r = 0; r < rows; r++) {
                    double[] row = wp[r];
                    double s = scales[r];
                    int q = code(row[c], s, maxq);
                    qp[r * cols + c] = (byte) q;
                    double e = (row[c] - q * s) / d;
                    for (int j = c + 1; j < i2; j++) {
                        row[j] -= e * u[uc + j];
                    }
                    err[r][c - i1] = e;
                }
            }
            if (i2 < cols) {
                for (int r = 0; r < rows; r++) {
                    double[] row = wp[r];
                    double[] er = err[r];
                    for (int k = 0; k < i2 - i1; k++) {
                        double e = er[k];
                        int uk = (i1 + k) * cols;
                        for (int j = i2; j < cols; j++) {
                            row[j] -= e * u[uk + j];
                        }
                    }
                }
            }
        }
        byte[] q = new byte[rows * cols];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                q[r * cols + perm[c]] = qp[r * cols + c];
            }
        }
        return q;
    }

    /**
     * U with {@code Uᵀ U = (H + damp·I)⁻¹}. A Hessian that is still not positive definite (rank
     * deficient from too few calibration rows with no damping, or rounding) gets ten times the
     * damping, up to a few times, before GPTQ gives up.
     */
    static double[] invertedFactor(double[] h, int n, double damp) {
        double extra = damp > 0 ? damp : 1e-8 * Math.max(1e-30, trace(h, n) / n);
        for (int attempt = 0; ; attempt++) {
            double[] a = h.clone();
            for (int i = 0; i < n; i++) {
                a[i * n + i] += extra;
            }
            try {
                return Cholesky.upper(Cholesky.inverse(Cholesky.lower(a, n), n), n);
            } catch (Cholesky.NotPositiveDefinite e) {
                if (attempt == 4) {
                    throw new IllegalStateException("GPTQ: the calibration Hessian stays singular with damping " + extra
                            + "; raise baton.golf.gptq.damp or calibrate on more batches");
                }
                extra *= 10;
            }
        }
    }

    private static double trace(double[] h, int n) {
        double t = 0;
        for (int i = 0; i < n; i++) {
            t += h[i * n + i];
        }
        return t;
    }

    /** Round-to-nearest with the same grid: GPTQ's baseline. */
    public static byte[] roundToNearest(float[] w, float[] scales, int cols, int maxq) {
        byte[] q = new byte[w.length];
        for (int i = 0; i < w.length; i++) {
            q[i] = (byte) code(w[i], scales[i / cols], maxq);
        }
        return q;
    }

    /** {@code clamp(rint(w / s), -maxq, maxq)}; a zero scale gives 0. */
    static int code(double w, double s, int maxq) {
        if (s == 0) {
            return 0;
        }
        double r = Math.rint(w / s);
        return (int) Math.max(-maxq, Math.min(maxq, r));
    }

    /** {@code q · s} per row: the weights the model gets back. */
    public static float[] dequantize(byte[] q, float[] scales, int cols) {
        float[] out = new float[q.length];
        for (int i = 0; i < q.length; i++) {
            out[i] = q[i] * scales[i / cols];
        }
        return out;
    }

    static double[] diagonal(double[] h, int n) {
        double[] d = new double[n];
        Arrays.setAll(d, i -> h[i * n + i]);
        return d;
    }
}
