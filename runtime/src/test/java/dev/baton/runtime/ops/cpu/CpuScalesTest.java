package dev.baton.runtime.ops.cpu;

import dev.baton.runtime.tensor.Shape;
import dev.baton.runtime.tensor.Tensor;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Per-channel and per-group scales: values, in-place use, and gradients by finite differences. */
class CpuScalesTest {
    private static final CpuOps OPS = new CpuOps(2);

    @AfterAll
    static void close() {
        OPS.close();
    }

    @Test
    void scalesEachChannelOrEachGroupOfChannels() {
        GradientCheck gc = new GradientCheck(OPS, 1);
        int rows = 3;
        int cols = 6;
        float[] b = gc.gaussian(rows * cols, 1);
        float[] x = gc.gaussian(rows * cols, 1);
        float[] perChannel = gc.gaussian(cols, 1);
        float[] perGroup = {2f, -3f};   // groups of 3 channels, as q_gain per head
        Tensor base = gc.view(b, Shape.of(rows, cols));
        Tensor src = gc.view(x, Shape.of(rows, cols));
        Tensor out = gc.zeros(Shape.of(rows, cols));
        OPS.scaledAdd(out, base, src, gc.view(perChannel, Shape.of(cols)));
        float[] o = OPS.download(out);
        for (int i = 0; i < o.length; i++) {
            assertEquals(b[i] + perChannel[i % cols] * x[i], o[i], 1e-6);
        }
        OPS.scaledAdd(out, null, src, gc.view(perGroup, Shape.of(2)));
        o = OPS.download(out);
        for (int i = 0; i < o.length; i++) {
            assertEquals(perGroup[(i % cols) / 3] * x[i], o[i], 1e-6);
        }
        // in place over the base, as the residual update x += s ⊙ y does
        OPS.scaledAdd(base, base, src, gc.view(perChannel, Shape.of(1, cols)));
        o = OPS.download(base);
        for (int i = 0; i < o.length; i++) {
            assertEquals(b[i] + perChannel[i % cols] * x[i], o[i], 1e-6);
        }
        assertThrows(IllegalArgumentException.class,
                () -> OPS.scaledAdd(out, null, src, gc.view(new float[4], Shape.of(4))));
    }

    @Test
    void gradientsOfSourceAndScaleMatchFiniteDifferences() {
        for (int scales : new int[] {8, 2}) {
            GradientCheck gc = new GradientCheck(OPS, 10 + scales);
            Shape shape = Shape.of(5, 8);
            Tensor src = gc.random(shape, 1);
            Tensor scale = gc.random(Shape.of(scales), 1);
            Tensor out = gc.zeros(shape);
            float[] w = gc.gaussian(40, 1);
            Tensor dout = gc.view(w, shape);
            Tensor dsrc = gc.view(gc.gaussian(40, 1), shape);
            float[] before = OPS.download(dsrc);
            Tensor dscale = gc.view(new float[] {0.5f, 0.5f, 0.5f, 0.5f, 0.5f, 0.5f, 0.5f, 0.5f}, Shape.of(8))
                    .narrow(0, scales);
            OPS.scaledAddBackward(dout, src, scale, dsrc, true, dscale);
            float[] gs = OPS.download(dsrc);
            for (int i = 0; i < gs.length; i++) {
                gs[i] -= before[i];
            }
            float[] gk = OPS.download(dscale);
            for (int i = 0; i < gk.length; i++) {
                gk[i] -= 0.5f;
            }
            java.util.function.DoubleSupplier loss = () -> {
                OPS.scaledAdd(out, null, src, scale);
                return gc.weighted(out, w);
            };
            gc.assertGradient("dsrc", src, gs, loss, 1e-2, 1e-4, 1e-3, 40);
            gc.assertGradient("dscale", scale, gk, loss, 1e-2, 1e-4, 1e-3, 8);
        }
    }

    @Test
    void sourceGradientMayOverwriteTheIncomingGradient() {
        GradientCheck gc = new GradientCheck(OPS, 4);
        Shape shape = Shape.of(2, 4);
        float[] g = gc.gaussian(8, 1);
        float[] x = gc.gaussian(8, 1);
        float[] s = gc.gaussian(4, 1);
        Tensor dout = gc.view(g, shape);
        Tensor dscale = gc.zeros(Shape.of(4));
        OPS.scaledAddBackward(dout, gc.view(x, shape), gc.view(s, Shape.of(4)), dout, false, dscale);
        float[] d = OPS.download(dout);
        float[] ds = OPS.download(dscale);
        for (int i = 0; i < 8; i++) {
            assertEquals(s[i % 4] * g[i], d[i], 1e-6);
        }
        for (int c = 0; c < 4; c++) {
            assertEquals(g[c] * x[c] + g[4 + c] * x[4 + c], ds[c], 1e-6);
        }
    }
}
