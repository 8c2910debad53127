package dev.baton.runtime.ops.cpu;

import dev.baton.runtime.tensor.Shape;
import dev.baton.runtime.tensor.Tensor;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

class CpuElementwiseTest {
    private static final CpuOps OPS = new CpuOps(2);

    @AfterAll
    static void close() {
        OPS.close();
    }

    @Test
    void axpbyCombinesInPlaceAndWithoutSecondOperand() {
        GradientCheck gc = new GradientCheck(OPS, 40);
        Tensor x = gc.view(new float[] {1, 2, 3}, Shape.of(3));
        Tensor y = gc.view(new float[] {10, 20, 30}, Shape.of(3));
        OPS.axpby(x, 2f, x, 0.5f, y);
        assertArrayEquals(new float[] {7, 14, 21}, OPS.download(x));
        OPS.axpby(y, -1f, x, 0f, null);
        assertArrayEquals(new float[] {-7, -14, -21}, OPS.download(y));
    }

    @Test
    void dotWritesOrAccumulatesIntoOneElement() {
        GradientCheck gc = new GradientCheck(OPS, 41);
        int n = 100_003;   // several chunks
        float[] a = new float[n];
        float[] b = new float[n];
        double expect = 0;
        for (int i = 0; i < n; i++) {
            a[i] = (i % 7) - 3;
            b[i] = (i % 5) * 0.5f;
            expect += (double) a[i] * b[i];
        }
        Tensor ta = gc.view(a, Shape.of(n));
        Tensor tb = gc.view(b, Shape.of(n));
        Tensor dst = gc.view(new float[] {1, 1, 1}, Shape.of(3));
        OPS.dot(ta, tb, dst, 1, 2f, true);
        OPS.dot(ta, null, dst, 2, 1f, false);
        float[] d = OPS.download(dst);
        assertEquals(1f, d[0]);
        assertEquals(1 + 2 * expect, d[1], 1e-3);
        double sum = 0;
        for (float v : a) {
            sum += v;
        }
        assertEquals(sum, d[2], 1e-6);
    }

    @Test
    void relu2AndItsBackward() {
        GradientCheck gc = new GradientCheck(OPS, 42);
        Tensor h = gc.view(new float[] {-1, 0, 2, 3}, Shape.of(2, 2));
        Tensor a = gc.zeros(Shape.of(2, 2));
        OPS.relu2Forward(h, a);
        assertArrayEquals(new float[] {0, 0, 4, 9}, OPS.download(a));
        Tensor d = gc.view(new float[] {1, 1, 1, 0.5f}, Shape.of(2, 2));
        OPS.relu2Backward(h, d, d);
        assertArrayEquals(new float[] {0, 0, 4, 3}, OPS.download(d));
    }

    @Test
    void relu2BackwardMatchesFiniteDifferences() {
        GradientCheck gc = new GradientCheck(OPS, 44);
        float[] hv = gc.gaussian(64, 1);
        for (int i = 0; i < hv.length; i++) {
            hv[i] += hv[i] >= 0 ? 0.05f : -0.05f;   // keep away from the kink at 0
        }
        Tensor h = gc.view(hv, Shape.of(8, 8));
        Tensor a = gc.zeros(Shape.of(8, 8));
        float[] w = gc.gaussian(64, 1);
        Tensor dh = gc.zeros(Shape.of(8, 8));
        OPS.relu2Backward(h, gc.view(w, Shape.of(8, 8)), dh);
        gc.assertGradient("relu2 dh", h, OPS.download(dh), () -> {
            OPS.relu2Forward(h, a);
            return gc.weighted(a, w);
        }, 1e-2, 1e-4, 1e-3, 64);
    }

    @Test
    void softcapIsTheShiftedScaledSigmoid() {
        GradientCheck gc = new GradientCheck(OPS, 43);
        Tensor x = gc.view(new float[] {-5, 1000, -1000}, Shape.of(3));
        OPS.softcap(x, x, 23f, 5f, 7.5f);
        assertArrayEquals(new float[] {11.5f, 23f, 0f}, OPS.download(x), 1e-5f);
    }
}
