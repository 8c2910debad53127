package dev.baton.runtime.optim;

import dev.baton.runtime.ops.cpu.CpuOps;
import dev.baton.runtime.optim.cpu.CpuOptimizerKernels;
import dev.baton.runtime.tensor.DType;
import dev.baton.runtime.tensor.Shape;
import dev.baton.runtime.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The golf records' Muon (seed 001: momentum 0.97, the fused momentum / Nesterov / row-normalisation
 * step, MuonEq-R) against a double-precision transcription: {@code buf = μ·buf + g},
 * {@code u = g + μ·buf}, each row of u divided by {@code max(‖row‖, 1e-7)}, Newton–Schulz 5, the
 * step {@code p −= lr·√max(1, rows/cols)·X}; wide and tall, with a zero row, over several steps.
 */
class RowNormalizedMuonTest {

    @Test
    void fusedRowNormalisedStepEqualsTheDoubleTranscription() {
        for (int[] shape : new int[][] {{8, 20}, {24, 8}}) {
            int rows = shape[0];
            int cols = shape[1];
            Random r = new Random(rows * 31 + cols);
            float[] p0 = TinyParams.gaussian(r, rows * cols, 1f);
            double[][] p = DoubleReference.matrix(p0, 0, rows, cols);
            double[][] buf = new double[rows][cols];
            double lr = 0.022;
            double mu = 0.97;
            try (CpuOps ops = new CpuOps(2); CpuOptimizerKernels k = new CpuOptimizerKernels(2);
                 Tensor pt = ops.upload(p0, Shape.of(rows, cols), DType.F32)) {
                Muon muon = new Muon(ops, k, 5);
                try (Muon.State state = muon.newState(rows, cols)) {
                    for (int step = 0; step < 4; step++) {
                        // rows differ in scale by 1000x, and row 1 is zero at step 0: normalisation matters
                        float[] g = TinyParams.gaussian(r, rows * cols, 1f);
                        for (int i = 0; i < rows; i++) {
                            for (int j = 0; j < cols; j++) {
                                g[i * cols + j] *= (i % 2 == 0) ? 1e-3f : 1f;
                                if (step == 0 && i == 1) {
                                    g[i * cols + j] = 0f;
                                }
                            }
                        }
                        try (Tensor gt = ops.upload(g, Shape.of(rows, cols), DType.F32)) {
                            muon.update(pt, gt, state, lr, mu, true, true);
                        }
                        double[][] u = new double[rows][cols];
                        for (int i = 0; i < rows; i++) {
                            double norm = 0;
                            for (int j = 0; j < cols; j++) {
                                buf[i][j] = mu * buf[i][j] + g[i * cols + j];
                                u[i][j] = g[i * cols + j] + mu * buf[i][j];
                                norm += u[i][j] * u[i][j];
                            }
                            double den = Math.max(Math.sqrt(norm), 1e-7);
                            for (int j = 0; j < cols; j++) {
                                u[i][j] /= den;
                            }
                        }
                        double[][] x = MuonTest.newtonSchulz5(u, 5);
                        double scale = Math.sqrt(Math.max(1.0, (double) rows / cols));
                        for (int i = 0; i < rows; i++) {
                            for (int j = 0; j < cols; j++) {
                                p[i][j] -= lr * scale * x[i][j];
                            }
                        }
                        float[] got = ops.download(pt);
                        float[] mom = ops.download(state.momentum());
                        for (int i = 0; i < rows; i++) {
                            for (int j = 0; j < cols; j++) {
                                assertEquals(p[i][j], got[i * cols + j], 2e-6, rows + "x" + cols + " step " + step);
                                assertEquals(buf[i][j], mom[i * cols + j], 1e-5 * (1 + Math.abs(buf[i][j])),
                                        "momentum, step " + step);
                            }
                        }
                    }
                }
            }
        }
    }

    @Test
    void rowNormalisationChangesTheStepAndFollowsTheConfiguration() {
        MuonAndAdamConfig base = MuonAndAdamConfig.baseline();
        assertTrue(!base.rowNormalize() && base.withRowNormalize(true).rowNormalize());
        int rows = 8;
        int cols = 8;
        float[] g = TinyParams.gaussian(new Random(2), rows * cols, 1f);
        for (int j = 0; j < cols; j++) {
            g[j] *= 100f;   // one loud row
        }
        float[][] after = new float[2][];
        try (CpuOps ops = new CpuOps(1); CpuOptimizerKernels k = new CpuOptimizerKernels(1)) {
            Muon muon = new Muon(ops, k, 5);
            for (int v = 0; v < 2; v++) {
                try (Tensor pt = ops.allocate(Shape.of(rows, cols), DType.F32);
                     Tensor gt = ops.upload(g, Shape.of(rows, cols), DType.F32);
                     Muon.State state = muon.newState(rows, cols)) {
                    muon.update(pt, gt, state, 1.0, 0.97, true, v == 1);
                    after[v] = ops.download(pt);
                }
            }
        }
        double diff = 0;
        for (int i = 0; i < after[0].length; i++) {
            diff = Math.max(diff, Math.abs(after[0][i] - after[1][i]));
        }
        assertTrue(diff > 1e-2, "row normalisation must change a step dominated by one row: " + diff);
    }
}
