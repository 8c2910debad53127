package dev.baton.runtime.ops.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The register-blocked inner kernel of the blocked GEMM: an MR × NR tile of C (6 rows × two
 * vectors) accumulated in 12 vector registers over one packed depth slab, with one FMA per
 * broadcast element of A and vector of B. With 256-bit vectors (AVX2) that is 6 × 16 floats,
 * 12 accumulators + 2 B vectors + 1 broadcast = 15 of the 16 ymm registers, the shape that
 * keeps both FMA pipes busy without spilling.
 *
 * <p>The plain pointer-increment loop below is deliberate: C2 keeps the 12 accumulators in
 * registers for it, while a manually unrolled version spilled them (about 3× slower in a
 * prototype on Zen 3). Vector width follows the machine (SPECIES_PREFERRED): 6 × 32 with
 * AVX-512, 6 × 8 with 128-bit vectors.
 */
final class MicroKernel {
    static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    /** Lanes of one vector (8 with AVX2). */
    static final int L = F.length();
    /** Rows of a micro-tile. */
    static final int MR = 6;
    /** Columns of a micro-tile: two vectors. */
    static final int NR = 2 * L;

    private MicroKernel() {
    }

    /**
     * {@code C[0:rows, 0:cols] = alpha · Ap · Bp + beta · C} for one micro-tile, with Ap packed
     * as kc groups of MR floats and Bp as kc groups of NR floats (zero-padded at the edges).
     * C is not read when beta is 0, so it may hold NaN or garbage.
     */
    static void multiply(int kc, float[] ap, int ao, float[] bp, int bo,
                         float[] c, int co, int ldc, int rows, int cols, float alpha, float beta, float[] tile) {
        accumulate(kc, ap, ao, bp, bo, tile);
        if (cols == NR) {
            storeRows(tile, rows, alpha, beta, c, co, ldc);
        } else {
            storeEdge(tile, rows, cols, alpha, beta, c, co, ldc);
        }
    }

    /**
     * The hot loop, alone in its method: {@code tile = Ap · Bp} (MR × NR, row-major). Keeping
     * the stores to C out of it leaves C2 a loop with one exit and no value-dependent branch,
     * which it compiles with all 12 accumulators in registers whatever the call profile; with
     * the C update inlined here it sometimes boxed two accumulators on the heap (4× slower).
     */
    private static void accumulate(int kc, float[] ap, int ao, float[] bp, int bo, float[] tile) {
        FloatVector c00 = FloatVector.zero(F);
        FloatVector c01 = c00;
        FloatVector c10 = c00;
        FloatVector c11 = c00;
        FloatVector c20 = c00;
        FloatVector c21 = c00;
        FloatVector c30 = c00;
        FloatVector c31 = c00;
        FloatVector c40 = c00;
        FloatVector c41 = c00;
        FloatVector c50 = c00;
        FloatVector c51 = c00;
        int ai = ao;
        int bEnd = bo + kc * NR;
        for (int bi = bo; bi < bEnd; bi += NR, ai += MR) {
            FloatVector b0 = FloatVector.fromArray(F, bp, bi);
            FloatVector b1 = FloatVector.fromArray(F, bp, bi + L);
            FloatVector av = FloatVector.broadcast(F, ap[ai]);
            c00 = av.fma(b0, c00);
            c01 = av.fma(b1, c01);
            av = FloatVector.broadcast(F, ap[ai + 1]);
            c10 = av.fma(b0, c10);
            c11 = av.fma(b1, c11);
            av = FloatVector.broadcast(F, ap[ai + 2]);
            c20 = av.fma(b0, c20);
            c21 = av.fma(b1, c21);
            av = FloatVector.broadcast(F, ap[ai + 3]);
            c30 = av.fma(b0, c30);
            c31 = av.fma(b1, c31);
            av = FloatVector.broadcast(F, ap[ai + 4]);
            c40 = av.fma(b0, c40);
            c41 = av.fma(b1, c41);
            av = FloatVector.broadcast(F, ap[ai + 5]);
            c50 = av.fma(b0, c50);
            c51 = av.fma(b1, c51);
        }
        c00.intoArray(tile, 0);
        c01.intoArray(tile, L);
        c10.intoArray(tile, NR);
        c11.intoArray(tile, NR + L);
        c20.intoArray(tile, 2 * NR);
        c21.intoArray(tile, 2 * NR + L);
        c30.intoArray(tile, 3 * NR);
        c31.intoArray(tile, 3 * NR + L);
        c40.intoArray(tile, 4 * NR);
        c41.intoArray(tile, 4 * NR + L);
        c50.intoArray(tile, 5 * NR);
        c51.intoArray(tile, 5 * NR + L);
    }

    /** Full-width rows: two vectors per row. */
    private static void storeRows(float[] tile, int rows, float alpha, float beta, float[] c, int co, int ldc) {
        FloatVector va = FloatVector.broadcast(F, alpha);
        FloatVector vb = FloatVector.broadcast(F, beta);
        for (int r = 0, t = 0, ci = co; r < rows; r++, t += NR, ci += ldc) {
            FloatVector lo = FloatVector.fromArray(F, tile, t).mul(va);
            FloatVector hi = FloatVector.fromArray(F, tile, t + L).mul(va);
            if (beta != 0f) {
                lo = FloatVector.fromArray(F, c, ci).fma(vb, lo);
                hi = FloatVector.fromArray(F, c, ci + L).fma(vb, hi);
            }
            lo.intoArray(c, ci);
            hi.intoArray(c, ci + L);
        }
    }

    private static void storeEdge(float[] tile, int rows, int cols, float alpha, float beta,
                                  float[] c, int co, int ldc) {
        for (int r = 0, t = 0, ci = co; r < rows; r++, t += NR, ci += ldc) {
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
