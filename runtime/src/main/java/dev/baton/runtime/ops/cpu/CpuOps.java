package dev.baton.runtime.ops.cpu;

import dev.baton.runtime.ops.Ops;
import dev.baton.runtime.tensor.DType;
import dev.baton.runtime.tensor.Shape;
import dev.baton.runtime.tensor.Tensor;

import java.util.Arrays;

/** The fp32 reference backend: every operation on the JVM heap, spread over every core. */
public final class CpuOps implements Ops {
    private final CpuMatmul matmul;

    public CpuOps() {
        this(Runtime.getRuntime().availableProcessors());
    }

    public CpuOps(int threads) {
        this.matmul = new CpuMatmul(threads);
    }

    @Override
    public String name() {
        return "cpu";
    }

    @Override
    public DType activationType() {
        return DType.F32;
    }

    @Override
    public Tensor allocate(Shape shape, DType dtype) {
        return CpuTensor.allocate(shape, dtype);
    }

    @Override
    public Tensor upload(float[] host, Shape shape, DType dtype) {
        requireSize(host.length, shape);
        CpuTensor t = CpuTensor.allocate(shape, dtype);
        System.arraycopy(host, 0, t.floats(), 0, host.length);
        return t;
    }

    @Override
    public Tensor uploadInts(int[] host, Shape shape) {
        requireSize(host.length, shape);
        CpuTensor t = CpuTensor.allocate(shape, DType.I32);
        System.arraycopy(host, 0, t.ints(), 0, host.length);
        return t;
    }

    @Override
    public float[] download(Tensor t) {
        CpuTensor c = CpuTensor.of(t);
        return Arrays.copyOfRange(c.floats(), c.offset(), c.offset() + c.size());
    }

    @Override
    public int[] downloadInts(Tensor t) {
        CpuTensor c = CpuTensor.of(t);
        return Arrays.copyOfRange(c.ints(), c.offset(), c.offset() + c.size());
    }

    @Override
    public void copy(Tensor dst, Tensor src) {
        CpuTensor d = CpuTensor.of(dst);
        CpuTensor s = CpuTensor.of(src);
        if (d.numel() != s.numel()) {
            throw new IllegalArgumentException("copy of " + s.shape() + " into " + d.shape());
        }
        if (s.dtype().isFloating()) {
            System.arraycopy(s.floats(), s.offset(), d.floats(), d.offset(), s.size());
        } else {
            System.arraycopy(s.ints(), s.offset(), d.ints(), d.offset(), s.size());
        }
    }

    @Override
    public void fill(Tensor t, float value) {
        CpuTensor c = CpuTensor.of(t);
        if (c.dtype().isFloating()) {
            Arrays.fill(c.floats(), c.offset(), c.offset() + c.size(), value);
        } else {
            Arrays.fill(c.ints(), c.offset(), c.offset() + c.size(), (int) value);
        }
    }

    @Override
    public void matmul(Tensor a, boolean transA, Tensor b, boolean transB, Tensor c, float alpha, float beta) {
        matmul.run(CpuTensor.of(a), transA, CpuTensor.of(b), transB, CpuTensor.of(c), alpha, beta);
    }

    @Override
    public void synchronize() {
        // every CPU operation completes before it returns
    }

    @Override
    public void close() {
        matmul.close();
    }

    private static void requireSize(int length, Shape shape) {
        if (length != shape.numel()) {
            throw new IllegalArgumentException(length + " host elements do not fill shape " + shape);
        }
    }
}
