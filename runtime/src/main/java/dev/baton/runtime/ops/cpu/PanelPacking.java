package dev.baton.runtime.ops.cpu;

import jdk.incubator.vector.FloatVector;

import static dev.baton.runtime.ops.cpu.MicroKernel.F;
import static dev.baton.runtime.ops.cpu.MicroKernel.L;
import static dev.baton.runtime.ops.cpu.MicroKernel.MR;
import static dev.baton.runtime.ops.cpu.MicroKernel.NR;

/**
 * Copies blocks of op(A) and op(B) into the contiguous, zero-padded micro-panel order that
 * {@link MicroKernel} streams through. This is the only place that knows whether an operand
 * is transposed: after packing, all four transpose combinations run the same kernel.
 */
final class PanelPacking {
    private PanelPacking() {
    }

    /**
     * Packs rows {@code [i0, i0+rows)} × depth {@code [p0, p0+kc)} of op(A) for one entry into
     * {@code dst}: micro-panel q (rows i0+q·MR ..) starts at {@code q·MR·kc} and holds, for each
     * p, MR consecutive floats; rows past the block are zero.
     */
    static void packA(MatmulProblem pr, int entry, int i0, int rows, int p0, int kc, float[] dst) {
        float[] a = pr.a();
        int rs = pr.aRowStride();
        int cs = pr.aColStride();
        int base = pr.aStart(entry);
        for (int q = 0; q * MR < rows; q++) {
            int d = q * MR * kc;
            int live = Math.min(MR, rows - q * MR);
            int first = base + (i0 + q * MR) * rs + p0 * cs;
            if (pr.aRowsContiguous() && live == MR) {
                // op(A) row-major: six row cursors advance together, writes are sequential
                int r0 = first;
                int r1 = r0 + rs;
                int r2 = r1 + rs;
                int r3 = r2 + rs;
                int r4 = r3 + rs;
                int r5 = r4 + rs;
                for (int p = 0, o = d; p < kc; p++, o += MR) {
                    dst[o] = a[r0 + p];
                    dst[o + 1] = a[r1 + p];
                    dst[o + 2] = a[r2 + p];
                    dst[o + 3] = a[r3 + p];
                    dst[o + 4] = a[r4 + p];
                    dst[o + 5] = a[r5 + p];
                }
            } else if (pr.aRowsContiguous()) {
                for (int r = 0; r < live; r++) {
                    int src = first + r * rs;
                    for (int p = 0; p < kc; p++) {
                        dst[d + p * MR + r] = a[src + p];
                    }
                }
            } else if (live == MR) {
                // op(A) = Aᵀ stored (k, m): the MR rows of one p are adjacent in memory
                for (int p = 0, src = first, o = d; p < kc; p++, src += cs, o += MR) {
                    dst[o] = a[src];
                    dst[o + 1] = a[src + 1];
                    dst[o + 2] = a[src + 2];
                    dst[o + 3] = a[src + 3];
                    dst[o + 4] = a[src + 4];
                    dst[o + 5] = a[src + 5];
                }
            } else {
                for (int p = 0; p < kc; p++) {
                    for (int r = 0; r < live; r++) {
                        dst[d + p * MR + r] = a[first + p * cs + r * rs];
                    }
                }
            }
            for (int r = live; r < MR; r++) {
                for (int p = 0; p < kc; p++) {
                    dst[d + p * MR + r] = 0f;
                }
            }
        }
    }

    /**
     * Packs depth {@code [p0, p0+kc)} × columns {@code [j0, j0+cols)} (cols ≤ NR) of op(B) for
     * one entry as one micro-panel at {@code dst[d ..]}: kc groups of NR floats, columns past
     * {@code cols} zero.
     */
    static void packB(MatmulProblem pr, int entry, int p0, int kc, int j0, int cols, float[] dst, int d) {
        float[] b = pr.b();
        int rs = pr.bRowStride();
        int cs = pr.bColStride();
        int first = pr.bStart(entry) + p0 * rs + j0 * cs;
        if (pr.bRowsContiguous() && cols == NR) {
            // op(B) row-major: each p is two vector copies
            for (int p = 0, src = first, o = d; p < kc; p++, src += rs, o += NR) {
                FloatVector.fromArray(F, b, src).intoArray(dst, o);
                FloatVector.fromArray(F, b, src + L).intoArray(dst, o + L);
            }
            return;
        }
        if (pr.bRowsContiguous()) {
            // a narrow edge panel: one vector if it fits, then single floats, then zeros
            for (int p = 0, src = first, o = d; p < kc; p++, src += rs, o += NR) {
                int j = 0;
                if (cols >= L) {
                    FloatVector.fromArray(F, b, src).intoArray(dst, o);
                    j = L;
                }
                for (; j < cols; j++) {
                    dst[o + j] = b[src + j];
                }
                for (; j < NR; j++) {
                    dst[o + j] = 0f;
                }
            }
            return;
        }
        // op(B) = Bᵀ stored (n, k): each column j is contiguous along p
        for (int j = 0; j < cols; j++) {
            int src = first + j * cs;
            for (int p = 0; p < kc; p++) {
                dst[d + p * NR + j] = b[src + p * rs];
            }
        }
        for (int p = 0; p < kc; p++) {
            int o = d + p * NR;
            for (int j = cols; j < NR; j++) {
                dst[o + j] = 0f;
            }
        }
    }
}
