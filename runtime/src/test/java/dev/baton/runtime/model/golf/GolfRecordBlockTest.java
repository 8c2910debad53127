package dev.baton.runtime.model.golf;

import dev.baton.runtime.ops.cpu.CpuOps;
import dev.baton.runtime.param.Param;
import dev.baton.runtime.param.ParamSet;
import dev.baton.runtime.tensor.DType;
import dev.baton.runtime.tensor.Shape;
import dev.baton.runtime.tensor.Tensor;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The defining properties of the seed-001 block switches: LeakyReLU(0.5)² values and slopes,
 * partial RoPE leaving the position-free channels alone, the layerwise norm scale being
 * {@code 1/√(i+1)} on the sublayer inputs, and the dual-lane parameters.
 */
class GolfRecordBlockTest {
    private static final CpuOps OPS = new CpuOps(2);

    @AfterAll
    static void close() {
        OPS.close();
    }

    @Test
    void leakyReluSquaredKeepsAQuarterOfTheNegativeSide() {
        try (LeakyReluSquared f = new LeakyReluSquared(OPS, 0.5, 2, 2);
             Tensor h = OPS.upload(new float[] {-2f, -0.5f, 0f, 1.5f}, Shape.of(2, 2), DType.F32);
             Tensor out = OPS.allocate(Shape.of(2, 2), DType.F32);
             Tensor d = OPS.upload(new float[] {1f, 1f, 1f, 2f}, Shape.of(2, 2), DType.F32)) {
            f.forward(h, out);
            assertArrayEquals(new float[] {1f, 0.0625f, 0f, 2.25f}, OPS.download(out), 1e-7f);
            f.backward(h, d, d);
            // f'(h) = 2h for h > 0, 2·0.25·h below
            assertArrayEquals(new float[] {-1f, -0.25f, 0f, 6f}, OPS.download(d), 1e-7f);
        }
    }

