package dev.baton.kernels.ops;

import dev.baton.kernels.ops.OpsPair.Pair;
import dev.baton.kernels.tensor.Bf16;
import dev.baton.kernels.testing.GpuTest;
import dev.baton.runtime.tensor.DType;
import dev.baton.runtime.tensor.Shape;
import dev.baton.runtime.tensor.Tensor;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * CudaOps' own plumbing: the dtype policy, zeroed allocation, upload/download, fills, copies and
 * the bf16 GEMMs through cuBLASLt as the model calls them (bf16 out; fp32 gradient accumulation
 * with beta = 1; batched). GEMM tolerance: 1e-2 against an fp32 CPU product of the same inputs.
 */
@GpuTest
class CudaOpsGpuTest {
    private static CudaOps gpu;
    private OpsPair ops;

    @BeforeAll
    static void open() {
        gpu = CudaOps.open(0);
    }

    @AfterAll
    static void close() {
        gpu.close();
    }

    @BeforeEach
    void pair() {
        ops = new OpsPair(gpu);
    }

    @AfterEach
    void release() {
        ops.close();
    }

    @Test
    void dtypePolicyAndPlumbing() {
        assertEquals(DType.BF16, gpu.activationType());
        assertEquals(DType.BF16, gpu.parameterType());
        assertEquals(DType.F32, gpu.gradientType());
        assertTrue(gpu.name().startsWith("cuda:"));
        try (Tensor z = gpu.allocate(Shape.of(1000), DType.BF16); Tensor i = gpu.allocate(Shape.of(5), DType.I32)) {
            assertArrayEquals(new float[1000], gpu.download(z));
            gpu.fill(z.narrow(10, 5), 0.1f);
            float[] got = gpu.download(z);
            assertEquals(Bf16.round(0.1f), got[12]);
            assertEquals(0f, got[15]);
            gpu.fill(i, 7f);
            assertArrayEquals(new int[] {7, 7, 7, 7, 7}, gpu.downloadInts(i));
        }
    }

    @Test
    void gemmsAsTheModelCallsThem() {
        int t = 1000, d = 768;
        Pair x = ops.gaussianInput(91, Shape.of(t, d), DType.BF16, 1f);
        Pair w = ops.gaussianInput(92, Shape.of(3 * d, d), DType.BF16, 0.05f);
        // y = x · Wᵀ into bf16, alpha 0.5, on a row-narrowed weight view
        Pair y = ops.output(Shape.of(t, d), DType.BF16);
        ops.cpu.matmul(x.cpu(), false, w.cpu().narrow(d, d), true, y.cpu(), 0.5f, 0f);
        ops.gpu.matmul(x.gpu(), false, w.gpu().narrow(d, d), true, y.gpu(), 0.5f, 0f);
        assertTrue(ops.error(y) < 1e-2, "x·Wᵀ " + ops.error(y));
        // dW += dyᵀ · x into an fp32 gradient
        Pair dy = ops.gaussianInput(93, Shape.of(t, d), DType.BF16, 1f);
        Pair dw = ops.gaussianInput(94, Shape.of(d, d), DType.F32, 1f);
        ops.cpu.matmul(dy.cpu(), true, x.cpu(), false, dw.cpu(), 1f, 1f);
        ops.gpu.matmul(dy.gpu(), true, x.gpu(), false, dw.gpu(), 1f, 1f);
        assertTrue(ops.error(dw) < 1e-5, "dyᵀ·x accumulated in fp32 " + ops.error(dw));
        // batched Gram matrices in bf16, as Polar Express: A = X Xᵀ
        Pair xs = ops.gaussianInput(95, Shape.of(4, 96, 160), DType.BF16, 0.1f);
        Pair a = ops.output(Shape.of(4, 96, 96), DType.BF16);
        ops.cpu.matmul(xs.cpu(), false, xs.cpu(), true, a.cpu(), 1f, 0f);
        ops.gpu.matmul(xs.gpu(), false, xs.gpu(), true, a.gpu(), 1f, 0f);
        assertTrue(ops.error(a) < 1e-2, "batched X·Xᵀ " + ops.error(a));
    }
}
