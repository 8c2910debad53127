package dev.baton.runtime.optim;

import dev.baton.runtime.tensor.DType;
import dev.baton.runtime.tensor.Shape;

/**
 * A host copy of one named piece of optimizer state, as checkpoints store it: fp32 values, or
 * int32 values for counters and shard ranges.
 */
public record StateTensor(Shape shape, DType dtype, float[] floats, int[] ints) {
    public StateTensor {
        long n = dtype == DType.I32 ? ints.length : floats.length;
        if (n != shape.numel() || (dtype != DType.I32 && dtype != DType.F32)) {
            throw new IllegalArgumentException("state tensor of shape " + shape + " and type " + dtype + " holds " + n + " values");
        }
    }

    public static StateTensor ofFloats(Shape shape, float[] values) {
        return new StateTensor(shape, DType.F32, values, null);
    }

    public static StateTensor ofInts(int... values) {
        return new StateTensor(Shape.of(values.length), DType.I32, null, values);
    }
}
