package dev.baton.runtime.ops.cpu;

import jdk.incubator.vector.FloatVector;

import static dev.baton.runtime.ops.cpu.MicroKernel.F;
import static dev.baton.runtime.ops.cpu.MicroKernel.L;

/**
 * The GEMM for outputs about one vector wide: the attention and value-embedding gates
 * (T, 12)·(12, H) with H = 6, the smear and skip gates (T, 12)·(12, 1). There a 16-wide
 * micro-tile would waste most of its lanes and packing A would cost as much as the multiply.
 * Instead op(B), a few hundred floats, is packed once as column groups one vector wide, and
 * eight rows of A are read in place, each row's outputs accumulating in one vector register;
 * eight independent chains keep the FMA pipes full even for k = 12. Wider outputs work (one
 * pass over A per group) but lose to the packed kernel once k is large: A is re-read per group.
 */
final class NarrowGemm {
    /** Rows of A per pass: eight accumulators hide the FMA latency. */
    static final int ROWS = 8;

    private NarrowGemm() {
    }

    /** Floats of packed op(B) per batch entry: column groups of L, k rows each. */
    static int packedSize(int n, int k) {
        return BlockedGemm.ceilDiv(n, L) * k * L;
    }

    /** Packs op(B) of one entry at {@code dst[d..]}: group g at g·k·L, element (p, j) at p·L + j, zero-padded. */
    static void packB(MatmulProblem pr, int entry, float[] dst, int d) {
        float[] b = pr.b();
        int k = pr.k();
        int n = pr.n();
        int base = pr.bStart(entry);
        for (int g = 0; g * L < n; g++) {
            int o = d + g * k * L;
            for (int p = 0; p < k; p++, o += L) {
                for (int j = 0; j < L; j++) {
                    int col = g * L + j;
                    dst[o + j] = col < n ? b[base + p * pr.bRowStride() + col * pr.bColStride()] : 0f;
                }
            }
        }
    }

    /** C rows {@code [i0, i1)} of one entry, from op(B) packed by {@link #packB} at {@code bt[d..]}. */
    static void rows(MatmulProblem pr, int entry, int i0, int i1, float[] bt, int d, float[] tile) {
        int k = pr.k();
        int groups = BlockedGemm.ceilDiv(pr.n(), L);
        int i = i0;
        for (; i + ROWS <= i1; i += ROWS) {
            for (int g = 0; g < groups; g++) {
                eightRows(pr, entry, i, bt, d + g * k * L, tile);
                store(pr, entry, i, ROWS, g, tile);
            }
        }
        for (; i < i1; i++) {
            for (int g = 0; g < groups; g++) {
                oneRow(pr, entry, i, bt, d + g * k * L, tile);
                store(pr, entry, i, 1, g, tile);
            }
        }
    }

    /** {@code tile[r·L ..] = Σₚ a(i+r, p) · Bt[p]} for r < 8. */
    private static void eightRows(MatmulProblem pr, int entry, int i, float[] bt, int bo, float[] tile) {
        float[] a = pr.a();
        int rs = pr.aRowStride();
        int as = pr.aColStride();
        int r0 = pr.aStart(entry) + i * rs;
        int r1 = r0 + rs;
        int r2 = r1 + rs;
        int r3 = r2 + rs;
        int r4 = r3 + rs;
        int r5 = r4 + rs;
        int r6 = r5 + rs;
        int r7 = r6 + rs;
        FloatVector acc0 = FloatVector.zero(F);
        FloatVector acc1 = acc0;
        FloatVector acc2 = acc0;
        FloatVector acc3 = acc0;
        FloatVector acc4 = acc0;
        FloatVector acc5 = acc0;
        FloatVector acc6 = acc0;
        FloatVector acc7 = acc0;
        int bEnd = bo + pr.k() * L;
        for (int bi = bo, q = 0; bi < bEnd; bi += L, q += as) {
            FloatVector bv = FloatVector.fromArray(F, bt, bi);
            acc0 = FloatVector.broadcast(F, a[r0 + q]).fma(bv, acc0);
            acc1 = FloatVector.broadcast(F, a[r1 + q]).fma(bv, acc1);
            acc2 = FloatVector.broadcast(F, a[r2 + q]).fma(bv, acc2);
            acc3 = FloatVector.broadcast(F, a[r3 + q]).fma(bv, acc3);
            acc4 = FloatVector.broadcast(F, a[r4 + q]).fma(bv, acc4);
            acc5 = FloatVector.broadcast(F, a[r5 + q]).fma(bv, acc5);
            acc6 = FloatVector.broadcast(F, a[r6 + q]).fma(bv, acc6);
            acc7 = FloatVector.broadcast(F, a[r7 + q]).fma(bv, acc7);
        }
        acc0.intoArray(tile, 0);
        acc1.intoArray(tile, L);
        acc2.intoArray(tile, 2 * L);
        acc3.intoArray(tile, 3 * L);
        acc4.intoArray(tile, 4 * L);
        acc5.intoArray(tile, 5 * L);
        acc6.intoArray(tile, 6 * L);
        acc7.intoArray(tile, 7 * L);
    }

    private static void oneRow(MatmulProblem pr, int entry, int i, float[] bt, int bo, float[] tile) {
        float[] a = pr.a();
        int as = pr.aColStride();
        int r = pr.aStart(entry) + i * pr.aRowStride();
        FloatVector acc = FloatVector.zero(F);
        int bEnd = bo + pr.k() * L;
        for (int bi = bo, q = 0; bi < bEnd; bi += L, q += as) {
            acc = FloatVector.broadcast(F, a[r + q]).fma(FloatVector.fromArray(F, bt, bi), acc);
        }
        acc.intoArray(tile, 0);
    }

    /** Writes the live columns of column group g for {@code count} rows from the tile. */
    private static void store(MatmulProblem pr, int entry, int i, int count, int g, float[] tile) {
        float[] c = pr.c();
        int n = pr.n();
        int j0 = g * L;
        int cols = Math.min(L, n - j0);
        float alpha = pr.alpha();
        float beta = pr.beta();
        for (int r = 0; r < count; r++) {
            int ci = pr.cStart(entry) + (i + r) * n + j0;
            int t = r * L;
            if (beta == 0f) {
                for (int j = 0; j < cols; j++) {
                    c[ci + j] = alpha * tile[t + j];
                }
            } else {
                for (int j = 0; j < cols; j++) {
                    c[ci + j] = alpha * tile[t + j] + beta * c[ci + j];
                }
            }
        }
    }
}
