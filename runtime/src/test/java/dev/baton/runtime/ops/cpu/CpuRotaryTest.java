package dev.baton.runtime.ops.cpu;

import dev.baton.runtime.tensor.Shape;
import dev.baton.runtime.tensor.Tensor;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

class CpuRotaryTest {
    private static final CpuOps OPS = new CpuOps(2);

    @AfterAll
    static void close() {
        OPS.close();
    }

    /** Tables as the record builds them: factor2 has its odd columns negated. */
    private static float[][] tables(int rows, int width) {
        float[] cos = new float[rows * width];
        float[] sin = new float[rows * width];
        for (int t = 0; t < rows; t++) {
            for (int i = 0; i < width; i++) {
                double theta = t * (0.3 + 0.1 * (i / 2));
                cos[t * width + i] = (float) Math.cos(theta);
                sin[t * width + i] = (float) ((i % 2 == 1 ? -1 : 1) * Math.sin(theta));
            }
        }
        return new float[][] {cos, sin};
    }

    @Test
    void rotatesAdjacentPairsByThePositionAngle() {
        GradientCheck gc = new GradientCheck(OPS, 6);
        float[][] tb = tables(3, 4);
        Tensor cos = gc.view(tb[0], Shape.of(3, 4));
        Tensor sin = gc.view(tb[1], Shape.of(3, 4));
        // position 2, one group, pair 0 = (1, 0): rotated by theta = 0.6
        float[] xv = new float[3 * 4];
        xv[8] = 1f;
        Tensor x = gc.view(xv, Shape.of(3, 4));
        Tensor out = gc.zeros(Shape.of(3, 4));
        OPS.rotaryForward(x, cos, sin, out);
        float[] o = OPS.download(out);
        assertEquals(Math.cos(0.6), o[8], 1e-6);
        assertEquals(-Math.sin(0.6), o[9], 1e-6);
    }

    @Test
    void backwardIsTheTransposeOfForward() {
        GradientCheck gc = new GradientCheck(OPS, 7);
        int rows = 5;
        int width = 8;
        Shape shape = Shape.of(rows, 3, width);   // three groups per row share the row's table
        float[][] tb = tables(rows + 2, width);   // tables may be longer than the sequence
        Tensor cos = gc.view(tb[0], Shape.of(rows + 2, width));
        Tensor sin = gc.view(tb[1], Shape.of(rows + 2, width));
        Tensor x = gc.random(shape, 1);
        Tensor y = gc.random(shape, 1);
        Tensor ax = gc.zeros(shape);
        Tensor aty = gc.zeros(shape);
        OPS.rotaryForward(x, cos, sin, ax);
        OPS.rotaryBackward(y, cos, sin, aty);
        assertEquals(gc.weighted(ax, OPS.download(y)), gc.weighted(x, OPS.download(aty)), 1e-4);
        // in place gives the same result
        OPS.rotaryForward(x, cos, sin, x);
        assertArrayEquals(OPS.download(ax), OPS.download(x));
    }

    @Test
    void keyOffsetShiftsTheStationaryQuartersByOnePosition() {
        GradientCheck gc = new GradientCheck(OPS, 8);
        int rows = 3;
        int d = 8;   // shifted channels: 2,3 and 6,7
        float[] v = new float[rows * d];
        for (int i = 0; i < v.length; i++) {
            v[i] = i;
        }
        Tensor src = gc.view(v, Shape.of(rows, 1, d));
        Tensor dst = gc.zeros(Shape.of(rows, 1, d));
        OPS.keyOffsetForward(src, dst);
        assertArrayEquals(new float[] {
            0, 1, 2, 3, 4, 5, 6, 7,
            8, 9, 2, 3, 12, 13, 6, 7,
            16, 17, 10, 11, 20, 21, 14, 15}, OPS.download(dst));
    }

    @Test
    void keyOffsetBackwardIsTheTransposeOfForward() {
        GradientCheck gc = new GradientCheck(OPS, 9);
        for (int rows : new int[] {1, 2, 7}) {
            Shape shape = Shape.of(rows, 2, 16);
            Tensor x = gc.random(shape, 1);
            Tensor y = gc.random(shape, 1);
            Tensor ax = gc.zeros(shape);
            Tensor aty = gc.zeros(shape);
            OPS.keyOffsetForward(x, ax);
            OPS.keyOffsetBackward(y, aty);
            assertEquals(gc.weighted(ax, OPS.download(y)), gc.weighted(x, OPS.download(aty)), 1e-4,
                    "rows " + rows);
        }
    }
}
