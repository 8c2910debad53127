package dev.baton.kernels.ops;

import dev.baton.kernels.ops.OpsPair.Pair;
import dev.baton.kernels.testing.GpuTest;
import dev.baton.runtime.tensor.DType;
import dev.baton.runtime.tensor.Shape;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * rmsnorm.cu against CpuOps for the model's row widths (768 residual, 128 head, 16 and 64 of
 * record-small), a long row (2048) and an unaligned
 * width (20, the scalar path). Tolerances: bf16 y and dx 1e-2,
 * fp32 rstd 1e-5 (fp32 vs fp64 row sums).
 */
@GpuTest
class NormsGpuTest {
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

    @ParameterizedTest
    @ValueSource(ints = {768, 128, 64, 16, 20, 2048})
    void forwardAndBackwardMatchTheCpu(int cols) {
        int rows = 1537;
        Shape s = Shape.of(rows, cols);
        float eps = 1.1920929e-07f;
        Pair x = ops.gaussianInput(11 + cols, s, DType.BF16, 3f);
        Pair y = ops.output(s, DType.BF16);
        Pair rstd = ops.output(Shape.of(rows), DType.F32);
        ops.cpu.rmsNormForward(x.cpu(), y.cpu(), rstd.cpu(), eps);
        ops.gpu.rmsNormForward(x.gpu(), y.gpu(), rstd.gpu(), eps);
        assertTrue(ops.error(y) < 1e-2, "y " + ops.error(y));
        assertTrue(ops.error(rstd) < 1e-5, "rstd " + ops.error(rstd));

        Pair dout = ops.gaussianInput(12 + cols, s, DType.BF16, 1f);
        Pair dx = ops.gaussianInput(13 + cols, s, DType.BF16, 1f);
        ops.cpu.rmsNormBackward(x.cpu(), rstd.cpu(), dout.cpu(), dx.cpu(), true);
        ops.gpu.rmsNormBackward(x.gpu(), rstd.gpu(), dout.gpu(), dx.gpu(), true);
        assertTrue(ops.error(dx) < 1e-2, "dx accumulated " + ops.error(dx));
        ops.cpu.rmsNormBackward(x.cpu(), rstd.cpu(), dout.cpu(), dout.cpu(), false);
        ops.gpu.rmsNormBackward(x.gpu(), rstd.gpu(), dout.gpu(), dout.gpu(), false);
        assertTrue(ops.error(dout) < 1e-2, "dx in place " + ops.error(dout));
    }
}
