package dev.baton.runtime.ops.cpu;

import dev.baton.runtime.tensor.Shape;
import dev.baton.runtime.tensor.Tensor;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The golf baseline's half-split rotation ({@code apply_rotary_emb}): values, transpose, inverse. */
class CpuHalfRotaryTest {
    private static final CpuOps OPS = new CpuOps(2);

    @AfterAll
    static void close() {
        OPS.close();
    }

    private static float[][] tables(int rows, int width) {
        float[] cos = new float[rows * width];
        float[] sin = new float[rows * width];
        for (int t = 0; t < rows; t++) {
            for (int i = 0; i < width; i++) {
                double theta = t * (0.3 + 0.1 * i);
                cos[t * width + i] = (float) Math.cos(theta);
                sin[t * width + i] = (float) Math.sin(theta);
            }
        }
        return new float[][] {cos, sin};
    }

    @Test
    void rotatesChannelIWithChannelIPlusHalfAsTheBaseline() {
        GradientCheck gc = new GradientCheck(OPS, 2);
        int rows = 4;
        int width = 3;
        Shape shape = Shape.of(rows, 2, 2 * width);   // two heads of 6
        float[][] tb = tables(rows, width);
        Tensor cos = gc.view(tb[0], Shape.of(rows, width));
        Tensor sin = gc.view(tb[1], Shape.of(rows, width));
        float[] xv = gc.gaussian(rows * 4 * width, 1);
        Tensor x = gc.view(xv, shape);
        Tensor out = gc.zeros(shape);
        OPS.rotaryHalfForward(x, cos, sin, out);
        float[] o = OPS.download(out);
        for (int r = 0; r < rows; r++) {
            for (int h = 0; h < 2; h++) {
                int b = (r * 2 + h) * 2 * width;
                for (int i = 0; i < width; i++) {
                    // torch.cat((x1 * cos + x2 * sin, x1 * (-sin) + x2 * cos), dim=-1)
                    double c = tb[0][r * width + i];
                    double s = tb[1][r * width + i];
                    double x1 = xv[b + i];
                    double x2 = xv[b + i + width];
                    assertEquals(x1 * c + x2 * s, o[b + i], 1e-6);
                    assertEquals(-x1 * s + x2 * c, o[b + i + width], 1e-6);
                }
            }
        }
    }

    @Test
    void backwardIsTheTransposeAndTheInverse() {
        GradientCheck gc = new GradientCheck(OPS, 3);
        int rows = 5;
        int width = 4;
        Shape shape = Shape.of(rows, 3 * 2 * width);
        float[][] tb = tables(rows + 3, width);   // tables may be longer than the batch
        Tensor cos = gc.view(tb[0], Shape.of(rows + 3, width));
        Tensor sin = gc.view(tb[1], Shape.of(rows + 3, width));
        Tensor x = gc.random(shape, 1);
        Tensor y = gc.random(shape, 1);
        Tensor rx = gc.zeros(shape);
        Tensor rty = gc.zeros(shape);
        OPS.rotaryHalfForward(x, cos, sin, rx);
        OPS.rotaryHalfBackward(y, cos, sin, rty);
        // <R x, y> = <x, Rᵀ y>
        assertEquals(gc.weighted(rx, OPS.download(y)), gc.weighted(x, OPS.download(rty)), 1e-4);
        // Rᵀ R x = x, in place
        OPS.rotaryHalfBackward(rx, cos, sin, rx);
        float[] back = OPS.download(rx);
        float[] orig = OPS.download(x);
        for (int i = 0; i < orig.length; i++) {
            assertEquals(orig[i], back[i], 1e-5);
        }
    }
}
