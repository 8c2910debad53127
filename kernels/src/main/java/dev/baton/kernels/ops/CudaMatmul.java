package dev.baton.kernels.ops;

import dev.baton.kernels.blas.CublasLt;
import dev.baton.kernels.blas.Gemm;
import dev.baton.kernels.blas.GemmType;
import dev.baton.kernels.driver.CudaStream;
import dev.baton.kernels.driver.DeviceBuffer;
import dev.baton.kernels.tensor.CudaTensor;
import dev.baton.runtime.tensor.Shape;

/**
 * {@code Ops.matmul} on CUDA tensors through cuBLASLt, with the same shape rules as the CPU
 * backend: 2-D operands, or a leading batch dimension on a, b and c (b may stay 2-D and is then
 * shared by every batch entry). Owns its cuBLASLt workspace; the handle is the caller's.
 */
public final class CudaMatmul implements AutoCloseable {
    private final CublasLt blas;
    private final DeviceBuffer workspace;

    public CudaMatmul(CublasLt blas, long workspaceBytes) {
        this.blas = blas;
        this.workspace = DeviceBuffer.allocate(workspaceBytes);
    }

    /** Enqueues {@code c = alpha · op(a)·op(b) + beta · c} on {@code stream}. */
    public void run(CudaTensor a, boolean transA, CudaTensor b, boolean transB, CudaTensor c,
                    float alpha, float beta, CudaStream stream) {
        blas.gemm(describe(a.shape(), transA, b.shape(), transB, c.shape(), GemmType.of(a.dtype()),
                        GemmType.of(b.dtype()), GemmType.of(c.dtype())),
                a.address(), b.address(), c.address(), alpha, beta, workspace.address(), workspace.bytes(),
                stream.address());
    }

    /** The {@link Gemm} for operands of these shapes and types; rejects shapes that do not agree. */
    static Gemm describe(Shape a, boolean transA, Shape b, boolean transB, Shape c,
                         GemmType typeA, GemmType typeB, GemmType typeC) {
        if (typeA != typeB) {
            throw new IllegalArgumentException("matmul operands differ in type: " + typeA + " and " + typeB);
        }
        if (c.rank() < 2 || c.rank() > 3 || a.rank() != c.rank() || b.rank() < 2 || b.rank() > c.rank()) {
            throw new IllegalArgumentException("matmul takes 2-D or batched 3-D operands: a" + a + " b" + b + " c" + c);
        }
        int batch = c.rank() == 3 ? c.dim(0) : 1;
        int m = c.dim(-2);
        int n = c.dim(-1);
        int k = transA ? a.dim(-2) : a.dim(-1);
        int am = transA ? a.dim(-1) : a.dim(-2);
        int bk = transB ? b.dim(-1) : b.dim(-2);
        int bn = transB ? b.dim(-2) : b.dim(-1);
        boolean batchesAgree = c.rank() == 2 || (a.dim(0) == batch && (b.rank() == 2 || b.dim(0) == batch));
        if (am != m || bk != k || bn != n || !batchesAgree) {
            throw new IllegalArgumentException("matmul shapes do not agree: a" + a + (transA ? "ᵀ" : "")
                    + " · b" + b + (transB ? "ᵀ" : "") + " → c" + c);
        }
        boolean sharedB = b.rank() == 2;
        return batch == 1
                ? Gemm.of(m, n, k, transA, transB, typeA, typeC)
                : Gemm.batched(batch, m, n, k, transA, transB, sharedB, typeA, typeC);
    }

    @Override
    public void close() {
        workspace.close();
    }
}
