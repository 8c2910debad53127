package dev.baton.runtime.ops;

import dev.baton.runtime.ops.cpu.CpuOps;
import dev.baton.runtime.tensor.DType;
import dev.baton.runtime.tensor.Shape;
import dev.baton.runtime.tensor.Tensor;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** XSA's defining property (no component along the own value vector), its gradient, and GELU. */
class ExclusiveAttentionOpsTest {
    private static final CpuOps OPS = new CpuOps(1);
    private static final int ROWS = 6;
    private static final int D = 8;

    @AfterAll
    static void close() {
        OPS.close();
    }

    private static float[] random(long seed, int n, double std) {
        Random r = new Random(seed);
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) (r.nextGaussian() * std);
        }
        return v;
    }

    private static Tensor upload(float[] v) {
        return OPS.upload(v, Shape.of(v.length / D, D), DType.F32);
    }

    @Test
    void outputHasNoComponentAlongTheOwnValueAndKeepsTheRest() {
        float[] y = random(1, ROWS * D, 1);
        float[] v = random(2, ROWS * D, 3);
        try (Tensor ty = upload(y); Tensor tv = upload(v); Tensor out = OPS.allocate(Shape.of(ROWS, D), DType.F32)) {
            OPS.exclusiveProjection(ty, tv, out);
            float[] z = OPS.download(out);
            for (int r = 0; r < ROWS; r++) {
                double zv = 0;
                double vv = 0;
                double yv = 0;
                for (int c = 0; c < D; c++) {
                    zv += z[r * D + c] * v[r * D + c];
                    vv += v[r * D + c] * v[r * D + c];
                    yv += y[r * D + c] * v[r * D + c];
                }
                // z · v̂ = 0, and what was removed, y − z, is (y·v̂) v̂
                assertEquals(0, zv / Math.sqrt(vv), 1e-6);
                for (int c = 0; c < D; c++) {
                    assertEquals(yv / vv * v[r * D + c], y[r * D + c] - z[r * D + c], 1e-6);
                }
            }
            // an output already orthogonal to its value passes unchanged: z(z) = z
            Tensor again = OPS.allocate(Shape.of(ROWS, D), DType.F32);
            OPS.exclusiveProjection(out, tv, again);
            assertArrayEquals(z, OPS.download(again), 1e-6f);
            again.close();
        }
    }

    @Test
    void zeroValueRowsLeaveTheOutputUnchanged() {
        float[] y = random(3, D, 1);
        try (Tensor ty = upload(y); Tensor tv = upload(new float[D]); Tensor out = OPS.allocate(Shape.of(1, D), DType.F32)) {
            OPS.exclusiveProjection(ty, tv, out);
            assertArrayEquals(y, OPS.download(out), 0f);
        }
    }

    /** L = Σ w ⊙ z: the backward's dy and dv against central differences of L. */
    @Test
    void backwardMatchesFiniteDifferences() {
        float[] y = random(4, ROWS * D, 1);
        float[] v = random(5, ROWS * D, 1);
        float[] w = random(6, ROWS * D, 1);
        float[] dv0 = random(7, ROWS * D, 1);
        try (Tensor ty = upload(y); Tensor tv = upload(v); Tensor dz = upload(w); Tensor dy = upload(new float[ROWS * D]);
             Tensor dv = upload(dv0)) {
            OPS.exclusiveProjectionBackward(dz, ty, tv, dy, dv);
            float[] gy = OPS.download(dy);
            float[] gv = OPS.download(dv);
            double eps = 1e-3;
            for (int i = 0; i < ROWS * D; i += 5) {
                assertEquals(fd(y, v, w, i, true, eps), gy[i], 1e-3);
                // dv accumulates onto what was there
                assertEquals(fd(y, v, w, i, false, eps), gv[i] - dv0[i], 1e-3);
            }
        }
    }

    private static double fd(float[] y, float[] v, float[] w, int i, boolean wrtY, double eps) {
        float[] a = (wrtY ? y : v).clone();
        a[i] += (float) eps;
        double up = objective(wrtY ? a : y, wrtY ? v : a, w);
        a[i] -= (float) (2 * eps);
        double down = objective(wrtY ? a : y, wrtY ? v : a, w);
        return (up - down) / (2 * eps);
    }

    private static double objective(float[] y, float[] v, float[] w) {
        try (Tensor ty = upload(y); Tensor tv = upload(v); Tensor out = OPS.allocate(Shape.of(ROWS, D), DType.F32)) {
            OPS.exclusiveProjection(ty, tv, out);
            float[] z = OPS.download(out);
            double s = 0;
            for (int i = 0; i < z.length; i++) {
                s += (double) z[i] * w[i];
            }
            return s;
        }
    }

    @Test
    void geluMatchesTorchValuesAndItsDerivative() {
        float[] x = {-3f, -1f, -0.5f, 0f, 0.5f, 1f, 2f};
        // torch.nn.GELU()(x), exact erf form
        float[] expected = {-0.0040496f, -0.1586553f, -0.1542686f, 0f, 0.3457314f, 0.8413447f, 1.9544997f};
        try (Tensor t = OPS.upload(x, Shape.of(x.length), DType.F32); Tensor out = OPS.allocate(Shape.of(x.length),
                DType.F32); Tensor ones = OPS.upload(new float[] {1, 1, 1, 1, 1, 1, 1}, Shape.of(x.length), DType.F32)) {
            OPS.geluForward(t, out);
            assertArrayEquals(expected, OPS.download(out), 2e-6f);
            OPS.geluBackward(t, ones, out);
            float[] g = OPS.download(out);
            for (int i = 0; i < x.length; i++) {
                double h = 1e-3;
                double fd = ((x[i] + h) * GeluOps.normalCdf(x[i] + h) - (x[i] - h) * GeluOps.normalCdf(x[i] - h)) / (2 * h);
                assertEquals(fd, g[i], 1e-5);
            }
        }
    }
}
