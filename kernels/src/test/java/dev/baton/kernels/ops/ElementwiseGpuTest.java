package dev.baton.kernels.ops;

import dev.baton.kernels.driver.CudaModule;
import dev.baton.kernels.tensor.Bf16;
import dev.baton.kernels.tensor.CudaTensor;
import dev.baton.kernels.testing.Accuracy;
import dev.baton.kernels.testing.GpuSession;
import dev.baton.kernels.testing.GpuTest;
import dev.baton.runtime.tensor.DType;
import dev.baton.runtime.tensor.Shape;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** elementwise.cu against the CPU: exact equality (fill, fma, round-to-nearest-even casts). */
@GpuTest
class ElementwiseGpuTest {
    private static GpuSession gpu;
    private static Elementwise kernels;

    @BeforeAll
    static void open() {
        gpu = GpuSession.open();
        kernels = Elementwise.load(gpu.device().properties());
    }

    @AfterAll
    static void close() {
        kernels.close();
        gpu.close();
    }

    private static float[] poison(int n) {
        float[] p = new float[n];
        Arrays.fill(p, Float.NaN);
        return p;
    }

    @Test
    void onHopperTheCubinIsLoaded() {
        var p = gpu.device().properties();
        String expected = p.major() == 9 && p.minor() == 0 ? "elementwise.sm_90a.cubin" : "elementwise.compute_90.ptx";
        assertEquals(expected, kernels.image());
    }

    @Test
    void fillWritesEveryElementOfAnOddSize() {
        int n = 1_000_003;
        try (CudaTensor f = CudaTensor.allocate(Shape.of(n), DType.F32);
             CudaTensor b = CudaTensor.allocate(Shape.of(n), DType.BF16)) {
            f.copyFrom(poison(n), gpu.stream());
            b.copyFrom(poison(n), gpu.stream());
            kernels.fill(f, 0.1f, gpu.stream());
            kernels.fill(b, 0.1f, gpu.stream());
            float[] expectedF = new float[n];
            Arrays.fill(expectedF, 0.1f);
            float[] expectedB = new float[n];
            Arrays.fill(expectedB, Bf16.round(0.1f));
            assertArrayEquals(expectedF, f.toFloats(gpu.stream()));
            assertArrayEquals(expectedB, b.toFloats(gpu.stream()));
        }
    }

    @Test
    void fillOfAViewLeavesTheOtherRows() {
        try (CudaTensor t = CudaTensor.allocate(Shape.of(5, 3), DType.F32)) {
            t.copyFrom(new float[15], gpu.stream());
            kernels.fill(t.narrow(1, 2), -4f, gpu.stream());
            assertArrayEquals(new float[] {0, 0, 0, -4, -4, -4, -4, -4, -4, 0, 0, 0, 0, 0, 0}, t.toFloats(gpu.stream()));
        }
    }

    @Test
    void axpyMatchesFusedMultiplyAddOnTheCpu() {
        int n = 300_001;
        float[] x = Accuracy.gaussian(21, n);
        float[] y = Accuracy.gaussian(22, n);
        float alpha = -1.7f;
        try (CudaTensor tx = CudaTensor.allocate(Shape.of(n), DType.F32);
             CudaTensor ty = CudaTensor.allocate(Shape.of(n), DType.F32)) {
            tx.copyFrom(x, gpu.stream());
            ty.copyFrom(y, gpu.stream());
            kernels.axpy(alpha, tx, ty, gpu.stream());
            float[] expected = new float[n];
            for (int i = 0; i < n; i++) {
                expected[i] = Math.fma(alpha, x[i], y[i]);
            }
            assertArrayEquals(expected, ty.toFloats(gpu.stream()));
        }
    }

    @Test
    void castsRoundToNearestEvenLikeTheHost() {
        int n = 65_537;
        float[] x = Accuracy.gaussian(31, n);
        x[0] = 1f + 0x1p-8f; // a tie
        x[1] = 1f + 3 * 0x1p-8f;
        x[2] = Float.MAX_VALUE;
        try (CudaTensor f = CudaTensor.allocate(Shape.of(n), DType.F32);
             CudaTensor b = CudaTensor.allocate(Shape.of(n), DType.BF16);
             CudaTensor back = CudaTensor.allocate(Shape.of(n), DType.F32)) {
            f.copyFrom(x, gpu.stream());
            back.copyFrom(poison(n), gpu.stream());
            kernels.cast(f, b, gpu.stream());
            kernels.cast(b, back, gpu.stream());
            float[] expected = new float[n];
            for (int i = 0; i < n; i++) {
                expected[i] = Bf16.round(x[i]);
            }
            assertArrayEquals(expected, back.toFloats(gpu.stream()));
            assertEquals(1f, expected[0]);
        }
    }

    @Test
    void theJitCompiledPtxComputesTheSame() {
        try (Elementwise jit = Elementwise.from(CudaModule.loadPtx("elementwise", gpu.device().properties()),
                gpu.device().properties());
             CudaTensor t = CudaTensor.allocate(Shape.of(1000), DType.F32)) {
            assertTrue(jit.image().endsWith(".ptx"), jit.image());
            t.copyFrom(poison(1000), gpu.stream());
            jit.fill(t, 3f, gpu.stream());
            float[] expected = new float[1000];
            Arrays.fill(expected, 3f);
            assertArrayEquals(expected, t.toFloats(gpu.stream()));
        }
    }
}
