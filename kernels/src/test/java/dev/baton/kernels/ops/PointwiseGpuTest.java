package dev.baton.kernels.ops;

import dev.baton.kernels.ops.OpsPair.Pair;
import dev.baton.kernels.testing.GpuTest;
import dev.baton.runtime.tensor.DType;
import dev.baton.runtime.tensor.Shape;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * pointwise.cu and reduce.cu against CpuOps on random inputs. Tolerances (relative L2): bf16
 * outputs 1e-2 (one rounding of an fp32 result: about 2e-3); fp32 outputs of fp32 arithmetic 1e-6;
 * the fp64-accumulated dot 1e-6.
 */
@GpuTest
class PointwiseGpuTest {
    static final double BF16 = 1e-2;
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
    void axpbyInBf16AndMixedTypesAndOddSizes() {
        Shape s = Shape.of(1001, 768);
        Pair x = ops.gaussianInput(1, s, DType.BF16, 1f);
        Pair y = ops.gaussianInput(2, s, DType.BF16, 1f);
        Pair out = ops.output(s, DType.BF16);
        ops.cpu.axpby(out.cpu(), 1.1f, x.cpu(), -0.3f, y.cpu());
        ops.gpu.axpby(out.gpu(), 1.1f, x.gpu(), -0.3f, y.gpu());
        assertTrue(ops.error(out) < BF16, "bf16 axpby " + ops.error(out));
        // fp32 accumulator += λ·fp32, in place, on an odd count (scalar tail)
        Shape odd = Shape.of(12345);
        Pair g = ops.gaussianInput(3, odd, DType.F32, 1f);
        Pair d = ops.gaussianInput(4, odd, DType.F32, 1f);
        ops.cpu.axpby(g.cpu(), 1f, g.cpu(), 0.7f, d.cpu());
        ops.gpu.axpby(g.gpu(), 1f, g.gpu(), 0.7f, d.gpu());
        assertTrue(ops.error(g) < 1e-6, "fp32 axpby " + ops.error(g));
        // a·x only, bf16 input into fp32 output
        Pair xf = ops.gaussianInput(5, odd, DType.BF16, 1f);
        Pair of = ops.output(odd, DType.F32);
        ops.cpu.axpby(of.cpu(), 0.5f, xf.cpu(), 0f, null);
        ops.gpu.axpby(of.gpu(), 0.5f, xf.gpu(), 0f, null);
        assertTrue(ops.error(of) < 1e-6, "scaled copy " + ops.error(of));
    }

    @Test
    void relu2ForwardAndBackward() {
        Shape s = Shape.of(777, 3072);
        Pair h = ops.gaussianInput(6, s, DType.BF16, 1f);
        Pair a = ops.output(s, DType.BF16);
        ops.cpu.relu2Forward(h.cpu(), a.cpu());
        ops.gpu.relu2Forward(h.gpu(), a.gpu());
        assertTrue(ops.error(a) < BF16, "relu2 forward " + ops.error(a));
        Pair d = ops.gaussianInput(7, s, DType.BF16, 1f);
        ops.cpu.relu2Backward(h.cpu(), d.cpu(), d.cpu());
        ops.gpu.relu2Backward(h.gpu(), d.gpu(), d.gpu());
        assertTrue(ops.error(d) < BF16, "relu2 backward in place " + ops.error(d));
    }

    @Test
    void softcapAndConvertingCopy() {
        Shape s = Shape.of(33, 50304);
        Pair x = ops.gaussianInput(8, s, DType.BF16, 4f);
        Pair z = ops.output(s, DType.F32);
        ops.cpu.softcap(x.cpu(), z.cpu(), 23f, 5f, 7.5f);
        ops.gpu.softcap(x.gpu(), z.gpu(), 23f, 5f, 7.5f);
        assertTrue(ops.error(z) < 1e-6, "softcap " + ops.error(z));
        Pair back = ops.output(s, DType.BF16);
        ops.gpu.copy(back.gpu(), z.gpu());
        float[] expected = OpsPair.roundedTo(DType.BF16, ops.gpuValues(z));
        assertArrayEquals(expected, ops.gpuValues(back), "fp32 → bf16 copy rounds to nearest even");
    }

    @Test
    void dotIsAccurateAndDeterministic() {
        Shape s = Shape.of(49152 / 4, 768);
        Pair a = ops.gaussianInput(9, s, DType.BF16, 1f);
        Pair b = ops.gaussianInput(10, s, DType.BF16, 1f);
        Pair dst = ops.input(new float[] {1f, 2f, 3f}, Shape.of(3), DType.F32);
        ops.cpu.dot(a.cpu(), b.cpu(), dst.cpu(), 1, 0.5f, true);
        ops.gpu.dot(a.gpu(), b.gpu(), dst.gpu(), 1, 0.5f, true);
        ops.cpu.dot(a.cpu(), null, dst.cpu(), 2, -1f, false);
        ops.gpu.dot(a.gpu(), null, dst.gpu(), 2, -1f, false);
        float[] want = ops.cpuValues(dst);
        float[] got = ops.gpuValues(dst);
        assertEquals(1f, got[0], "other elements untouched");
        assertEquals(want[1], got[1], 1e-6 * Math.abs(want[1]) + 1e-3, "Σ a·b");
        assertEquals(want[2], got[2], 1e-6 * Math.sqrt(s.numel()) + 1e-3, "Σ a");
        for (int rep = 0; rep < 3; rep++) {
            ops.gpu.dot(a.gpu(), b.gpu(), dst.gpu(), 0, 1f, false);
            float first = ops.gpuValues(dst)[0];
            ops.gpu.dot(a.gpu(), b.gpu(), dst.gpu(), 0, 1f, false);
            assertEquals(Float.floatToIntBits(first), Float.floatToIntBits(ops.gpuValues(dst)[0]), "same bits");
        }
    }
}
