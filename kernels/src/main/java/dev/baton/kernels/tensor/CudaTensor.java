package dev.baton.kernels.tensor;

import dev.baton.kernels.driver.CudaStream;
import dev.baton.kernels.driver.DeviceBuffer;
import dev.baton.runtime.tensor.DType;
import dev.baton.runtime.tensor.Shape;
import dev.baton.runtime.tensor.Tensor;
import jcuda.Pointer;
import jcuda.driver.CUdeviceptr;

/**
 * A dense row-major tensor in device memory: a {@link DeviceBuffer}, a byte offset into it, a
 * shape and a dtype stored natively (bf16 as 2 bytes, fp32 as 4, ...).
 *
 * <p>The tensor made by {@link #allocate} owns its buffer and frees it in {@link #close()};
 * views ({@link #view}, {@link #narrow}) share the buffer, own nothing, and must not outlive
 * their owner.
 */
public final class CudaTensor implements Tensor {
    private final DeviceBuffer buffer;
    private final long byteOffset;
    private final Shape shape;
    private final DType dtype;
    private final boolean owner;

    private CudaTensor(DeviceBuffer buffer, long byteOffset, Shape shape, DType dtype, boolean owner) {
        this.buffer = buffer;
        this.byteOffset = byteOffset;
        this.shape = shape;
        this.dtype = dtype;
        this.owner = owner;
    }

    /** A new tensor with uninitialised contents, owning its memory (current context). */
    public static CudaTensor allocate(Shape shape, DType dtype) {
        return new CudaTensor(DeviceBuffer.allocate(shape.numel() * dtype.bytes()), 0, shape, dtype, true);
    }

    /** Casts a backend-neutral tensor to the CUDA type, with a clear error for foreign tensors. */
    public static CudaTensor of(Tensor t) {
        if (t instanceof CudaTensor c) {
            return c;
        }
        throw new IllegalArgumentException("expected a CUDA tensor, got " + t.getClass().getSimpleName() + " "
                + t.shape() + " (tensors of different backends do not mix)");
    }

    @Override
    public Shape shape() {
        return shape;
    }

    @Override
    public DType dtype() {
        return dtype;
    }

    /** Bytes this tensor spans. */
    public long bytes() {
        return shape.numel() * dtype.bytes();
    }

    /** Raw device address of the first element, for kernels and the JNI shim. */
    public long address() {
        return buffer.address() + byteOffset;
    }

    /** A JCuda pointer to the first element, for driver calls. */
    public CUdeviceptr pointer() {
        return buffer.pointer(byteOffset);
    }

    @Override
    public CudaTensor view(Shape newShape) {
        if (newShape.numel() != shape.numel()) {
            throw new IllegalArgumentException("cannot view " + shape + " as " + newShape);
        }
        return new CudaTensor(buffer, byteOffset, newShape, dtype, false);
    }

    @Override
    public CudaTensor narrow(int start, int count) {
        int rows = shape.rank() == 0 ? 1 : shape.dim(0);
        if (start < 0 || count < 0 || start + count > rows) {
            throw new IndexOutOfBoundsException("rows [" + start + ", " + (start + count) + ") of " + shape);
        }
        long rowBytes = shape.rank() == 0 ? bytes() : bytes() / Math.max(1, rows);
        Shape s = shape.rank() == 0 ? shape : shape.withLeading(count);
        return new CudaTensor(buffer, byteOffset + start * rowBytes, s, dtype, false);
    }

    @Override
    public boolean owner() {
        return owner;
    }

    /** Enqueues an upload of {@code host} (converted to this tensor's dtype) on {@code stream}. */
    public void copyFrom(float[] host, CudaStream stream) {
        requireElements(host.length);
        switch (dtype) {
            case F32 -> buffer.copyFromHost(byteOffset, Pointer.to(host), bytes(), stream);
            case BF16 -> buffer.copyFromHost(byteOffset, Pointer.to(Bf16.fromFloats(host)), bytes(), stream);
            default -> throw new UnsupportedOperationException("upload of floats into a " + dtype + " tensor");
        }
    }

    public void copyFromInts(int[] host, CudaStream stream) {
        requireElements(host.length);
        if (dtype != DType.I32) {
            throw new UnsupportedOperationException("upload of ints into a " + dtype + " tensor");
        }
        buffer.copyFromHost(byteOffset, Pointer.to(host), bytes(), stream);
    }

    /** The contents as fp32, after all work enqueued so far on {@code stream}. */
    public float[] toFloats(CudaStream stream) {
        int n = elements();
        switch (dtype) {
            case F32 -> {
                float[] out = new float[n];
                buffer.copyToHost(Pointer.to(out), byteOffset, bytes(), stream);
                return out;
            }
            case BF16 -> {
                short[] raw = new short[n];
                buffer.copyToHost(Pointer.to(raw), byteOffset, bytes(), stream);
                return Bf16.toFloats(raw);
            }
            default -> throw new UnsupportedOperationException("download of a " + dtype + " tensor as floats");
        }
    }

    public int[] toInts(CudaStream stream) {
        if (dtype != DType.I32) {
            throw new UnsupportedOperationException("download of a " + dtype + " tensor as ints");
        }
        int[] out = new int[elements()];
        buffer.copyToHost(Pointer.to(out), byteOffset, bytes(), stream);
        return out;
    }

    /** Enqueues a copy of {@code src} (same dtype and element count) into this tensor. */
    public void copyFrom(CudaTensor src, CudaStream stream) {
        if (src.dtype != dtype || src.numel() != numel()) {
            throw new IllegalArgumentException("copy of " + src + " into " + this);
        }
        buffer.copyFrom(src.buffer, src.byteOffset, byteOffset, bytes(), stream);
    }

    /** Enqueues a fill with zero bytes (0.0 for every floating dtype). */
    public void zero(CudaStream stream) {
        buffer.zero(byteOffset, bytes(), stream);
    }

    private int elements() {
        if (shape.numel() > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("tensor " + shape + " is too large for a host array");
        }
        return (int) shape.numel();
    }

    private void requireElements(int length) {
        if (length != shape.numel()) {
            throw new IllegalArgumentException(length + " host elements do not fill shape " + shape);
        }
    }

    @Override
    public void close() {
        if (owner) {
            buffer.close();
        }
    }

    @Override
    public String toString() {
        return "CudaTensor" + shape + " " + dtype + (owner ? "" : " (view)");
    }
}
