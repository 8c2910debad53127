package dev.baton.runtime.ops.cpu;

import dev.baton.runtime.tensor.Shape;
import dev.baton.runtime.tensor.Tensor;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

class CpuNormsTest {
    private static final float EPS = 1.1920929e-07f;
    private static final CpuOps OPS = new CpuOps(2);

    @AfterAll
    static void close() {
        OPS.close();
    }

    @Test
    void forwardDividesEachRowByItsRootMeanSquare() {
        GradientCheck gc = new GradientCheck(OPS, 1);
        Tensor x = gc.view(new float[] {3, 4, 0, 0, 1, 1, 1, 1}, Shape.of(2, 4));
        Tensor y = gc.zeros(Shape.of(2, 4));
        Tensor rstd = gc.zeros(Shape.of(2));
        OPS.rmsNormForward(x, y, rstd, EPS);
        // row 0: mean square 25/4 -> rms 2.5; row 1: rms 1
        assertArrayEquals(new float[] {1.2f, 1.6f, 0f, 0f, 1f, 1f, 1f, 1f}, OPS.download(y), 1e-6f);
        assertEquals(0.4f, OPS.download(rstd)[0], 1e-7f);
    }

    @Test
    void backwardMatchesFiniteDifferencesAndAccumulates() {
        GradientCheck gc = new GradientCheck(OPS, 2);
        Shape shape = Shape.of(6, 16);
        Tensor x = gc.random(shape, 1.5);
        Tensor y = gc.zeros(shape);
        Tensor rstd = gc.zeros(Shape.of(6));
        float[] w = gc.gaussian(96, 1);
        Tensor dout = gc.view(w, shape);
        OPS.rmsNormForward(x, y, rstd, EPS);
        Tensor dx = gc.view(new float[96], shape);
        OPS.rmsNormBackward(x, rstd, dout, dx, false);
        float[] analytic = OPS.download(dx);
        gc.assertGradient("rmsNorm dx", x, analytic, () -> {
            OPS.rmsNormForward(x, y, rstd, EPS);
            return gc.weighted(y, w);
        }, 1e-3, 2e-4, 2e-3, 96);
        // accumulate adds the same gradient again (forward first: the check left rstd perturbed)
        OPS.rmsNormForward(x, y, rstd, EPS);
        OPS.rmsNormBackward(x, rstd, dout, dx, true);
        float[] twice = OPS.download(dx);
        for (int i = 0; i < 96; i++) {
            assertEquals(2 * analytic[i], twice[i], 1e-6f);
        }
    }
}
