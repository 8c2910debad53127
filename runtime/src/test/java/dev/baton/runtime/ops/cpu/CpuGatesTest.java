package dev.baton.runtime.ops.cpu;

import dev.baton.runtime.tensor.Shape;
import dev.baton.runtime.tensor.Tensor;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class CpuGatesTest {
    private static final CpuOps OPS = new CpuOps(2);

    @AfterAll
    static void close() {
        OPS.close();
    }

    @Test
    void gateReadsOnlyTheFirstChannels() {
        GradientCheck gc = new GradientCheck(OPS, 3);
        float[] xv = new float[2 * 20];
        xv[0] = 1f;                 // row 0, channel 0
        xv[15] = 100f;              // row 0, channel 15: beyond the 12-wide gate, ignored
        xv[20 + 11] = -2f;          // row 1, channel 11
        Tensor x = gc.view(xv, Shape.of(2, 20));
        float[] wv = new float[12];
        wv[0] = 0.5f;
        wv[11] = 1f;
        Tensor w = gc.view(wv, Shape.of(1, 12));
        Tensor sig = gc.zeros(Shape.of(2, 1));
        OPS.gateForward(x, w, sig);
        float[] s = OPS.download(sig);
        assertEquals(1 / (1 + Math.exp(-0.5)), s[0], 1e-6);
        assertEquals(1 / (1 + Math.exp(2.0)), s[1], 1e-6);
    }

    @Test
    void gatedProductAndGateBackwardMatchFiniteDifferences() {
        GradientCheck gc = new GradientCheck(OPS, 4);
        int rows = 5;
        int groups = 3;
        int k = 4;
        int c = groups * k;
        int width = 12;
        float scale = 1.7f;
        Tensor x = gc.random(Shape.of(rows, 14), 1.0);   // gate input, 14 ≥ 12 channels
        Tensor w = gc.random(Shape.of(groups, width), 0.5);
        Tensor base = gc.random(Shape.of(rows, c), 1.0);
        Tensor src = gc.random(Shape.of(rows, c), 1.0);
        Tensor sig = gc.zeros(Shape.of(rows, groups));
        Tensor out = gc.zeros(Shape.of(rows, c));
        float[] wOut = gc.gaussian(rows * c, 1);
        Runnable forward = () -> {
            OPS.gateForward(x, w, sig);
            OPS.gatedAdd(out, base, src, sig, scale);
        };
        forward.run();
        Tensor dout = gc.view(wOut, Shape.of(rows, c));
        Tensor dsrc = gc.zeros(Shape.of(rows, c));
        Tensor dgate = gc.zeros(Shape.of(rows, groups));
        Tensor dx = gc.zeros(Shape.of(rows, 14));
        Tensor dw = gc.zeros(Shape.of(groups, width));
        OPS.gatedAddBackward(dout, src, sig, scale, dsrc, false, dgate);
        OPS.gateBackward(x, w, sig, dgate, scale, dx, dw);
        float[] dxv = OPS.download(dx);
        for (int r = 0; r < rows; r++) {
            assertEquals(0f, dxv[r * 14 + 12]);
            assertEquals(0f, dxv[r * 14 + 13]);
        }
        java.util.function.DoubleSupplier loss = () -> {
            forward.run();
            return gc.weighted(out, wOut);
        };
        gc.assertGradient("gate dx", x, dxv, loss, 1e-2, 1e-4, 2e-3, 100);
        gc.assertGradient("gate dw", w, OPS.download(dw), loss, 1e-2, 1e-4, 2e-3, 100);
        gc.assertGradient("gated dsrc", src, OPS.download(dsrc), loss, 1e-2, 1e-4, 2e-3, 100);
        // without base the output is the gated product alone
        OPS.gatedAdd(out, null, src, sig, scale);
        float[] o = OPS.download(out);
        float[] sv = OPS.download(src);
        float[] g = OPS.download(sig);
        assertEquals(scale * g[1 * groups + 2] * sv[1 * c + 2 * k + 3], o[1 * c + 2 * k + 3], 1e-6);
    }

    @Test
    void gatedAddBackwardAccumulatesIntoSource() {
        GradientCheck gc = new GradientCheck(OPS, 5);
        Tensor dout = gc.view(new float[] {1, 2, 3, 4}, Shape.of(2, 2));
        Tensor src = gc.view(new float[] {1, 1, 2, 2}, Shape.of(2, 2));
        Tensor gate = gc.view(new float[] {0.5f, 0.25f}, Shape.of(2, 1));
        Tensor dsrc = gc.view(new float[] {10, 10, 10, 10}, Shape.of(2, 2));
        Tensor dgate = gc.zeros(Shape.of(2, 1));
        OPS.gatedAddBackward(dout, src, gate, 2f, dsrc, true, dgate);
        org.junit.jupiter.api.Assertions.assertArrayEquals(new float[] {11, 12, 11.5f, 12}, OPS.download(dsrc));
        org.junit.jupiter.api.Assertions.assertArrayEquals(new float[] {3, 14}, OPS.download(dgate));
    }
}
