package dev.baton.kernels.blas;

/**
 * A plain column-major GEMM with cuBLASLt's meaning of every {@link ColumnMajorGemm} field, so
 * that the row-major to column-major mapping can be checked on the CPU.
 */
final class ColumnMajorReference {
    private ColumnMajorReference() {
    }

    /** D = alpha·op(A)·op(B) + beta·D over buffers laid out as {@code g} describes. */
    static void run(ColumnMajorGemm g, float[] a, float[] b, float[] d, float alpha, float beta) {
        for (int p = 0; p < g.batch(); p++) {
            for (long i = 0; i < g.m(); i++) {
                for (long j = 0; j < g.n(); j++) {
                    float acc = 0f;
                    for (long l = 0; l < g.k(); l++) {
                        // op(A)(i, l): A is (m x k), or (k x m) stored when transposed
                        long ai = g.transA() ? l + i * g.lda() : i + l * g.lda();
                        long bi = g.transB() ? j + l * g.ldb() : l + j * g.ldb();
                        acc += a[(int) (p * g.strideA() + ai)] * b[(int) (p * g.strideB() + bi)];
                    }
                    int di = (int) (p * g.strideC() + i + j * g.ldc());
                    d[di] = beta == 0f ? alpha * acc : alpha * acc + beta * d[di];
                }
            }
        }
    }
}
