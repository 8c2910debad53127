package dev.baton.runtime.ops.cpu;

import dev.baton.runtime.tensor.DType;
import dev.baton.runtime.tensor.Shape;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * CpuMatmul against a double-precision triple loop, on every route (narrow, direct, blocked,
 * entry per task) and thread count. Each element must satisfy
 * {@code |c − ref| ≤ 2·(k+2)·2⁻²³·(|α|·Σₚ|aᵢₚ·bₚⱼ| + |β·c⁰ᵢⱼ|)}: the classic forward error
 * bound of a k-term fp32 dot product (γₖ ≈ k·2⁻²⁴) with a factor 4 of margin, plus two
 * roundings for α and β; any indexing or blocking mistake is off by O(1), far outside it.
 */
class CpuMatmulTest {
    /** Forces packing with tiny blocks: many row, depth and column blocks, and edge tiles. */
    static final GemmTuning TINY_BLOCKS = new GemmTuning(12, 8, 64, 0, 1, 0, 0);
    /** Forces the unpacked path, spread over the pool even for tiny problems. */
    static final GemmTuning DIRECT_ONLY = new GemmTuning(96, 768, 1 << 21, Long.MAX_VALUE, 1, 0, 0);
    /** Sends every product with at least 16 rows through the narrow path, whatever its width. */
    static final GemmTuning NARROW_ALL = new GemmTuning(96, 768, 1 << 21, Long.MAX_VALUE, 1, 0, Integer.MAX_VALUE);
    static final List<GemmTuning> TUNINGS = List.of(GemmTuning.DEFAULT, TINY_BLOCKS, DIRECT_ONLY, NARROW_ALL);
    static final int[] ODD = {1, 3, 17, 63, 65, 129};

    @Test
    void oddShapesEveryTransposeEveryRouteMatchTheDoubleLoop() {
        Random rnd = new Random(7);
        for (GemmTuning tuning : TUNINGS) {
            for (int threads : new int[]{1, 3}) {
                try (CpuMatmul mm = new CpuMatmul(threads, tuning)) {
                    for (int trial = 0; trial < 10; trial++) {
                        int m = ODD[rnd.nextInt(ODD.length)];
                        int n = ODD[rnd.nextInt(ODD.length)];
                        int k = ODD[rnd.nextInt(ODD.length)];
                        for (int t = 0; t < 4; t++) {
                            checkOnce(mm, rnd, 0, m, n, k, (t & 1) != 0, (t & 2) != 0, false, 1f, 0f);
                        }
                    }
                    // one shape per route boundary: many depth slabs, wide, skinny
                    checkOnce(mm, rnd, 0, 150, 70, 600, false, true, false, 1f, 0f);
                    checkOnce(mm, rnd, 0, 64, 200, 64, true, false, false, 1f, 0f);
                    checkOnce(mm, rnd, 0, 700, 6, 12, false, true, false, 1f, 0f);
                    checkOnce(mm, rnd, 0, 700, 12, 6, true, false, false, 1f, 0f);
                    checkOnce(mm, rnd, 0, 6, 12, 700, true, false, false, 1f, 0f);
                    checkOnce(mm, rnd, 0, 300, 1, 12, false, true, false, 1f, 0f);
                }
            }
        }
    }

    @Test
    void alphaAndBetaScaleProductAndPreviousC() {
        Random rnd = new Random(11);
        float[][] alphaBeta = {{1f, 0f}, {0.5f, 0f}, {1f, 1f}, {-2f, 0.75f}, {0.25f, -1f}, {0f, 0.5f}, {0f, 0f}};
        for (GemmTuning tuning : TUNINGS) {
            try (CpuMatmul mm = new CpuMatmul(2, tuning)) {
                for (float[] ab : alphaBeta) {
                    for (int t = 0; t < 4; t++) {
                        checkOnce(mm, rnd, 0, 65, 129, 100, (t & 1) != 0, (t & 2) != 0, false, ab[0], ab[1]);
                        checkOnce(mm, rnd, 0, 17, 3, 63, (t & 1) != 0, (t & 2) != 0, false, ab[0], ab[1]);
                    }
                }
            }
        }
    }

