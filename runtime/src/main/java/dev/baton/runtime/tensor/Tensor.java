package dev.baton.runtime.tensor;

/**
 * A dense row-major array on one device, created by an {@code Ops} backend.
 *
 * <p>Ownership: a tensor returned by {@code Ops.allocate} owns its storage and releases it in
 * {@link #close()}; views made by {@link #view} and {@link #narrow} share that storage, own
 * nothing, and must not outlive their owner (closing a view does nothing).
 */
public interface Tensor extends AutoCloseable {
    Shape shape();

    DType dtype();

    default long numel() {
        return shape().numel();
    }

    /** The same elements under another shape with the same element count; no copy. */
    Tensor view(Shape shape);

    /** Rows {@code [start, start + count)} of the leading dimension; no copy. */
    Tensor narrow(int start, int count);

    /** True for a tensor that owns its storage, false for a view. */
    boolean owner();

    /** Releases the storage of an owner; a no-op for views. */
    @Override
    void close();
}
