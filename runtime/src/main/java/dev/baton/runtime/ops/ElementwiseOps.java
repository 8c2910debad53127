package dev.baton.runtime.ops;

import dev.baton.runtime.tensor.Tensor;

/**
 * Elementwise maps and the reductions that turn activations into scalar-parameter gradients on
 * the backend (no host round trip): linear combinations of the residual stream, relu², softcap,
 * and dot products written into one element of a gradient tensor.
 */
public interface ElementwiseOps {
    /**
     * {@code out = a * x + b * y} elementwise, or {@code out = a * x} when {@code y} is null. All
     * tensors have the same element count; {@code out} may be {@code x} or {@code y}.
     */
    void axpby(Tensor out, float a, Tensor x, float b, Tensor y);

    /**
     * A reduction written into one element: {@code s = scale * sum_i a[i] * b[i]} (or
     * {@code scale * sum_i a[i]} when {@code b} is null); then {@code dst[index] = s}, or
     * {@code dst[index] += s} when {@code accumulate}. This is how gradients of scalar parameters
     * ({@code scalars}, {@code x0_lambdas}) and the summed loss are produced without reading
     * activations back to the host. Sums are accumulated at least in fp32 with a tree or
     * higher-precision accumulator (the CPU backend uses fp64).
     *
     * @param dst a floating tensor; {@code index} is a flat element index into it
     */
    void dot(Tensor a, Tensor b, Tensor dst, int index, float scale, boolean accumulate);

    /** The MLP activation of the record: {@code out = max(h, 0)^2}. {@code out} may be {@code h}. */
    void relu2Forward(Tensor h, Tensor out);

    /**
     * Backward of relu²: {@code dh = dout * 2 * max(h, 0)} from the pre-activation {@code h};
     * {@code dh} may be {@code dout}.
     */
    void relu2Backward(Tensor h, Tensor dout, Tensor dh);

    /**
     * The logit softcap of the record for sampling: {@code out = a * sigmoid((x + b) / c)}
     * (a = 23, b = 5, c = 7.5); {@code out} may be {@code x}.
     */
    void softcap(Tensor x, Tensor out, float a, float b, float c);
}
