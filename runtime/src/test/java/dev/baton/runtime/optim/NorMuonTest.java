package dev.baton.runtime.optim;

import dev.baton.runtime.ops.cpu.CpuOps;
import dev.baton.runtime.optim.cpu.CpuOptimizerKernels;
import dev.baton.runtime.tensor.DType;
import dev.baton.runtime.tensor.Shape;
import dev.baton.runtime.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** NorMuon's variance normalisation and whole update against double transcriptions of the record. */
class NorMuonTest {

    @Test
    void varianceNormalisationPerRowAndPerColumnOverTwoCalls() {
        for (int[] shape : new int[][] {{3, 24, 8}, {2, 6, 20}}) {
            int n = shape[0], r = shape[1], c = shape[2];
            boolean perRow = r >= c;
            int stats = perRow ? r : c;
            Random rnd = new Random(5);
            try (CpuOps ops = new CpuOps(2); CpuOptimizerKernels k = new CpuOptimizerKernels(2)) {
                Tensor second = ops.allocate(perRow ? Shape.of(n, r, 1) : Shape.of(n, 1, c), DType.F32);
                double[][] refSecond = new double[n][stats];
                for (int call = 0; call < 2; call++) {
                    float[] v = TinyParams.gaussian(rnd, n * r * c, 0.2f);
                    Tensor vt = ops.upload(v, Shape.of(n, r, c), DType.F32);
                    k.normalizeVariance(vt, second, (float) (1 - 0.95), perRow);
                    float[] got = ops.download(vt);
                    float[] gotSecond = ops.download(second);
                    for (int i = 0; i < n; i++) {
                        double[][] want = DoubleReference.normalizeVariance(
                                DoubleReference.matrix(v, i * r * c, r, c), refSecond[i], 0.95);
                        for (int a = 0; a < r; a++) {
                            for (int b = 0; b < c; b++) {
                                assertEquals(want[a][b], got[i * r * c + a * c + b], 1e-5 * Math.max(1, Math.abs(want[a][b])));
                            }
                        }
                        for (int s = 0; s < stats; s++) {
                            assertEquals(refSecond[i][s], gotSecond[i * stats + s], 1e-7);
                        }
                    }
                }
            }
        }
    }

    @Test
    void twoUpdatesOfAnMlpBankMatchTheDoubleTranscription() {
        // 4 tall matrices (16 × 4): shape multiplier 2, c_proj (odd) ×2 more; wd with the base lr only
        int n = 4, r = 16, c = 4;
        ParamEntry e = ParamEntry.normuon("mlp", "mlp_bank", Comms.SHARDED, 1.0, 1.0, 1, List.of(1.0, 2.0));
        MatrixView view = MatrixView.of(Shape.of(2, 2, r, c), 1);
        NorMuonConfig cfg = NorMuonConfig.record();
        Random rnd = new Random(9);
        float[] p0 = TinyParams.gaussian(rnd, n * r * c, 0.5f);
        double[] lrFactor = {1.0, 1.52};
        double[] mu = {0.85, 0.875};
        try (CpuOps ops = new CpuOps(2); CpuOptimizerKernels k = new CpuOptimizerKernels(2)) {
            NorMuon nm = new NorMuon(ops, k, cfg);
            Tensor p = ops.upload(p0, view.shape(), DType.F32);
            NorMuonState st = nm.newState(view, ShardSlice.whole(n));
            double[][][] ref = new double[n][][];
            double[][][] mom = new double[n][r][c];
            double[][] second = new double[n][r];
            for (int i = 0; i < n; i++) {
                ref[i] = DoubleReference.matrix(p0, i * r * c, r, c);
            }
            for (int step = 0; step < 2; step++) {
                float[] g = TinyParams.gaussian(rnd, n * r * c, 1f);
                nm.update(p, ops.upload(g, view.shape(), DType.F32), st, e, lrFactor[step], mu[step]);
                double base = cfg.lr() * lrFactor[step];
                double wd = cfg.weightDecay() * base;
                for (int i = 0; i < n; i++) {
                    double[][] u = new double[r][c];
                    for (int a = 0; a < r; a++) {
                        for (int b = 0; b < c; b++) {
                            double gi = g[i * r * c + a * c + b];
                            mom[i][a][b] = mu[step] * mom[i][a][b] + (1 - mu[step]) * gi;
                            u[a][b] = (1 - mu[step]) * gi + mu[step] * mom[i][a][b];
                        }
                    }
                    double[][] v = DoubleReference.normalizeVariance(DoubleReference.polarExpress(u), second[i], cfg.beta2());
                    double lr = base * 2.0 * (i % 2 == 1 ? 2.0 : 1.0);
                    for (int a = 0; a < r; a++) {
                        for (int b = 0; b < c; b++) {
                            double pv = ref[i][a][b];
                            double mask = v[a][b] * pv >= 0 ? 1 : 0;
                            ref[i][a][b] = pv - pv * mask * wd * lr - v[a][b] * lr;
                        }
                    }
                }
                float[] got = ops.download(p);
                for (int i = 0; i < n; i++) {
                    for (int a = 0; a < r; a++) {
                        for (int b = 0; b < c; b++) {
                            assertEquals(ref[i][a][b], got[i * r * c + a * c + b], 2e-5,
                                    "matrix " + i + " (" + a + "," + b + ") after step " + step);
                        }
                    }
                }
            }
        }
    }
}
