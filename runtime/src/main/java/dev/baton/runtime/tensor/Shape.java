package dev.baton.runtime.tensor;

import java.util.Arrays;

/** Immutable row-major shape of a tensor. */
public final class Shape {
    private final int[] dims;

    private Shape(int[] dims) {
        for (int d : dims) {
            if (d < 0) {
                throw new IllegalArgumentException("negative dimension in shape " + Arrays.toString(dims));
            }
        }
        this.dims = dims;
    }

    public static Shape of(int... dims) {
        return new Shape(dims.clone());
    }

    public int rank() {
        return dims.length;
    }

    public int dim(int i) {
        return dims[i < 0 ? dims.length + i : i];
    }

    public int[] dims() {
        return dims.clone();
    }

    public long numel() {
        long n = 1;
        for (int d : dims) {
            n *= d;
        }
        return n;
    }

    /** Size of the last dimension (1 for a scalar). */
    public int cols() {
        return dims.length == 0 ? 1 : dims[dims.length - 1];
    }

    /** Product of every dimension but the last: the row count of the matrix view. */
    public long rows() {
        return dims.length == 0 ? 1 : numel() / cols();
    }

    /** The same shape with the leading dimension replaced. */
    public Shape withLeading(int d0) {
        int[] d = dims.clone();
        d[0] = d0;
        return new Shape(d);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Shape s && Arrays.equals(dims, s.dims);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(dims);
    }

    @Override
    public String toString() {
        return Arrays.toString(dims).replace('[', '(').replace(']', ')');
    }
}
