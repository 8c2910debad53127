package dev.baton.runtime.ops.cpu;

import java.util.concurrent.ForkJoinPool;
import java.util.stream.IntStream;

/**
 * Row-major GEMM on the heap, parallel over output rows. A plain reference kernel: correct for
 * every transpose and batch layout; the blocked, vectorised kernel replaces its inner loops.
 */
final class CpuMatmul implements AutoCloseable {
    private final ForkJoinPool pool;

    CpuMatmul(int threads) {
        this.pool = new ForkJoinPool(Math.max(1, threads));
    }

    void run(CpuTensor a, boolean transA, CpuTensor b, boolean transB, CpuTensor c, float alpha, float beta) {
        int batch = c.shape().rank() == 3 ? c.shape().dim(0) : 1;
        int m = c.shape().dim(-2);
        int n = c.shape().dim(-1);
        int k = transA ? a.shape().dim(-2) : a.shape().dim(-1);
        int am = transA ? a.shape().dim(-1) : a.shape().dim(-2);
        int bk = transB ? b.shape().dim(-1) : b.shape().dim(-2);
        int bn = transB ? b.shape().dim(-2) : b.shape().dim(-1);
        if (am != m || bk != k || bn != n) {
            throw new IllegalArgumentException("matmul shapes do not agree: a" + a.shape() + (transA ? "ᵀ" : "")
                    + " · b" + b.shape() + (transB ? "ᵀ" : "") + " → c" + c.shape());
        }
        int aStride = a.shape().rank() == 3 ? m * k : 0;
        int bStride = b.shape().rank() == 3 ? k * n : 0;
        float[] A = a.floats();
        float[] B = b.floats();
        float[] C = c.floats();
        int ao = a.offset();
        int bo = b.offset();
        int co = c.offset();
        pool.submit(() -> IntStream.range(0, batch * m).parallel().forEach(row -> {
            int bi = row / m;
            int i = row % m;
            int aBase = ao + bi * aStride;
            int bBase = bo + bi * bStride;
            int cBase = co + bi * m * n + i * n;
            for (int j = 0; j < n; j++) {
                float acc = 0f;
                for (int p = 0; p < k; p++) {
                    float av = transA ? A[aBase + p * m + i] : A[aBase + i * k + p];
                    float bv = transB ? B[bBase + j * k + p] : B[bBase + p * n + j];
                    acc += av * bv;
                }
                C[cBase + j] = beta == 0f ? alpha * acc : alpha * acc + beta * C[cBase + j];
            }
        })).join();
    }

    @Override
    public void close() {
        pool.shutdown();
    }
}
