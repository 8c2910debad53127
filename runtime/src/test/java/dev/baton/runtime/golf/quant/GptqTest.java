package dev.baton.runtime.golf.quant;

import org.junit.jupiter.api.Test;

import java.util.Locale;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * GPTQ's defining property on a synthetic layer with correlated inputs: at the same bits and the
 * same per-row scales, its output error ‖XWᵀ − XŴᵀ‖ is well below round-to-nearest's; and its
 * linear algebra is right.
 */
class GptqTest {
    private static final int SAMPLES = 512;
    private static final int COLS = 96;
    private static final int ROWS = 48;

    /** Inputs with strongly correlated columns (X = Z·A + noise), as real activations have. */
    private static double[] inputs(SplittableRandom r) {
        int latent = 16;
        double[] a = new double[latent * COLS];
        for (int i = 0; i < a.length; i++) {
            a[i] = r.nextGaussian();
        }
        double[] x = new double[SAMPLES * COLS];
        for (int s = 0; s < SAMPLES; s++) {
            double[] z = new double[latent];
            for (int k = 0; k < latent; k++) {
                z[k] = r.nextGaussian();
            }
            for (int c = 0; c < COLS; c++) {
                double v = 0.1 * r.nextGaussian();
                for (int k = 0; k < latent; k++) {
                    v += z[k] * a[k * COLS + c];
                }
                x[s * COLS + c] = v;
            }
        }
        return x;
    }

    private static double[] gram(double[] x) {
        double[] h = new double[COLS * COLS];
        for (int s = 0; s < SAMPLES; s++) {
            for (int i = 0; i < COLS; i++) {
                double xi = x[s * COLS + i];
                for (int j = 0; j < COLS; j++) {
                    h[i * COLS + j] += xi * x[s * COLS + j];
                }
            }
        }
        return h;
    }

    /** ‖X Wᵀ − X Ŵᵀ‖_F. */
    private static double outputError(double[] x, float[] w, float[] wq) {
        double sum = 0;
        for (int s = 0; s < SAMPLES; s++) {
            for (int r = 0; r < ROWS; r++) {
                double d = 0;
                for (int c = 0; c < COLS; c++) {
                    d += x[s * COLS + c] * ((double) w[r * COLS + c] - wq[r * COLS + c]);
                }
                sum += d * d;
            }
        }
        return Math.sqrt(sum);
    }

    @Test
    void gptqOutputErrorIsWellBelowRoundToNearestAtTheSameBits() {
        SplittableRandom r = new SplittableRandom(17);
        double[] x = inputs(r);
        double[] h = gram(x);
        float[] w = new float[ROWS * COLS];
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) (0.05 * r.nextGaussian());
        }
        GptqConfig config = GptqConfig.records();
        int maxq = GptqConfig.clipRange(6);
        float[] scales = RowScales.of(w, ROWS, COLS, config.matrixClipSigmas(), maxq, null, false);
        byte[] rtn = Gptq.roundToNearest(w, scales, COLS, maxq);
        byte[] gptq = Gptq.quantize(w, ROWS, COLS, h, scales, maxq, config);
        for (byte q : gptq) {
            assertTrue(q >= -31 && q <= 31, "int6 codes stay in [-31, 31]");
        }
        double eRtn = outputError(x, w, Gptq.dequantize(rtn, scales, COLS));
        double eGptq = outputError(x, w, Gptq.dequantize(gptq, scales, COLS));
        System.out.printf(Locale.ROOT, "synthetic %dx%d layer, %d correlated samples, int6: ||XW-XWq|| RTN %.4f, GPTQ %.4f"
                + " (%.2fx lower)%n", ROWS, COLS, SAMPLES, eRtn, eGptq, eRtn / eGptq);
        assertTrue(eGptq < 0.6 * eRtn, "GPTQ " + eGptq + " vs round-to-nearest " + eRtn);
        // without act order and with one-column blocks it is the same algorithm, a little different numerically
        GptqConfig plain = new GptqConfig(6, 8, 12.85, 20, 0.01, false, 1, false, 0, 0, 0, true);
        double ePlain = outputError(x, w, Gptq.dequantize(Gptq.quantize(w, ROWS, COLS, h, scales, maxq, plain), scales, COLS));
        assertTrue(ePlain < 0.6 * eRtn, "GPTQ without act order " + ePlain);
        // no Hessian: round-to-nearest
        assertArrayEquals(rtn, Gptq.quantize(w, ROWS, COLS, null, scales, maxq, config));
    }

    @Test
    void theInvertedFactorIsTheUpperCholeskyOfTheInverse() {
        SplittableRandom r = new SplittableRandom(5);
        int n = 7;
        double[] b = new double[n * n];
        for (int i = 0; i < b.length; i++) {
            b[i] = r.nextGaussian();
        }
        double[] h = new double[n * n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                for (int k = 0; k < n; k++) {
                    h[i * n + j] += b[k * n + i] * b[k * n + j];
                }
            }
        }
        double[] u = Gptq.invertedFactor(h, n, 0.5);
        for (int i = 0; i < n; i++) {
            h[i * n + i] += 0.5;
        }
        // (Uᵀ U)(H + damp I) = I, and U is upper triangular
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                double v = 0;
                for (int k = 0; k < n; k++) {
                    double uu = 0;
                    for (int m = 0; m < n; m++) {
                        uu += u[m * n + i] * u[m * n + k];
                    }
                    v += uu * h[k * n + j];
                }
                assertEquals(i == j ? 1.0 : 0.0, v, 1e-9, "(UᵀU)H at " + i + "," + j);
                if (j < i) {
                    assertEquals(0.0, u[i * n + j], "U is upper triangular");
                }
            }
        }
    }

    @Test
    void sdClipScalesReachKStandardDeviationsAndTheSearchNeverDoesWorse() {
        SplittableRandom r = new SplittableRandom(8);
        float[] w = new float[4 * 200];
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) (0.02 * (i / 200 + 1) * r.nextGaussian());
        }
        float[] sd = RowScales.of(w, 4, 200, 12.85, 31, null, false);
        float[] searched = RowScales.of(w, 4, 200, 12.85, 31, null, true);
        for (int row = 0; row < 4; row++) {
            double mean = 0;
            double sq = 0;
            for (int c = 0; c < 200; c++) {
                mean += w[row * 200 + c];
            }
            mean /= 200;
            for (int c = 0; c < 200; c++) {
                sq += Math.pow(w[row * 200 + c] - mean, 2);
            }
            double std = Math.sqrt(sq / 199);
            assertEquals(12.85 * std / 31, sd[row], 1e-3 * sd[row], "row " + row);
            assertTrue(rowError(w, row, searched[row]) <= rowError(w, row, sd[row]), "row " + row);
        }
    }

    private static double rowError(float[] w, int row, float s) {
        double e = 0;
        for (int c = 0; c < 200; c++) {
            double v = w[row * 200 + c];
            e += Math.pow(v - Gptq.code(v, s, 31) * (double) s, 2);
        }
        return e;
    }
}
