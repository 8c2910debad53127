package dev.baton.runtime.ops.cpu;

import dev.baton.runtime.tensor.DType;
import dev.baton.runtime.tensor.Shape;
import dev.baton.runtime.tensor.Tensor;

/**
 * A tensor in JVM heap memory: floating types are stored as fp32 in {@code float[]}, integer
 * types in {@code int[]}; a view shares the array at an element offset.
 */
public final class CpuTensor implements Tensor {
    private final Shape shape;
    private final DType dtype;
    private final float[] floats;
    private final int[] ints;
    private final int offset;
    private final boolean owner;

    private CpuTensor(Shape shape, DType dtype, float[] floats, int[] ints, int offset, boolean owner) {
        this.shape = shape;
        this.dtype = dtype;
        this.floats = floats;
        this.ints = ints;
        this.offset = offset;
        this.owner = owner;
    }

    static CpuTensor allocate(Shape shape, DType dtype) {
        long n = shape.numel();
        if (n > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("tensor of shape " + shape + " is too large for the CPU backend");
        }
        return dtype.isFloating()
                ? new CpuTensor(shape, dtype, new float[(int) n], null, 0, true)
                : new CpuTensor(shape, dtype, null, new int[(int) n], 0, true);
    }

    /** Casts a backend-neutral tensor to the CPU type, with a clear error for foreign tensors. */
    public static CpuTensor of(Tensor t) {
        if (t instanceof CpuTensor c) {
            return c;
        }
        throw new IllegalArgumentException("tensor " + t.shape() + " does not live on the CPU backend");
    }

    /** The backing fp32 array; elements start at {@link #offset()}. */
    public float[] floats() {
        if (floats == null) {
            throw new IllegalStateException("tensor of type " + dtype + " has no float storage");
        }
        return floats;
    }

    /** The backing int array; elements start at {@link #offset()}. */
    public int[] ints() {
        if (ints == null) {
            throw new IllegalStateException("tensor of type " + dtype + " has no int storage");
        }
        return ints;
    }

    public int offset() {
        return offset;
    }

    public int size() {
        return (int) shape.numel();
    }

    @Override
    public Shape shape() {
        return shape;
    }

    @Override
    public DType dtype() {
        return dtype;
    }

    @Override
    public CpuTensor view(Shape newShape) {
        if (newShape.numel() != shape.numel()) {
            throw new IllegalArgumentException("cannot view " + shape + " as " + newShape);
        }
        return new CpuTensor(newShape, dtype, floats, ints, offset, false);
    }

    @Override
    public CpuTensor narrow(int start, int count) {
        int lead = shape.dim(0);
        if (start < 0 || count < 0 || start + count > lead) {
            throw new IndexOutOfBoundsException("rows [" + start + ", " + (start + count) + ") of " + shape);
        }
        int rowSize = (int) (shape.numel() / Math.max(lead, 1));
        return new CpuTensor(shape.withLeading(count), dtype, floats, ints, offset + start * rowSize, false);
    }

    @Override
    public boolean owner() {
        return owner;
    }

    @Override
    public void close() {
        // heap storage: the garbage collector reclaims it once the owner is unreachable
    }

    @Override
    public String toString() {
        return "CpuTensor" + shape + dtype;
    }
}