    @Test
    void betaZeroNeverReadsC() {
        Random rnd = new Random(13);
        for (GemmTuning tuning : TUNINGS) {
            try (CpuMatmul mm = new CpuMatmul(2, tuning)) {
                for (int t = 0; t < 4; t++) {
                    float[] c = checkOnce(mm, rnd, 0, 65, 33, 130, (t & 1) != 0, (t & 2) != 0, true, 1.5f, 0f);
                    assertTrue(allFinite(c), "NaN in C leaked through beta = 0");
                    c = checkOnce(mm, rnd, 3, 17, 63, 20, (t & 1) != 0, (t & 2) != 0, true, 1f, 0f);
                    assertTrue(allFinite(c), "NaN in C leaked through beta = 0 (batched)");
                }
                // k = 0: c = beta · c only, so beta = 0 clears NaN
                CpuTensor c = CpuTensor.allocate(Shape.of(4, 5), DType.F32);
                Arrays.fill(c.floats(), Float.NaN);
                mm.run(CpuTensor.allocate(Shape.of(4, 0), DType.F32), false,
                        CpuTensor.allocate(Shape.of(0, 5), DType.F32), false, c, 1f, 0f);
                assertArrayEquals(new float[20], c.floats());
            }
        }
    }

    @Test
    void batchedWithSharedAndPerEntryB() {
        Random rnd = new Random(17);
        for (GemmTuning tuning : TUNINGS) {
            for (int threads : new int[]{2, 3}) {
                try (CpuMatmul mm = new CpuMatmul(threads, tuning)) {
                    // batch 2 and 5 run entries one after another, 6 runs an entry per task
                    for (int batch : new int[]{2, 5, 6}) {
                        for (int t = 0; t < 4; t++) {
                            boolean ta = (t & 1) != 0;
                            boolean tb = (t & 2) != 0;
                            checkOnce(mm, rnd, batch, 70, 65, 80, ta, tb, false, 1f, 0f);
                            checkOnce(mm, rnd, -batch, 70, 65, 80, ta, tb, false, 1f, 0.5f);
                            checkOnce(mm, rnd, batch, 17, 12, 3, ta, tb, false, 1f, 0f);
                            // one row per entry: a transposed a has unit strides but its rows are not consecutive
                            checkOnce(mm, rnd, -batch, 1, 9, 2, ta, tb, false, 1f, 0f);
                        }
                    }
                }
            }
        }
    }

    @Test
    void viewsWithOffsetsReadAndWriteOnlyTheirElements() {
        Random rnd = new Random(19);
        for (GemmTuning tuning : TUNINGS) {
            try (CpuMatmul mm = new CpuMatmul(2, tuning)) {
                for (int t = 0; t < 4; t++) {
                    boolean ta = (t & 1) != 0;
                    boolean tb = (t & 2) != 0;
                    int m = 67;
                    int n = 45;
                    int k = 130;
                    CpuTensor aAll = random(rnd, 5, ta ? k : m, ta ? m : k);
                    CpuTensor bAll = random(rnd, 4, tb ? n : k, tb ? k : n);
                    CpuTensor cAll = random(rnd, 6, m, n);
                    float[] before = cAll.floats().clone();
                    CpuTensor a = aAll.narrow(3, 1).view(Shape.of(ta ? k : m, ta ? m : k));
                    CpuTensor b = bAll.narrow(1, 1).view(Shape.of(tb ? n : k, tb ? k : n));
                    CpuTensor c = cAll.narrow(2, 1).view(Shape.of(m, n));
                    float[] c0 = Arrays.copyOfRange(before, c.offset(), c.offset() + m * n);
                    mm.run(a, ta, b, tb, c, 0.5f, 0.25f);
                    assertClose(a, ta, b, tb, c, c0, 0.5f, 0.25f);
                    for (int i = 0; i < before.length; i++) {
                        if (i < c.offset() || i >= c.offset() + m * n) {
                            assertEquals(before[i], cAll.floats()[i], "element " + i + " outside the C view changed");
                        }
                    }
                    // batched views: entries 1..3 of a 5-entry stack against a shared b
                    CpuTensor a3 = aAll.narrow(1, 3);
                    CpuTensor c3 = cAll.narrow(2, 3);
                    float[] c30 = Arrays.copyOfRange(cAll.floats(), c3.offset(), c3.offset() + 3 * m * n);
                    mm.run(a3, ta, b, tb, c3, 1f, 1f);
                    assertClose(a3, ta, b, tb, c3, c30, 1f, 1f);
                    assertEquals(before[cAll.size() - 1], cAll.floats()[cAll.size() - 1], "entry past the view changed");
                }
            }
        }
    }

    @Test
    void resultsAreBitwiseIndependentOfThreadCount() {
        Random rnd = new Random(23);
        CpuTensor a = random(rnd, 4, 300, 200);
        CpuTensor b = random(rnd, 4, 250, 200);
        float[] reference = null;
        for (int threads : new int[]{1, 2, 3, 5}) {
            try (CpuMatmul mm = new CpuMatmul(threads)) {
                CpuTensor c = CpuTensor.allocate(Shape.of(4, 300, 250), DType.F32);
                mm.run(a, false, b, true, c, 1f, 0f);
                if (reference == null) {
                    reference = c.floats().clone();
                } else {
                    assertArrayEquals(reference, c.floats(), "result changed with " + threads + " threads");
                }
            }
        }
    }

