package dev.baton.runtime.golf.artifact;

import dev.baton.runtime.tensor.DType;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The baseline's int8 quantisation: quantile clip, scale, rounding, and the per-row error bound. */
class Int8QuantizerTest {
    static final double Q = QuantPolicy.baseline().clipQuantile();
    /** Relative error of a scale rounded to fp16 (scales are normal fp16 numbers: >= 1/127). */
    static final double FP16_REL = 0x1p-11;

    @Test
    void quantileInterpolatesLinearlyBetweenOrderStatistics() {
        assertEquals(2.5f, Int8Quantizer.quantileOfAbs(new float[] {4, 1, 3, 2}, 0.5f));
        assertEquals(4f, Int8Quantizer.quantileOfAbs(new float[] {4, 1, 3, 2}, 1f));
        assertEquals(1.3f, Int8Quantizer.quantileOfAbs(new float[] {1, 2}, 0.3f), 1e-7);
        // the baseline's q on a 512-wide row: rank 511 * 0.9999984 = 510.99918, so clip sits just below the max
        float[] row = new float[512];
        for (int i = 0; i < 512; i++) {
            row[i] = i + 1;
        }
        assertEquals(512f - (1f - 0.99918f), Int8Quantizer.quantileOfAbs(row, (float) Q), 2e-4);
    }

    /** A row far below 1 hits the baseline's scale floor of 1/127: the grid is 1/127 wide. */
    @Test
    void handComputedRowOnTheScaleFloor() {
        StateTensor t = new StateTensor("w", new int[] {1, 3}, DType.F32, new float[] {0f, 0.3f, -0.6f});
        StoredTensor.Int8PerRow q = Int8Quantizer.perRow(t, DType.F32, Q);
        assertArrayEquals(new byte[] {0, 38, -76}, q.q(), "round(0.3 * 127) = 38, round(-0.59999 * 127) = -76");
        assertEquals(HalfFloat.toHalf(1f / 127), q.scales()[0]);
        float s = HalfFloat.fromHalf(q.scales()[0]);
        assertArrayEquals(new float[] {0f, 38 * s, -76 * s}, q.restore().values());
    }

    /** A row above the floor: the largest |w| maps to +-127 (or just below, from the clip). */
    @Test
    void handComputedRowAboveTheFloor() {
        StateTensor t = new StateTensor("w", new int[] {2, 4}, DType.F32,
                new float[] {2f, -1f, 0.5f, 0.25f, -4f, 1f, 0f, 3f});
        StoredTensor.Int8PerRow q = Int8Quantizer.perRow(t, DType.F32, Q);
        // row 0: clip = 2 - (2 - 1) * (1 - w) with w = 3 * q - 2 in fp32, scale = clip / 127 ~ 0.0157480
        float clip0 = Int8Quantizer.quantileOfAbs(new float[] {2, 1, 0.5f, 0.25f}, (float) Q);
        assertTrue(clip0 < 2f && clip0 > 1.99999f, "clip " + clip0);
        float scale0 = clip0 / 127f;
        assertArrayEquals(new byte[] {127, (byte) Math.rint(-1f / scale0), (byte) Math.rint(0.5f / scale0),
                (byte) Math.rint(0.25f / scale0)}, java.util.Arrays.copyOf(q.q(), 4));
        assertEquals(-64, q.q()[1]);
        assertEquals(32, q.q()[2]);
        assertEquals(16, q.q()[3]);
        assertEquals(-127, q.q()[4]);
        assertEquals(95, q.q()[7], "3/4 of the clip: round(95.25) = 95");
    }

    /**
     * Every value of a random structured matrix comes back within
     * {@code max(0, |w| - clip) + scale * (1/2 + 127 * 2^-11)} of itself, row by row.
     */
    @Test
    void perRowErrorIsBoundedByHalfAStepPlusTheFp16ScaleError() {
        StateTensor t = SyntheticState.matrix("blocks.0.mlp.fc.weight", 256, 384, 0.25, new SplittableRandom(7));
        StoredTensor.Int8PerRow q = Int8Quantizer.perRow(t, DType.F32, Q);
        float[] w = t.values();
        float[] back = q.restore().values();
        int cols = 384;
        double worstRatio = 0;
        for (int r = 0; r < 256; r++) {
            float[] abs = new float[cols];
            for (int c = 0; c < cols; c++) {
                abs[c] = Math.abs(w[r * cols + c]);
            }
            float clip = Int8Quantizer.quantileOfAbs(abs, (float) Q);
            float scale = Math.max(clip / 127f, 1f / 127);
            double bound = scale * (0.5 + 127 * FP16_REL);
            for (int c = 0; c < cols; c++) {
                int i = r * cols + c;
                double err = Math.abs(back[i] - w[i]);
                double allowed = Math.max(0, Math.abs(w[i]) - clip) + bound + 1e-6 * Math.abs(w[i]);
                assertTrue(err <= allowed, "row " + r + " col " + c + ": error " + err + " > " + allowed);
                worstRatio = Math.max(worstRatio, (err - Math.max(0, Math.abs(w[i]) - clip)) / scale);
            }
        }
        assertTrue(worstRatio > 0.45, "the bound is nearly reached somewhere (half a step): " + worstRatio);
    }

    @Test
    void otherShapesGetOneScaleWithoutTheFloor() {
        float[] v = new float[3 * 200 * 120];
        SplittableRandom rnd = new SplittableRandom(3);
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) (0.01 * SyntheticState.normal(rnd));
        }
        StateTensor t = new StateTensor("bank", new int[] {3, 200, 120}, DType.F32, v);
        StoredTensor.Int8PerTensor q = Int8Quantizer.perTensor(t, DType.F32, Q);
        float[] abs = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            abs[i] = Math.abs(v[i]);
        }
        double clip = Int8Quantizer.quantileOfAbs(abs, (float) Q);
        assertEquals((float) (clip / 127.0), q.scale(), "clip / 127 in float64, no 1/127 floor");
        assertTrue(q.scale() < 1f / 127 / 10);
        float[] back = q.restore().values();
        for (int i = 0; i < v.length; i++) {
            double allowed = Math.max(0, Math.abs(v[i]) - clip) + q.scale() * 0.5 * (1 + 1e-5);
            assertTrue(Math.abs(back[i] - v[i]) <= allowed, "element " + i);
        }
    }
}
