package dev.baton.kernels.blas;

/**
 * One GEMM in Baton's row-major terms: {@code C = alpha * op(A) · op(B) + beta * C} with C of
 * shape (m, n), op(A) (m, k) and op(B) (k, n); A is stored (m, k), or (k, m) when transposed,
 * and likewise B. Every matrix is dense (its leading dimension is its stored column count).
 *
 * <p>Strided-batched when {@code batch > 1}: entry i of each operand starts {@code stride}
 * elements after entry i-1; a stride of 0 shares one matrix across the batch. Inputs and
 * output may differ in type (bf16 inputs with an fp32 output accumulate gradients in fp32);
 * accumulation is always fp32.
 */
public record Gemm(int m, int n, int k, boolean transA, boolean transB, int batch,
                   long strideA, long strideB, long strideC, GemmType inputType, GemmType outputType) {

    public Gemm {
        if (m < 1 || n < 1 || k < 1 || batch < 1) {
            throw new IllegalArgumentException("GEMM sizes must be positive: m=" + m + " n=" + n + " k=" + k
                    + " batch=" + batch);
        }
        if (strideA < 0 || strideB < 0 || strideC < 0) {
            throw new IllegalArgumentException("negative batch stride");
        }
        if (batch > 1 && strideC < (long) m * n) {
            throw new IllegalArgumentException("batched outputs overlap: strideC " + strideC + " < m*n " + (long) m * n);
        }
        if (batch == 1) {
            strideA = 0;
            strideB = 0;
            strideC = 0;
        }
    }

    /** A single GEMM. */
    public static Gemm of(int m, int n, int k, boolean transA, boolean transB, GemmType input, GemmType output) {
        return new Gemm(m, n, k, transA, transB, 1, 0, 0, 0, input, output);
    }

    /** A strided-batched GEMM over dense (batch, rows, cols) operands; {@code sharedB} reuses one B. */
    public static Gemm batched(int batch, int m, int n, int k, boolean transA, boolean transB, boolean sharedB,
                               GemmType input, GemmType output) {
        return new Gemm(m, n, k, transA, transB, batch, (long) m * k, sharedB ? 0 : (long) k * n, (long) m * n,
                input, output);
    }

    /** Floating-point operations: 2·m·n·k per batch entry. */
    public double flops() {
        return 2.0 * m * n * k * batch;
    }

    /**
     * The same product as cuBLASLt (column-major) computes it. A row-major matrix is the
     * column-major view of its transpose, so {@code C = op(A)·op(B)} becomes
     * {@code Cᵀ = op(B)ᵀ·op(A)ᵀ}: the operands swap, the transpose flags stay, m and n swap.
     */
    public ColumnMajorGemm toColumnMajor() {
        long lda = transA ? m : k; // stored row length of A
        long ldb = transB ? k : n;
        return new ColumnMajorGemm(transB, transA, n, m, k, ldb, lda, n, batch, strideB, strideA, strideC,
                inputType, inputType, outputType);
    }

    @Override
    public String toString() {
        return (batch > 1 ? batch + "x" : "") + "[" + m + "x" + k + (transA ? "ᵀ" : "") + "]·[" + k + "x" + n
                + (transB ? "ᵀ" : "") + "] " + inputType + "→" + outputType;
    }
}
