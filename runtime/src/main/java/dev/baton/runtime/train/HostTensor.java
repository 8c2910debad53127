package dev.baton.runtime.train;

import dev.baton.runtime.tensor.Shape;

/** A host copy of one parameter's fp32 values (what checkpoints store and restore). */
public record HostTensor(Shape shape, float[] values) {
    public HostTensor {
        if (values.length != shape.numel()) {
            throw new IllegalArgumentException(values.length + " values for shape " + shape);
        }
    }
}
