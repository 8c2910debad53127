package dev.baton.runtime.ops;

import dev.baton.runtime.tensor.DType;
import dev.baton.runtime.tensor.Shape;
import dev.baton.runtime.tensor.Tensor;

/**
 * The operations the model needs, each forward beside its backward; CPU and CUDA backends
 * implement it and the model calls nothing else.
 *
 * <p>All tensors are row-major. Operations are asynchronous on backends with streams: they
 * are ordered with each other, and only {@link #download} waits for the result.
 *
 * <p>The model's operations are grouped by concern in the interfaces this one extends; each
 * documents its forward next to its backward. Conventions shared by all of them: tensors may be
 * views (an offset into their owner's storage); shapes are checked; arguments named {@code out},
 * {@code dx}, ... are overwritten unless the method says it accumulates; gradients of parameters
 * are always accumulated (+=) so that gradient accumulation over micro-batches works; host values
 * ({@code float} arguments) are the few scalar parameters the model reads once per forward.
 */
public interface Ops extends AutoCloseable, EmbeddingOps, NormOps, ElementwiseOps, GateOps, RotaryOps,
        AttentionOps, LossOps, ScaleOps, ExclusiveAttentionOps, GeluOps {
    /** Backend name for logs and errors, e.g. "cpu" or "cuda:0". */
    String name();

    /** The type the backend uses for activations and GEMM inputs (fp32 on CPU, bf16 on CUDA). */
    DType activationType();

    /**
     * The type of the model's weight matrices, embeddings and gates (fp32 on CPU; bf16 on CUDA, the
     * record's weights). The scalar parameters ({@code scalars}, {@code x0_lambdas}) stay fp32.
     */
    DType parameterType();

    /** The type of parameter gradients, accumulated over micro-batches (fp32 on both backends). */
    DType gradientType();

    /** A new zero-filled tensor owned by the caller. */
    Tensor allocate(Shape shape, DType dtype);

    Tensor upload(float[] host, Shape shape, DType dtype);

    Tensor uploadInts(int[] host, Shape shape);

    /** Copies host values into an existing floating tensor of the same element count (no allocation). */
    void write(Tensor dst, float[] host);

    /** Copies host values into an existing I32 tensor of the same element count (no allocation). */
    void writeInts(Tensor dst, int[] host);

    float[] download(Tensor t);

    int[] downloadInts(Tensor t);

    void copy(Tensor dst, Tensor src);

    void fill(Tensor t, float value);

    /**
     * {@code c = alpha * op(a) · op(b) + beta * c} with op the transpose when its flag is set.
     * Shapes are (m,k)/(k,m), (k,n)/(n,k), (m,n); with a leading batch dimension on a, b
     * and c (b may stay 2-D and is then shared by every batch entry).
     */
    void matmul(Tensor a, boolean transA, Tensor b, boolean transB, Tensor c, float alpha, float beta);

    /** Waits until every operation issued so far has finished. */
    void synchronize();

    @Override
    void close();
}
