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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The golf model's own kernels against CpuOps: {@code scales.cu} (the per-channel and per-head
 * scaled add and its backward) and the half-split rotation of {@code rotary.cu}, at the baseline's
 * widths (d = 512 per channel, 8 heads of 64 for q_gain) and at odd widths that take the scalar
 * paths. bf16 activations, fp32 scales and scale gradients. Tolerances: bf16 outputs 1e-2
 * (relative L2), scale gradients 1e-3 (sums over every row of products of bf16 values, fp32 on the
 * GPU and fp64 on the CPU).
 */
@GpuTest
class GolfOpsGpuTest {
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
    @CsvSource({"1029, 512, 512", "1029, 512, 8", "333, 12, 3", "77, 20, 20"})
    void scaledAddMatchesTheCpuWithAndWithoutBaseAndInPlace(int rows, int cols, int scales) {
        Shape s = Shape.of(rows, cols);
        Pair src = ops.gaussianInput(1 + cols, s, DType.BF16, 1f);
        Pair base = ops.gaussianInput(2 + cols, s, DType.BF16, 1f);
        Pair scale = ops.gaussianInput(3 + scales, Shape.of(scales), DType.F32, 1f);
        Pair out = ops.output(s, DType.BF16);
        ops.cpu.scaledAdd(out.cpu(), null, src.cpu(), scale.cpu());
        ops.gpu.scaledAdd(out.gpu(), null, src.gpu(), scale.gpu());
        assertTrue(ops.error(out) < 1e-2, "no base " + ops.error(out));
        ops.cpu.scaledAdd(out.cpu(), base.cpu(), src.cpu(), scale.cpu());
        ops.gpu.scaledAdd(out.gpu(), base.gpu(), src.gpu(), scale.gpu());
        assertTrue(ops.error(out) < 1e-2, "with base " + ops.error(out));
        // out = base (resid_mix's second term adds into its own output)
        ops.cpu.scaledAdd(base.cpu(), base.cpu(), src.cpu(), scale.cpu());
        ops.gpu.scaledAdd(base.gpu(), base.gpu(), src.gpu(), scale.gpu());
        assertTrue(ops.error(base) < 1e-2, "in place " + ops.error(base));
    }

    @ParameterizedTest
    @CsvSource({"1029, 512, 512", "1029, 512, 8", "40000, 512, 512", "333, 12, 3", "77, 20, 20"})
    void scaledAddBackwardWritesDsrcAndAccumulatesTheScaleGradient(int rows, int cols, int scales) {
        Shape s = Shape.of(rows, cols);
        Pair dout = ops.gaussianInput(11 + rows, s, DType.BF16, 1f);
        Pair src = ops.gaussianInput(12 + rows, s, DType.BF16, 1f);
        Pair scale = ops.gaussianInput(13 + scales, Shape.of(scales), DType.F32, 1f);
        Pair dscale = ops.gaussianInput(14 + scales, Shape.of(scales), DType.F32, 3f);
        Pair dsrc = ops.output(s, DType.BF16);
        ops.cpu.scaledAddBackward(dout.cpu(), src.cpu(), scale.cpu(), dsrc.cpu(), false, dscale.cpu());
        ops.gpu.scaledAddBackward(dout.gpu(), src.gpu(), scale.gpu(), dsrc.gpu(), false, dscale.gpu());
        assertTrue(ops.error(dsrc) < 1e-2, "dsrc " + ops.error(dsrc));
        assertTrue(ops.error(dscale) < 1e-3, "dscale " + ops.error(dscale));
        // accumulate into dsrc, no scale gradient
        ops.cpu.scaledAddBackward(dout.cpu(), src.cpu(), scale.cpu(), dsrc.cpu(), true, null);
        ops.gpu.scaledAddBackward(dout.gpu(), src.gpu(), scale.gpu(), dsrc.gpu(), true, null);
        assertTrue(ops.error(dsrc) < 1e-2, "dsrc accumulated " + ops.error(dsrc));
        // only the scale gradient, accumulated a second time
        ops.cpu.scaledAddBackward(dout.cpu(), src.cpu(), scale.cpu(), null, false, dscale.cpu());
        ops.gpu.scaledAddBackward(dout.gpu(), src.gpu(), scale.gpu(), null, false, dscale.gpu());
        assertTrue(ops.error(dscale) < 1e-3, "dscale twice " + ops.error(dscale));
        // dsrc = dout, in place (the q_gain backward)
        ops.cpu.scaledAddBackward(dout.cpu(), src.cpu(), scale.cpu(), dout.cpu(), false, dscale.cpu());
        ops.gpu.scaledAddBackward(dout.gpu(), src.gpu(), scale.gpu(), dout.gpu(), false, dscale.gpu());
        assertTrue(ops.error(dout) < 1e-2, "dsrc in place " + ops.error(dout));
        assertTrue(ops.error(dscale) < 1e-3, "dscale with dsrc in place " + ops.error(dscale));
    }

    /** Tables as the golf model's: angle = (row mod seq) / base^(2i/hd). */
    private Pair table(int rows, int width, int seq, boolean sine) {
        float[] v = new float[rows * width];
        for (int r = 0; r < rows; r++) {
            for (int i = 0; i < width; i++) {
                double angle = (r % seq) / Math.pow(10000, 2.0 * i / (2 * width));
                v[r * width + i] = (float) (sine ? Math.sin(angle) : Math.cos(angle));
            }
        }
        return ops.input(v, Shape.of(rows, width), DType.F32);
    }

    @ParameterizedTest
    @CsvSource({"8, 64, 1024", "4, 64, 1024", "3, 12, 7"})
    void rotaryHalfForwardAndTransposeMatchTheCpu(int heads, int headDim, int seq) {
        int t = 1500;
        Pair cos = table(t + 5, headDim / 2, seq, false);
        Pair sin = table(t + 5, headDim / 2, seq, true);
        Shape s = Shape.of(t, heads * headDim);
        Pair x = ops.gaussianInput(41 + heads, s, DType.BF16, 1f);
        Pair y = ops.output(s, DType.BF16);
        ops.cpu.rotaryHalfForward(x.cpu(), cos.cpu(), sin.cpu(), y.cpu());
        ops.gpu.rotaryHalfForward(x.gpu(), cos.gpu(), sin.gpu(), y.gpu());
        assertTrue(ops.error(y) < 1e-2, "forward " + ops.error(y));
        ops.cpu.rotaryHalfBackward(y.cpu(), cos.cpu(), sin.cpu(), y.cpu());
        ops.gpu.rotaryHalfBackward(y.gpu(), cos.gpu(), sin.gpu(), y.gpu());
        assertTrue(ops.error(y) < 1e-2, "transpose in place " + ops.error(y));
        // the transpose is the inverse: back to x up to bf16 rounding
        float[] back = ops.gpuValues(y);
        float[] orig = ops.gpuValues(x);
        assertTrue(dev.baton.kernels.testing.Accuracy.relativeL2(back, orig) < 1e-2, "inverse");
    }

    @Test
    void aBadScaleCountIsRefusedBeforeTheLaunch() {
        Pair x = ops.gaussianInput(5, Shape.of(4, 12), DType.BF16, 1f);
        Pair k = ops.gaussianInput(6, Shape.of(5), DType.F32, 1f);
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> ops.gpu.scaledAdd(x.gpu(), null, x.gpu(), k.gpu()));
        assertTrue(e.getMessage().contains("5 scales do not group the 12 channels"), e.getMessage());
    }
}
