package dev.baton.runtime.ops.cpu;

import jdk.incubator.vector.FloatVector;

import static dev.baton.runtime.ops.cpu.MicroKernel.F;
import static dev.baton.runtime.ops.cpu.MicroKernel.L;

/**
 * The unpacked GEMM for products below 64³ multiply-adds and for degenerate shapes with fewer
 * than four rows, columns or depth (matrix-vector products such as sampling's logits, rank-1
 * updates): there copying operands into panels would cost more than the multiply, so each task
 * computes a run of C rows straight from the operands, vectorised along whichever dimension is
 * contiguous.
 */
final class DirectGemm {
    /** Columns of C per task: enough work to amortise a task, few enough to spread a wide row. */
    static final int COLUMNS_PER_TASK = 256;

    private DirectGemm() {
    }

    /** {@code C[i0:i1, j0:j1]} of one batch entry. */
    static void block(MatmulProblem pr, int entry, int i0, int i1, int j0, int j1, GemmWorkspace ws) {
        for (int i = i0; i < i1; i++) {
            if (pr.bRowsContiguous()) {
                axpyRow(pr, entry, i, j0, j1);
            } else {
                dotRow(pr, entry, i, j0, j1, ws);
            }
        }
    }

    /** op(B) row-major: C row += (alpha·a_ip) · B row p, four depths per pass over C. */
    private static void axpyRow(MatmulProblem pr, int entry, int i, int j0, int j1) {
        float[] a = pr.a();
        float[] b = pr.b();
        float[] c = pr.c();
        int k = pr.k();
        int ci = pr.cStart(entry) + i * pr.n();
        int ai = pr.aStart(entry) + i * pr.aRowStride();
        int as = pr.aColStride();
        int bs = pr.bRowStride();
        int bi = pr.bStart(entry);
        float alpha = pr.alpha();
        float beta = pr.beta();
        for (int j = j0; j < j1; j++) {
            c[ci + j] = beta == 0f ? 0f : beta * c[ci + j];
        }
        int vEnd = j0 + (j1 - j0) / L * L;
        int p = 0;
        for (; p + 4 <= k; p += 4) {
            float s0 = alpha * a[ai + p * as];
            float s1 = alpha * a[ai + (p + 1) * as];
            float s2 = alpha * a[ai + (p + 2) * as];
            float s3 = alpha * a[ai + (p + 3) * as];
            FloatVector v0 = FloatVector.broadcast(F, s0);
            FloatVector v1 = FloatVector.broadcast(F, s1);
            FloatVector v2 = FloatVector.broadcast(F, s2);
            FloatVector v3 = FloatVector.broadcast(F, s3);
            int r0 = bi + p * bs;
            int r1 = r0 + bs;
            int r2 = r1 + bs;
            int r3 = r2 + bs;
            int j = j0;
            for (; j < vEnd; j += L) {
                FloatVector acc = FloatVector.fromArray(F, c, ci + j);
                acc = FloatVector.fromArray(F, b, r0 + j).fma(v0, acc);
                acc = FloatVector.fromArray(F, b, r1 + j).fma(v1, acc);
                acc = FloatVector.fromArray(F, b, r2 + j).fma(v2, acc);
                acc = FloatVector.fromArray(F, b, r3 + j).fma(v3, acc);
                acc.intoArray(c, ci + j);
            }
            for (; j < j1; j++) {
                c[ci + j] += s0 * b[r0 + j] + s1 * b[r1 + j] + s2 * b[r2 + j] + s3 * b[r3 + j];
            }
        }
        for (; p < k; p++) {
            float s = alpha * a[ai + p * as];
            FloatVector v = FloatVector.broadcast(F, s);
            int r = bi + p * bs;
            int j = j0;
            for (; j < vEnd; j += L) {
                FloatVector.fromArray(F, b, r + j).fma(v, FloatVector.fromArray(F, c, ci + j)).intoArray(c, ci + j);
            }
            for (; j < j1; j++) {
                c[ci + j] += s * b[r + j];
            }
        }
    }

    /** op(B) = Bᵀ: every C element is a dot product of the A row with a contiguous row of b. */
    private static void dotRow(MatmulProblem pr, int entry, int i, int j0, int j1, GemmWorkspace ws) {
        int k = pr.k();
        float[] a = pr.a();
        int ai = pr.aStart(entry) + i * pr.aRowStride();
        if (!pr.aRowsContiguous()) {
            float[] row = ws.row(k);
            for (int p = 0, src = ai; p < k; p++, src += pr.aColStride()) {
                row[p] = a[src];
            }
            a = row;
            ai = 0;
        }
        float[] b = pr.b();
        float[] c = pr.c();
        int ci = pr.cStart(entry) + i * pr.n();
        int bi = pr.bStart(entry);
        int bs = pr.bColStride();
        // below two vectors of depth the reduction costs more than the lanes save
        int vEnd = k < 2 * L ? 0 : k / L * L;
        int j = j0;
        for (; j + 4 <= j1; j += 4) {
            int r0 = bi + j * bs;
            int r1 = r0 + bs;
            int r2 = r1 + bs;
            int r3 = r2 + bs;
            FloatVector acc0 = FloatVector.zero(F);
            FloatVector acc1 = acc0;
            FloatVector acc2 = acc0;
            FloatVector acc3 = acc0;
            int p = 0;
            for (; p < vEnd; p += L) {
                FloatVector av = FloatVector.fromArray(F, a, ai + p);
                acc0 = FloatVector.fromArray(F, b, r0 + p).fma(av, acc0);
                acc1 = FloatVector.fromArray(F, b, r1 + p).fma(av, acc1);
                acc2 = FloatVector.fromArray(F, b, r2 + p).fma(av, acc2);
                acc3 = FloatVector.fromArray(F, b, r3 + p).fma(av, acc3);
            }
            // lane sums in a fixed order, the same bits in every JIT tier (see VectorKernels)
            float d0 = VectorKernels.sumLanes(acc0);
            float d1 = VectorKernels.sumLanes(acc1);
            float d2 = VectorKernels.sumLanes(acc2);
            float d3 = VectorKernels.sumLanes(acc3);
            for (; p < k; p++) {
                float av = a[ai + p];
                d0 += av * b[r0 + p];
                d1 += av * b[r1 + p];
                d2 += av * b[r2 + p];
                d3 += av * b[r3 + p];
            }
            store(c, ci + j, d0, pr.alpha(), pr.beta());
            store(c, ci + j + 1, d1, pr.alpha(), pr.beta());
            store(c, ci + j + 2, d2, pr.alpha(), pr.beta());
            store(c, ci + j + 3, d3, pr.alpha(), pr.beta());
        }
        for (; j < j1; j++) {
            int r = bi + j * bs;
            FloatVector acc = FloatVector.zero(F);
            int p = 0;
            for (; p < vEnd; p += L) {
                acc = FloatVector.fromArray(F, b, r + p).fma(FloatVector.fromArray(F, a, ai + p), acc);
            }
            float d = VectorKernels.sumLanes(acc);
            for (; p < k; p++) {
                d += a[ai + p] * b[r + p];
            }
            store(c, ci + j, d, pr.alpha(), pr.beta());
        }
    }

    private static void store(float[] c, int idx, float dot, float alpha, float beta) {
        c[idx] = beta == 0f ? alpha * dot : alpha * dot + beta * c[idx];
    }
}