    @Test
    void partialRopeRotatesOnlyTheFirstChannelsOfEachHead() {
        Random r = new Random(1);
        int rows = 3;
        int head = 8;
        float[] x = new float[rows * 2 * head];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) r.nextGaussian();
        }
        float[] c = new float[rows * 2];
        float[] s = new float[rows * 2];
        for (int i = 0; i < c.length; i++) {
            c[i] = (float) Math.cos(0.3 * i + 0.1);
            s[i] = (float) Math.sin(0.3 * i + 0.1);
        }
        try (Tensor xt = OPS.upload(x, Shape.of(rows, 2 * head), DType.F32);
             Tensor cos = OPS.upload(c, Shape.of(rows, 2), DType.F32);
             Tensor sin = OPS.upload(s, Shape.of(rows, 2), DType.F32);
             Tensor out = OPS.allocate(Shape.of(rows, 2 * head), DType.F32)) {
            OPS.rotaryPartialForward(xt, cos, sin, head, out);
            float[] y = OPS.download(out);
            for (int row = 0; row < rows; row++) {
                for (int h = 0; h < 2; h++) {
                    int b = row * 2 * head + h * head;
                    for (int i = 0; i < 2; i++) {
                        float ci = c[row * 2 + i];
                        float si = s[row * 2 + i];
                        assertEquals(x[b + i] * ci + x[b + i + 2] * si, y[b + i], 1e-6f);
                        assertEquals(x[b + i + 2] * ci - x[b + i] * si, y[b + i + 2], 1e-6f);
                    }
                    for (int i = 4; i < head; i++) {
                        assertEquals(x[b + i], y[b + i], 0f, "position-free channel " + i);
                    }
                }
            }
            OPS.rotaryPartialBackward(out, cos, sin, head, out);
            assertArrayEquals(x, OPS.download(out), 1e-5f);
        }
        GolfConfig c16 = GolfConfig.of(64, 2, 128, 2, 1, 2).withArch(new GolfArchitecture(0, 16, false, 0, 0, 0, 0));
        assertEquals(16, c16.ropeDims());
        assertEquals(64, GolfConfig.of(64, 2, 128, 2, 1, 2).ropeDims());
        assertThrows(IllegalArgumentException.class,
                () -> GolfConfig.of(64, 2, 16, 2, 1, 2).withArch(new GolfArchitecture(0, 16, false, 0, 0, 0, 0)));
    }

    /**
     * With the norm scale, layer i's sublayers see {@code rms_norm(x)/√(i+1)}: the same function as
     * the baseline with c_v and mlp.fc of layer i scaled by 1/√(i+1) (q and k pass a QK norm).
     */
    @Test
    void layerwiseNormScaleDividesLayerInputsByRootDepth() {
        GolfConfig base = GolfConfig.of(64, 3, 16, 2, 1, 2);
        GolfConfig scaled = base.withArch(new GolfArchitecture(0, 0, true, 0, 0, 0, 0));
        int[] in = new int[16];
        int[] tg = new int[16];
        for (int i = 0; i < 16; i++) {
            in[i] = (i * 11 + 2) % 64;
            tg[i] = (i * 3 + 5) % 64;
        }
        try (ParamSet a = perturbed(base, 4); ParamSet b = perturbed(base, 4)) {
            for (int layer = 0; layer < 3; layer++) {
                float f = (float) (1 / Math.sqrt(layer + 1));
                for (String leaf : List.of(GolfParams.C_V, GolfParams.MLP_FC)) {
                    Param p = b.get(GolfParams.block(layer, leaf));
                    OPS.axpby(p.value(), f, p.value(), 0f, null);
                }
            }
            float withScale;
            float folded;
            float without;
            try (GolfGpt g = new GolfGpt(OPS, scaled, a, 8, 16)) {
                withScale = OPS.download(g.evaluate(in, tg))[0];
            }
            try (GolfGpt g = new GolfGpt(OPS, base, b, 8, 16)) {
                folded = OPS.download(g.evaluate(in, tg))[0];
            }
            try (GolfGpt g = new GolfGpt(OPS, base, a, 8, 16)) {
                without = OPS.download(g.evaluate(in, tg))[0];
            }
            assertEquals(folded, withScale, 2e-5f * folded);
            assertNotEquals(without, withScale, 1e-4f);
        }
    }

    @Test
    void dualLaneParametersExistFromTheStartLayerOn() {
        GolfConfig c = GolfConfig.of(64, 5, 16, 2, 1, 2).withArch(new GolfArchitecture(0, 0, false, 0, 0, 0, 3));
        var shapes = GolfParams.shapes(c);
        assertEquals(Shape.of(2, 16), shapes.get(GolfParams.LANE_SKIP_WEIGHTS));
        assertFalse(shapes.containsKey(GolfParams.block(2, GolfParams.LANE_MIX)));
        assertEquals(Shape.of(4), shapes.get(GolfParams.block(3, GolfParams.LANE_MIX)));
        assertEquals(Shape.of(4), shapes.get(GolfParams.block(4, GolfParams.LANE_MIX)));
        assertEquals(GolfParams.count(GolfConfig.of(64, 5, 16, 2, 1, 2)) + 2 * 16 + 2 * 4, GolfParams.count(c));
        try (ParamSet p = GolfParams.create(OPS, c, 1)) {
            assertArrayEquals(new float[] {1, 1, 1, 1}, OPS.download(p.get(GolfParams.block(3, GolfParams.LANE_MIX)).value()));
            assertTrue(GolfParams.groups(c).get(GolfParams.LANE_SKIP_WEIGHTS) == dev.baton.runtime.optim.MuonAndAdam.Group.SCALAR);
        }
        // the lanes must be a suffix of decoder positions
        GolfConfig early = GolfConfig.of(64, 5, 16, 2, 1, 2).withArch(new GolfArchitecture(0, 0, false, 0, 0, 0, 1));
        try (ParamSet p = GolfParams.create(OPS, early, 1)) {
            assertThrows(IllegalArgumentException.class, () -> new GolfGpt(OPS, early, p, 8, 8));
        }
    }

    private static ParamSet perturbed(GolfConfig c, long seed) {
        ParamSet set = GolfParams.create(OPS, c, seed);
        Random r = new Random(seed);
        for (Param p : set.all()) {
            float[] v = OPS.download(p.value());
            for (int i = 0; i < v.length; i++) {
                v[i] += (float) (0.2 * r.nextGaussian());
            }
            OPS.write(p.value(), v);
        }
        return set;
    }
}
