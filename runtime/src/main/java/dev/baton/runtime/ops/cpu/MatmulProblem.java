package dev.baton.runtime.ops.cpu;

/**
 * One {@code c = alpha · op(a) · op(b) + beta · c} call resolved to arrays and strides, so that
 * the kernels never look at transposes: element (i, p) of op(a) for batch entry e lives at
 * {@code a[aStart(e) + i·aRowStride + p·aColStride]}, element (p, j) of op(b) at
 * {@code b[bStart(e) + p·bRowStride + j·bColStride]}, and C is dense (m, n) per entry.
 * A batch stride of 0 means the operand is shared by every entry.
 */
record MatmulProblem(int batch, int m, int n, int k,
                     float[] a, int aOffset, int aBatchStride, int aRowStride, int aColStride,
                     float[] b, int bOffset, int bBatchStride, int bRowStride, int bColStride,
                     float[] c, int cOffset, int cBatchStride, float alpha, float beta) {

    /** Resolves and checks the operands of {@code Ops.matmul}. */
    static MatmulProblem of(CpuTensor a, boolean transA, CpuTensor b, boolean transB, CpuTensor c,
                            float alpha, float beta) {
        requireRank("a", a);
        requireRank("b", b);
        requireRank("c", c);
        int batch = c.shape().rank() == 3 ? c.shape().dim(0) : 1;
        int m = c.shape().dim(-2);
        int n = c.shape().dim(-1);
        int k = transA ? a.shape().dim(-2) : a.shape().dim(-1);
        int am = transA ? a.shape().dim(-1) : a.shape().dim(-2);
        int bk = transB ? b.shape().dim(-1) : b.shape().dim(-2);
        int bn = transB ? b.shape().dim(-2) : b.shape().dim(-1);
        boolean batchesAgree = (a.shape().rank() == 2 || a.shape().dim(0) == batch)
                && (b.shape().rank() == 2 || b.shape().dim(0) == batch);
        if (am != m || bk != k || bn != n || !batchesAgree) {
            throw new IllegalArgumentException("matmul shapes do not agree: a" + a.shape() + (transA ? "ᵀ" : "")
                    + " · b" + b.shape() + (transB ? "ᵀ" : "") + " → c" + c.shape());
        }
        return new MatmulProblem(batch, m, n, k,
                a.floats(), a.offset(), a.shape().rank() == 3 ? m * k : 0, transA ? 1 : k, transA ? m : 1,
                b.floats(), b.offset(), b.shape().rank() == 3 ? k * n : 0, transB ? 1 : n, transB ? k : 1,
                c.floats(), c.offset(), m * n, alpha, beta);
    }

    private static void requireRank(String name, CpuTensor t) {
        int rank = t.shape().rank();
        if (rank != 2 && rank != 3) {
            throw new IllegalArgumentException("matmul operand " + name + t.shape() + " must be 2-D or 3-D (batched)");
        }
    }

    int aStart(int entry) {
        return aOffset + entry * aBatchStride;
    }

    int bStart(int entry) {
        return bOffset + entry * bBatchStride;
    }

    int cStart(int entry) {
        return cOffset + entry * cBatchStride;
    }

    /** True when op(a) is stored row by row (a not transposed). */
    boolean aRowsContiguous() {
        return aColStride == 1;
    }

    /** True when op(b) is stored row by row (b not transposed). */
    boolean bRowsContiguous() {
        return bColStride == 1;
    }

    boolean bShared() {
        return bBatchStride == 0 || batch == 1;
    }

    /**
     * A batch of row-major a against a shared b is one taller matmul: its entries are
     * consecutive rows of a and of c. Returns that single-entry problem, or this one.
     */
    MatmulProblem foldBatchIntoRows() {
        // the entries must continue each other's rows: a transposed a with m = 1 has unit column
        // stride too, but its "rows" are 1 apart, not k
        if (batch == 1 || bBatchStride != 0 || aBatchStride == 0 || !aRowsContiguous()
                || aBatchStride != m * aRowStride) {
            return this;
        }
        return new MatmulProblem(1, batch * m, n, k, a, aOffset, 0, aRowStride, aColStride,
                b, bOffset, 0, bRowStride, bColStride, c, cOffset, 0, alpha, beta);
    }
}
