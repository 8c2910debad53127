package dev.baton.kernels.bench;

import dev.baton.kernels.blas.CublasLt;
import dev.baton.kernels.driver.CudaDevice;
import dev.baton.kernels.driver.CudaEvent;
import dev.baton.kernels.driver.CudaStream;
import dev.baton.kernels.ops.CudaMatmul;
import dev.baton.kernels.tensor.CudaTensor;
import dev.baton.runtime.tensor.DType;
import dev.baton.runtime.tensor.Shape;

import java.util.Arrays;

/**
 * Prints cuBLASLt bf16 GEMM throughput (a benchmark, not a test): median of timed runs after a
 * warm-up, random inputs, three input sets in rotation so that repeated runs do not measure L2.
 * Run on the GPU machine by bin/device-test; the last lines are a table.
 */
public final class GemmThroughput {
    private GemmThroughput() {
    }

    private record Case(String label, int m, int n, int k, boolean transA, boolean transB, DType out) {
    }

    public static void main(String[] args) {
        Case[] cases = {
            new Case("square 8192 NN bf16", 8192, 8192, 8192, false, false, DType.BF16),
            new Case("square 8192 NT bf16", 8192, 8192, 8192, false, true, DType.BF16),
            new Case("square 4096 NN bf16", 4096, 4096, 4096, false, false, DType.BF16),
            new Case("fwd x·Wᵀ 49152x3072x768", 49152, 3072, 768, false, true, DType.BF16),
            new Case("wgrad dYᵀ·X f32 768x3072x49152", 3072, 768, 49152, true, false, DType.F32),
        };
        try (CudaDevice device = CudaDevice.open(0); CudaStream stream = CudaStream.create();
             CublasLt blas = CublasLt.create();
             CudaMatmul matmul = new CudaMatmul(blas, CublasLt.RECOMMENDED_WORKSPACE_BYTES)) {
            System.out.println("[bench] " + device.properties().describe() + "; cuBLASLt " + blas.version());
            StringBuilder table = new StringBuilder(String.format("%-34s %10s %10s%n", "GEMM", "median ms", "TFLOP/s"));
            for (Case c : cases) {
                double ms = time(c, matmul, stream);
                double tflops = 2.0 * c.m * c.n * c.k / (ms * 1e-3) / 1e12;
                table.append(String.format("%-34s %10.3f %10.1f%n", c.label, ms, tflops));
            }
            System.out.print(table);
        }
    }

    /** Uniform values in [-1, 1) from a xorshift generator: fast enough for 10^8 elements. */
    private static float[] uniform(long seed, int n) {
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

    private static double time(Case c, CudaMatmul matmul, CudaStream stream) {
        int sets = 3;
        CudaTensor[] a = new CudaTensor[sets];
        CudaTensor[] b = new CudaTensor[sets];
        CudaTensor out = CudaTensor.allocate(Shape.of(c.m, c.n), c.out);
        try {
            for (int s = 0; s < sets; s++) {
                a[s] = CudaTensor.allocate(c.transA ? Shape.of(c.k, c.m) : Shape.of(c.m, c.k), DType.BF16);
                b[s] = CudaTensor.allocate(c.transB ? Shape.of(c.n, c.k) : Shape.of(c.k, c.n), DType.BF16);
                a[s].copyFrom(uniform(s, (int) a[s].numel()), stream);
                b[s].copyFrom(uniform(100 + s, (int) b[s].numel()), stream);
            }
            out.zero(stream);
            for (int i = 0; i < 5; i++) {
                matmul.run(a[i % sets], c.transA, b[i % sets], c.transB, out, 1f, 0f, stream);
            }
            int reps = 20;
            double[] ms = new double[reps];
            try (CudaEvent start = CudaEvent.createTiming(); CudaEvent end = CudaEvent.createTiming()) {
                for (int r = 0; r < reps; r++) {
                    start.record(stream);
                    matmul.run(a[r % sets], c.transA, b[r % sets], c.transB, out, 1f, 0f, stream);
                    end.record(stream);
                    end.synchronize();
                    ms[r] = CudaEvent.elapsedMillis(start, end);
                }
            }
            Arrays.sort(ms);
            return ms[reps / 2];
        } finally {
            out.close();
            for (int s = 0; s < sets; s++) {
                if (a[s] != null) {
                    a[s].close();
                }
                if (b[s] != null) {
                    b[s].close();
                }
            }
        }
    }
}
