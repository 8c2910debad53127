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
import org.junit.jupiter.params.provider.CsvSource;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * gates.cu against CpuOps for the record's gates: 6 heads (attention and value gates), 1 group
 * (skip, smear) and record-small's 4 heads of 16, gate width 12. Tolerances: fp32 gate values
 * 1e-5; bf16 products and dx 1e-2; the fp32 weight gradient (a sum over every row) and the
 * per-group dgate sums 2e-5.
 */
@GpuTest
class GatesGpuTest {
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
    @CsvSource({"4099, 768, 6", "4099, 768, 1", "300, 64, 4", "257, 64, 1"})
    void gateForwardAndBackward(int rows, int cols, int groups) {
        int width = 12;
        Pair x = ops.gaussianInput(41, Shape.of(rows, cols), DType.BF16, 1f);
        Pair w = ops.gaussianInput(42, Shape.of(groups, width), DType.BF16, 0.3f);
        Pair sig = ops.output(Shape.of(rows, groups), DType.F32);
        ops.cpu.gateForward(x.cpu(), w.cpu(), sig.cpu());
        ops.gpu.gateForward(x.gpu(), w.gpu(), sig.gpu());
        assertTrue(ops.error(sig) < 1e-5, "sig " + ops.error(sig));

        Pair dgate = ops.gaussianInput(43, Shape.of(rows, groups), DType.F32, 1f);
        Pair dx = ops.gaussianInput(44, Shape.of(rows, cols), DType.BF16, 1f);
        Pair dw = ops.gaussianInput(45, Shape.of(groups, width), DType.F32, 1f);
        ops.cpu.gateBackward(x.cpu(), w.cpu(), sig.cpu(), dgate.cpu(), 1.7f, dx.cpu(), dw.cpu());
        ops.gpu.gateBackward(x.gpu(), w.gpu(), sig.gpu(), dgate.gpu(), 1.7f, dx.gpu(), dw.gpu());
        assertTrue(ops.error(dx) < 1e-2, "dx " + ops.error(dx));
        assertTrue(ops.error(dw) < 2e-5, "dw " + ops.error(dw));
        // a second launch reuses the reduction's counter: it must have been reset
        ops.cpu.gateBackward(x.cpu(), w.cpu(), sig.cpu(), dgate.cpu(), -0.4f, null, dw.cpu());
        ops.gpu.gateBackward(x.gpu(), w.gpu(), sig.gpu(), dgate.gpu(), -0.4f, null, dw.gpu());
        assertTrue(ops.error(dw) < 2e-5, "dw again " + ops.error(dw));
    }

    @ParameterizedTest
    @CsvSource({"2049, 768, 6", "2049, 768, 1", "300, 64, 4", "99, 20, 4"})
    void gatedAddAndItsBackward(int rows, int cols, int groups) {
        Shape s = Shape.of(rows, cols);
        Pair base = ops.gaussianInput(51, s, DType.BF16, 1f);
        Pair src = ops.gaussianInput(52, s, DType.BF16, 1f);
        Pair gate = ops.input(sigmoids(53, rows * groups), Shape.of(rows, groups), DType.F32);
        Pair out = ops.output(s, DType.BF16);
        ops.cpu.gatedAdd(out.cpu(), base.cpu(), src.cpu(), gate.cpu(), 2f);
        ops.gpu.gatedAdd(out.gpu(), base.gpu(), src.gpu(), gate.gpu(), 2f);
        assertTrue(ops.error(out) < 1e-2, "with base " + ops.error(out));
        ops.cpu.gatedAdd(base.cpu(), base.cpu(), src.cpu(), gate.cpu(), -0.5f);
        ops.gpu.gatedAdd(base.gpu(), base.gpu(), src.gpu(), gate.gpu(), -0.5f);
        assertTrue(ops.error(base) < 1e-2, "in place " + ops.error(base));
        Pair bare = ops.output(s, DType.BF16);
        ops.cpu.gatedAdd(bare.cpu(), null, src.cpu(), gate.cpu(), 1f);
        ops.gpu.gatedAdd(bare.gpu(), null, src.gpu(), gate.gpu(), 1f);
        assertTrue(ops.error(bare) < 1e-2, "without base " + ops.error(bare));

        Pair dout = ops.gaussianInput(54, s, DType.BF16, 1f);
        Pair dsrc = ops.gaussianInput(55, s, DType.BF16, 1f);
        Pair dgate = ops.output(Shape.of(rows, groups), DType.F32);
        ops.cpu.gatedAddBackward(dout.cpu(), src.cpu(), gate.cpu(), 0.8f, dsrc.cpu(), true, dgate.cpu());
        ops.gpu.gatedAddBackward(dout.gpu(), src.gpu(), gate.gpu(), 0.8f, dsrc.gpu(), true, dgate.gpu());
        assertTrue(ops.error(dsrc) < 1e-2, "dsrc accumulated " + ops.error(dsrc));
        assertTrue(ops.error(dgate) < 2e-5, "dgate " + ops.error(dgate));
        Pair fresh = ops.output(s, DType.BF16);
        ops.cpu.gatedAddBackward(dout.cpu(), src.cpu(), gate.cpu(), 0.8f, fresh.cpu(), false, null);
        ops.gpu.gatedAddBackward(dout.gpu(), src.gpu(), gate.gpu(), 0.8f, fresh.gpu(), false, null);
        assertTrue(ops.error(fresh) < 1e-2, "dsrc overwritten " + ops.error(fresh));
    }

    private static float[] sigmoids(long seed, int n) {
        float[] v = OpsPair.gaussian(seed, n, 2f);
        for (int i = 0; i < n; i++) {
            v[i] = (float) (1 / (1 + Math.exp(-v[i])));
        }
        return v;
    }
}
