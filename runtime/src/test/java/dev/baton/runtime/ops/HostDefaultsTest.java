package dev.baton.runtime.ops;

import dev.baton.runtime.ops.cpu.CpuOps;
import dev.baton.runtime.tensor.DType;
import dev.baton.runtime.tensor.Shape;
import dev.baton.runtime.tensor.Tensor;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

/**
 * The host implementations a backend inherits for the golf ops ({@link ScaleOps},
 * {@link RotaryOps#rotaryHalfForward}) give what the CPU kernels give: a backend without its own
 * kernels is slow, never wrong.
 */
class HostDefaultsTest {
    private static final CpuOps CPU = new CpuOps(2);
    /** Only reads and writes through the CPU backend; every computation is the inherited default. */
    private static final ScaleOps HOST_SCALES = new ScaleOps() {
        @Override
        public float[] download(Tensor t) {
            return CPU.download(t);
        }

        @Override
        public void write(Tensor dst, float[] host) {
            CPU.write(dst, host);
        }
    };
    private static final RotaryOps HOST_ROTARY = new RotaryOps() {
        @Override
        public float[] download(Tensor t) {
            return CPU.download(t);
        }

        @Override
        public void write(Tensor dst, float[] host) {
            CPU.write(dst, host);
        }

        @Override
        public void rotaryForward(Tensor x, Tensor cos, Tensor sin, Tensor out) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void rotaryBackward(Tensor dout, Tensor cos, Tensor sin, Tensor dx) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void keyOffsetForward(Tensor src, Tensor dst) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void keyOffsetBackward(Tensor dout, Tensor dsrc) {
            throw new UnsupportedOperationException();
        }
    };
    private final Random random = new Random(9);

    @AfterAll
    static void close() {
        CPU.close();
    }

    private Tensor random(Shape shape) {
        float[] v = new float[(int) shape.numel()];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) random.nextGaussian();
        }
        return CPU.upload(v, shape, DType.F32);
    }

    private static Tensor copy(Tensor t) {
        return CPU.upload(CPU.download(t), t.shape(), DType.F32);
    }

    @Test
    void scaledAddAndItsBackwardEqualTheCpuKernels() {
        Shape shape = Shape.of(7, 12);
        for (int scales : new int[] {12, 3}) {
            Tensor base = random(shape);
            Tensor src = random(shape);
            Tensor scale = random(Shape.of(scales));
            Tensor a = CPU.allocate(shape, DType.F32);
            Tensor b = CPU.allocate(shape, DType.F32);
            CPU.scaledAdd(a, base, src, scale);
            HOST_SCALES.scaledAdd(b, base, src, scale);
            assertArrayEquals(CPU.download(a), CPU.download(b), 1e-6f);

            Tensor dout = random(shape);
            Tensor dsrcA = random(shape);
            Tensor dsrcB = copy(dsrcA);
            Tensor dscaleA = random(Shape.of(scales));
            Tensor dscaleB = copy(dscaleA);
            CPU.scaledAddBackward(dout, src, scale, dsrcA, true, dscaleA);
            HOST_SCALES.scaledAddBackward(dout, src, scale, dsrcB, true, dscaleB);
            assertArrayEquals(CPU.download(dsrcA), CPU.download(dsrcB), 1e-6f);
            assertArrayEquals(CPU.download(dscaleA), CPU.download(dscaleB), 1e-5f);
        }
    }

    @Test
    void halfRotationEqualsTheCpuKernel() {
        Shape shape = Shape.of(6, 2, 8);
        Tensor x = random(shape);
        Tensor cos = random(Shape.of(9, 4));
        Tensor sin = random(Shape.of(9, 4));
        Tensor a = CPU.allocate(shape, DType.F32);
        Tensor b = CPU.allocate(shape, DType.F32);
        CPU.rotaryHalfForward(x, cos, sin, a);
        HOST_ROTARY.rotaryHalfForward(x, cos, sin, b);
        assertArrayEquals(CPU.download(a), CPU.download(b), 1e-6f);
        CPU.rotaryHalfBackward(x, cos, sin, a);
        HOST_ROTARY.rotaryHalfBackward(x, cos, sin, b);
        assertArrayEquals(CPU.download(a), CPU.download(b), 1e-6f);
    }
}
