package dev.baton.kernels.blas;

/** The shim's cuBLASLt entry points (cublaslt.c); addresses are raw pointers. */
final class CublasLtNative {
    private CublasLtNative() {
    }

    static native long create(long library);

    static native void destroy(long context);

    static native long version(long context);

    static native long planCreate(long context, boolean transA, boolean transB, long m, long n, long k,
                                  int typeA, int typeB, int typeC, long lda, long ldb, long ldc,
                                  int batch, long strideA, long strideB, long strideC,
                                  int alignA, int alignB, int alignC, long workspaceLimit);

    static native long planWorkspace(long plan);

    static native void planDestroy(long context, long plan);

    static native void matmul(long context, long plan, float alpha, float beta, long a, long b, long c,
                              long workspace, long workspaceBytes, long stream);
}
