package dev.baton.kernels.ops;

import dev.baton.kernels.ops.OpsPair.Pair;
import dev.baton.kernels.testing.GpuTest;
import dev.baton.runtime.model.Yarn;
import dev.baton.runtime.tensor.DType;
import dev.baton.runtime.tensor.Shape;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * rotary.cu against CpuOps: the record's tables from {@link Yarn} (normal and paired, after a YaRN
 * step), head dims 128 (vector path) and 16 (record-small), forward and its transpose, in place;
 * the key offset both ways at D = 128 and 16. Tolerance: bf16 outputs 1e-2.
 */
@GpuTest
class RotaryGpuTest {
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
    @CsvSource({"128, 6, false", "128, 6, true", "16, 4, false", "16, 4, true"})
    void rotaryForwardAndTransposeMatchTheCpu(int headDim, int heads, boolean paired) {
        int t = 515;
        try (Yarn cy = new Yarn(ops.cpu, headDim, t, paired, 128, 0.1);
             Yarn gy = new Yarn(ops.gpu, headDim, t, paired, 128, 0.1)) {
            cy.apply(3, 7);
            gy.apply(3, 7);
            Shape s = Shape.of(t, heads * headDim);
            Pair x = ops.gaussianInput(21 + headDim, s, DType.BF16, 1f);
            Pair y = ops.output(s, DType.BF16);
            ops.cpu.rotaryForward(x.cpu(), cy.cos(), cy.sin(), y.cpu());
            ops.gpu.rotaryForward(x.gpu(), gy.cos(), gy.sin(), y.gpu());
            assertTrue(ops.error(y) < 1e-2, "forward " + ops.error(y));
            ops.cpu.rotaryBackward(x.cpu(), cy.cos(), cy.sin(), x.cpu());
            ops.gpu.rotaryBackward(x.gpu(), gy.cos(), gy.sin(), x.gpu());
            assertTrue(ops.error(x) < 1e-2, "transpose in place " + ops.error(x));
        }
    }

    @Test
    void keyOffsetBothWaysAtBothHeadDims() {
        for (int d : new int[] {128, 16}) {
            for (int rows : new int[] {300, 1}) {
                Shape s = Shape.of(rows, 3, d);
                Pair src = ops.gaussianInput(31 + d + rows, s, DType.BF16, 1f);
                Pair fwd = ops.output(s, DType.BF16);
                Pair bwd = ops.output(s, DType.BF16);
                ops.cpu.keyOffsetForward(src.cpu(), fwd.cpu());
                ops.gpu.keyOffsetForward(src.gpu(), fwd.gpu());
                ops.cpu.keyOffsetBackward(src.cpu(), bwd.cpu());
                ops.gpu.keyOffsetBackward(src.gpu(), bwd.gpu());
                assertTrue(ops.error(fwd) < 1e-2, "forward d=" + d + " rows=" + rows + ": " + ops.error(fwd));
                assertTrue(ops.error(bwd) < 1e-2, "backward d=" + d + " rows=" + rows + ": " + ops.error(bwd));
            }
        }
    }
}