    @Test
    void mismatchedShapesNameEveryOperand() {
        try (CpuMatmul mm = new CpuMatmul(1)) {
            CpuTensor a = CpuTensor.allocate(Shape.of(4, 5), DType.F32);
            CpuTensor b = CpuTensor.allocate(Shape.of(6, 7), DType.F32);
            CpuTensor c = CpuTensor.allocate(Shape.of(4, 7), DType.F32);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> mm.run(a, false, b, false, c, 1f, 0f));
            assertEquals("matmul shapes do not agree: a(4, 5) · b(6, 7) → c(4, 7)", e.getMessage());
            CpuTensor a3 = CpuTensor.allocate(Shape.of(2, 4, 6), DType.F32);
            CpuTensor c3 = CpuTensor.allocate(Shape.of(3, 4, 7), DType.F32);
            assertThrows(IllegalArgumentException.class, () -> mm.run(a3, false, b, false, c3, 1f, 0f));
        }
    }

    /**
     * One random product checked against the double loop; batch 0 means 2-D operands, a
     * positive batch a per-entry b, a negative one a 2-D b shared by |batch| entries.
     * Returns C after the call.
     */
    private static float[] checkOnce(CpuMatmul mm, Random rnd, int batch, int m, int n, int k,
                                     boolean ta, boolean tb, boolean nanC, float alpha, float beta) {
        int entries = Math.abs(batch);
        CpuTensor a = batch == 0 ? random(rnd, ta ? k : m, ta ? m : k) : random(rnd, entries, ta ? k : m, ta ? m : k);
        CpuTensor b = batch <= 0 ? random(rnd, tb ? n : k, tb ? k : n) : random(rnd, entries, tb ? n : k, tb ? k : n);
        CpuTensor c = batch == 0 ? random(rnd, m, n) : random(rnd, entries, m, n);
        if (nanC) {
            Arrays.fill(c.floats(), Float.NaN);
        }
        float[] c0 = c.floats().clone();
        mm.run(a, ta, b, tb, c, alpha, beta);
        assertClose(a, ta, b, tb, c, c0, alpha, beta);
        return c.floats();
    }

    private static void assertClose(CpuTensor a, boolean ta, CpuTensor b, boolean tb, CpuTensor c, float[] c0,
                                    float alpha, float beta) {
        int entries = c.shape().rank() == 3 ? c.shape().dim(0) : 1;
        int m = c.shape().dim(-2);
        int n = c.shape().dim(-1);
        int k = ta ? a.shape().dim(-2) : a.shape().dim(-1);
        int aStride = a.shape().rank() == 3 ? m * k : 0;
        int bStride = b.shape().rank() == 3 ? k * n : 0;
        float[] av = a.floats();
        float[] bv = b.floats();
        float[] cv = c.floats();
        for (int e = 0; e < entries; e++) {
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    double sum = 0;
                    double abs = 0;
                    for (int p = 0; p < k; p++) {
                        double x = av[a.offset() + e * aStride + (ta ? p * m + i : i * k + p)];
                        double y = bv[b.offset() + e * bStride + (tb ? j * k + p : p * n + j)];
                        sum += x * y;
                        abs += Math.abs(x * y);
                    }
                    int ci = e * m * n + i * n + j;
                    double old = beta == 0f ? 0 : (double) beta * c0[ci];
                    double ref = alpha * sum + old;
                    double tol = 2.0 * (k + 2) * Math.ulp(1f) * (Math.abs(alpha) * abs + Math.abs(old)) + 1e-30;
                    double got = cv[c.offset() + ci];
                    if (!(Math.abs(got - ref) <= tol)) {
                        fail("c[" + e + "," + i + "," + j + "] = " + got + ", want " + ref + " ± " + tol
                                + " for a" + a.shape() + (ta ? "ᵀ" : "") + " · b" + b.shape() + (tb ? "ᵀ" : "")
                                + " alpha " + alpha + " beta " + beta);
                    }
                }
            }
        }
    }

    private static CpuTensor random(Random rnd, int... dims) {
        CpuTensor t = CpuTensor.allocate(Shape.of(dims), DType.F32);
        float[] f = t.floats();
        for (int i = 0; i < f.length; i++) {
            f[i] = rnd.nextFloat() * 2f - 1f;
        }
        return t;
    }

    private static boolean allFinite(float[] values) {
        for (float v : values) {
            if (!Float.isFinite(v)) {
                return false;
            }
        }
        return true;
    }
}
