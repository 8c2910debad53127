package dev.baton.runtime.optim;

import dev.baton.runtime.ops.cpu.CpuOps;
import dev.baton.runtime.optim.cpu.CpuOptimizerKernels;
import dev.baton.runtime.tensor.DType;
import dev.baton.runtime.tensor.Shape;
import dev.baton.runtime.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The golf baseline's Muon: Newton–Schulz 5 and the momentum / Nesterov / shape-scaled step equal a
 * literal double-precision transcription of {@code zeropower_via_newtonschulz5} and
 * {@code Muon.step} (train_gpt.py), for wide, square and tall matrices.
 */
class MuonTest {
    /** zeropower_via_newtonschulz5 in double: normalise, transpose tall, 5 quintic steps. */
    static double[][] newtonSchulz5(double[][] g, int steps) {
        double a = 3.4445;
        double b = -4.7750;
        double c = 2.0315;
        double norm = 0;
        for (double[] row : g) {
            for (double e : row) {
                norm += e * e;
            }
        }
        double den = Math.sqrt(norm) + 1e-7;
        boolean transposed = g.length > g[0].length;
        double[][] x = transposed ? DoubleReference.transpose(g) : DoubleReference.copy(g);
        for (double[] row : x) {
            for (int j = 0; j < row.length; j++) {
                row[j] /= den;
            }
        }
        for (int s = 0; s < steps; s++) {
            double[][] am = DoubleReference.mul(x, DoubleReference.transpose(x));
            double[][] aa = DoubleReference.mul(am, am);
            double[][] bm = new double[am.length][am.length];
            for (int i = 0; i < am.length; i++) {
                for (int j = 0; j < am.length; j++) {
                    bm[i][j] = b * am[i][j] + c * aa[i][j];
                }
            }
            double[][] bx = DoubleReference.mul(bm, x);
            for (int i = 0; i < x.length; i++) {
                for (int j = 0; j < x[0].length; j++) {
                    x[i][j] = a * x[i][j] + bx[i][j];
                }
            }
        }
        return transposed ? DoubleReference.transpose(x) : x;
    }

    @Test
    void newtonSchulz5EqualsTheDoubleTranscription() {
        int[][] shapes = {{16, 48}, {32, 32}, {96, 24}};
        try (CpuOps ops = new CpuOps(2); CpuOptimizerKernels k = new CpuOptimizerKernels(2)) {
            NewtonSchulz ns = new NewtonSchulz(ops, k);
            for (int[] s : shapes) {
                int rows = s[0];
                int cols = s[1];
                float[] g = TinyParams.gaussian(new Random(rows + cols), rows * cols, 1f);
                float[] out;
                try (Tensor x = ops.upload(g, Shape.of(1, rows, cols), DType.F32);
                     NewtonSchulz.Workspace ws = ns.workspace(1, rows, cols)) {
                    out = ops.download(ns.apply(x, ws, 5));
                }
                double[][] want = newtonSchulz5(DoubleReference.matrix(g, 0, rows, cols), 5);
                double maxAbs = 0;
                for (int i = 0; i < rows; i++) {
                    for (int j = 0; j < cols; j++) {
                        assertEquals(want[i][j], out[i * cols + j], 2e-5, rows + "x" + cols + " [" + i + "," + j + "]");
                        maxAbs = Math.max(maxAbs, Math.abs(want[i][j]));
                    }
                }
                // NS5 drives singular values to roughly [0.7, 1.2]: entries are O(1/sqrt(min dim)), not tiny
                assertEquals(1.0 / Math.sqrt(Math.min(rows, cols)), maxAbs, 3.0 / Math.sqrt(Math.min(rows, cols)));
            }
        }
    }

    @Test
    void updateIsMomentumNesterovNewtonSchulzAndTheShapeScaledStep() {
        int rows = 24;
        int cols = 8;   // tall: the step is scaled by sqrt(24 / 8)
        Random r = new Random(4);
        float[] p0 = TinyParams.gaussian(r, rows * cols, 1f);
        double[][] p = DoubleReference.matrix(p0, 0, rows, cols);
        double[][] buf = new double[rows][cols];
        double lr = 0.04;
        try (CpuOps ops = new CpuOps(2); CpuOptimizerKernels k = new CpuOptimizerKernels(2);
             Tensor pt = ops.upload(p0, Shape.of(rows, cols), DType.F32)) {
            Muon muon = new Muon(ops, k, 5);
            try (Muon.State state = muon.newState(rows, cols)) {
                for (int step = 0; step < 3; step++) {
                    double mu = 0.85 + 0.05 * step;
                    float[] g = TinyParams.gaussian(r, rows * cols, 1f);
                    try (Tensor gt = ops.upload(g, Shape.of(rows, cols), DType.F32)) {
                        muon.update(pt, gt, state, lr, mu, true);
                    }
                    // buf.mul_(momentum).add_(g); g = g.add(buf, alpha=momentum); zeropower; scale; p.add_(-lr)
                    double[][] u = new double[rows][cols];
                    for (int i = 0; i < rows; i++) {
                        for (int j = 0; j < cols; j++) {
                            buf[i][j] = mu * buf[i][j] + g[i * cols + j];
                            u[i][j] = g[i * cols + j] + mu * buf[i][j];
                        }
                    }
                    double[][] x = newtonSchulz5(u, 5);
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
                            assertEquals(p[i][j], got[i * cols + j], 2e-6, "step " + step);
                            assertEquals(buf[i][j], mom[i * cols + j], 1e-5, "momentum, step " + step);
                        }
                    }
                }
            }
        }
        assertEquals(Math.sqrt(3), Muon.shapeScale(24, 8), 1e-12);
        assertEquals(1.0, Muon.shapeScale(256, 512), 0);
    }
}
