package dev.baton.launcher.bench;

import dev.baton.kernels.driver.CudaEvent;
import dev.baton.kernels.ops.CudaOps;
import dev.baton.runtime.tensor.DType;
import dev.baton.runtime.tensor.Shape;
import dev.baton.runtime.tensor.Tensor;

import java.util.Arrays;

/**
 * The device's bf16 matrix-product ceiling, measured in the benchmark's own run: an 8192³ GEMM
 * through cuBLASLt (bf16 inputs, fp32 accumulation, bf16 output, A·Bᵀ), random inputs in two sets
 * used in turn, median of 20 after 5 warm-ups, timed with CUDA events. MFU divides by this.
 */
public final class PeakGemm {
    private static final int N = 8192;

    private PeakGemm() {
    }

    /** Median TFLOP/s of the 8192³ product on {@code ops}' device. */
    public static double measure(CudaOps ops) {
        Shape s = Shape.of(N, N);
        Tensor[] in = new Tensor[4];
        Tensor out = ops.allocate(s, DType.BF16);
        try {
            for (int i = 0; i < in.length; i++) {
                in[i] = ops.upload(uniform(i + 1, N * N), s, DType.BF16);
            }
            for (int i = 0; i < 5; i++) {
                ops.matmul(in[i % 2 * 2], false, in[i % 2 * 2 + 1], true, out, 1f, 0f);
            }
            double[] ms = new double[20];
            try (CudaEvent start = CudaEvent.createTiming(); CudaEvent end = CudaEvent.createTiming()) {
                for (int r = 0; r < ms.length; r++) {
                    start.record(ops.stream());
                    ops.matmul(in[r % 2 * 2], false, in[r % 2 * 2 + 1], true, out, 1f, 0f);
                    end.record(ops.stream());
                    end.synchronize();
                    ms[r] = CudaEvent.elapsedMillis(start, end);
                }
            }
            Arrays.sort(ms);
            return 2.0 * N * N * N / (ms[ms.length / 2] * 1e-3) / 1e12;
        } finally {
            ops.synchronize();
            out.close();
            for (Tensor t : in) {
                if (t != null) {
                    t.close();
                }
            }
        }
    }

    /** Uniform values in [-1, 1) from a xorshift generator: fast enough for 10^8 elements. */
    static float[] uniform(long seed, int n) {
        float[] out = new float[n];
        long x = seed * 0x9E3779B97F4A7C15L + 1;
        for (int i = 0; i < n; i++) {
            x ^= x << 13;
            x ^= x >>> 7;
            x ^= x << 17;
            out[i] = (x >>> 40) * 0x1p-23f - 1f;
        }
        return out;
    }
}
