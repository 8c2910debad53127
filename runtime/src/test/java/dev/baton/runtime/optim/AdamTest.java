package dev.baton.runtime.optim;

import dev.baton.runtime.ops.cpu.CpuOps;
import dev.baton.runtime.optim.cpu.CpuOptimizerKernels;
import dev.baton.runtime.tensor.DType;
import dev.baton.runtime.tensor.Shape;
import dev.baton.runtime.tensor.Tensor;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Adam against a closed-form double computation of the record's formulas over three updates. */
class AdamTest {
    private static final double BASE_LR = 0.008, EPS = 1e-10, WD = 0.005;

    @Test
    void threeStepsMatchClosedFormWithBiasCorrectionAndCautiousDecay() {
        // big multipliers so that the cautious decay (lr²·wd·wd_mul ≈ 3e-3 per unit weight) is far above fp32 noise
        ParamEntry e = ParamEntry.adam("x", "x", Comms.REPLICATED, 0.75, 0.95, 10.0, 100.0);
        float[] p0 = {1.0f, -1.0f, 0.5f, -0.5f, 2.0f, -2.0f};
        // signs chosen so that some updates move weights towards zero (decay applies) and some away (it does not)
        float[][] grads = {
                {0.3f, -0.2f, -0.4f, 0.1f, 1.5f, 0.7f},
                {0.1f, -0.5f, 0.2f, 0.2f, -0.3f, 0.9f},
                {-0.6f, 0.4f, 0.05f, -0.3f, 0.8f, -1.1f}};
        double[] lrFactors = {1.0, 1.52, 0.6433333333333332};

        try (CpuOps ops = new CpuOps(2); CpuOptimizerKernels k = new CpuOptimizerKernels(2)) {
            Adam adam = new Adam(k, new AdamConfig(BASE_LR, EPS, WD));
            Tensor p = ops.upload(p0, Shape.of(2, 3), DType.F32);
            AdamState state = new AdamState(ops, Shape.of(2, 3));

            double[] ref = toDouble(p0);
            double[] m = new double[6], v = new double[6];
            int decayed = 0, spared = 0;
            for (int t = 1; t <= 3; t++) {
                float[] g = grads[t - 1];
                adam.update(p, ops.upload(g, Shape.of(2, 3), DType.F32), state, e, lrFactors[t - 1]);

                double lr = BASE_LR * lrFactors[t - 1] * 10.0;
                double stepSize = lr * Math.sqrt(1 - Math.pow(0.95, t)) / (1 - Math.pow(0.75, t));
                double effWd = lr * lr * WD * 100.0;
                for (int i = 0; i < 6; i++) {
                    m[i] = 0.75 * m[i] + 0.25 * g[i];
                    v[i] = 0.95 * v[i] + 0.05 * g[i] * g[i];
                    double u = m[i] / (Math.sqrt(v[i]) + EPS) * stepSize;
                    if (u * ref[i] > 0) {
                        u += effWd * ref[i];
                        decayed++;
                    } else {
                        spared++;
                    }
                    ref[i] -= u;
                }
                float[] got = ops.download(p);
                for (int i = 0; i < 6; i++) {
                    assertEquals(ref[i], got[i], 2e-6, "weight " + i + " after update " + t);
                }
                assertEquals(t, state.step());
            }
            assertTrue(decayed > 0 && spared > 0, "the test must exercise both sides of the cautious mask");
            float[] mGot = ops.download(state.expAvg());
            float[] vGot = ops.download(state.expAvgSq());
            for (int i = 0; i < 6; i++) {
                assertEquals(m[i], mGot[i], 1e-6);
                assertEquals(v[i], vGot[i], 1e-6);
            }
        }
    }

    @Test
    void firstStepMovesEachWeightByAboutLr() {
        // with bias correction the first update is lr·g/|g| (eps aside); without it, it would be
        // lr·(1−β1)/√(1−β2) ≈ 0.0179
        ParamEntry e = ParamEntry.adam("x", "x", Comms.REPLICATED, 0.5, 0.95, 1.0, 0.0);
        try (CpuOps ops = new CpuOps(1); CpuOptimizerKernels k = new CpuOptimizerKernels(1)) {
            Adam adam = new Adam(k, AdamConfig.record());
            Tensor p = ops.upload(new float[] {0f, 0f, 0f}, Shape.of(3), DType.F32);
            AdamState s = new AdamState(ops, Shape.of(3));
            adam.update(p, ops.upload(new float[] {1e-3f, -5f, 40f}, Shape.of(3), DType.F32), s, e, 1.0);
            float[] got = ops.download(p);
            assertEquals(-0.008, got[0], 1e-7);
            assertEquals(0.008, got[1], 1e-7);
            assertEquals(-0.008, got[2], 1e-7);
        }
    }

    private static double[] toDouble(float[] f) {
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) {
            d[i] = f[i];
        }
        return d;
    }
}
