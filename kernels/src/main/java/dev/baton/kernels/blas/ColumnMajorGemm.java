package dev.baton.kernels.blas;

/**
 * A GEMM as cuBLASLt takes it, column-major: {@code D = op(A)·op(B)} with D (m, n); A is
 * stored with {@code lda} elements between columns (rows × cols = m × k, or k × m when
 * transposed), likewise B and C. Made from a row-major {@link Gemm} by {@link Gemm#toColumnMajor()}.
 */
public record ColumnMajorGemm(boolean transA, boolean transB, long m, long n, long k,
                              long lda, long ldb, long ldc, int batch,
                              long strideA, long strideB, long strideC,
                              GemmType typeA, GemmType typeB, GemmType typeC) {
}
