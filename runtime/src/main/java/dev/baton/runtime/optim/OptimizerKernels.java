package dev.baton.runtime.optim;

import dev.baton.runtime.tensor.Tensor;

/**
 * The element-wise and reduction steps of Adam and NorMuon, in place on backend tensors, so that
 * a GPU backend can fuse each into one kernel; {@link PolarExpress} uses {@code Ops.matmul}.
 * Matrix-structured arguments are (n, rows, cols) tensors; scalars arrive already rounded to
 * fp32, as the record passes them. Every computation of one matrix (or one element) depends only
 * on that matrix (element), so a sharded update equals the corresponding part of a whole one.
 */
public interface OptimizerKernels extends AutoCloseable {
    /**
     * Adam with cautious weight decay: m = β1·m + (1−β1)·g; v = β2·v + (1−β2)·g²;
     * u = m / (√v + eps) · stepSize; u += effWd · p where u·p &gt; 0; p −= u.
     */
    void adam(Tensor p, Tensor g, Tensor expAvg, Tensor expAvgSq,
              float beta1, float oneMinusBeta1, float beta2, float oneMinusBeta2,
              float eps, float stepSize, float effWd);

    /**
     * Momentum and Nesterov mix as the record's two lerps: momentum ← lerp(momentum, g, 1−μ);
     * out ← lerp(g, momentum, μ), with PyTorch's lerp formula (two branches around weight 0.5).
     */
    void nesterov(Tensor momentum, Tensor g, Tensor out, float oneMinusMu, float mu);

    /** Each matrix x[i] ← x[i] / (‖x[i]‖_F · safety + eps). */
    void normalizeFrobenius(Tensor x, float safety, float eps);

    /**
     * NorMuon variance normalisation of each matrix v[i] with its fp32 second moment (one value
     * per row when {@code perRow}, else per column): the second moment takes a lerp of weight
     * 1−β2 towards the mean square, the matrix is rescaled by its inverse square root and then
     * restored to its original Frobenius norm (SPEC-NOTES 3.5.2).
     */
    void normalizeVariance(Tensor v, Tensor secondMoment, float oneMinusBeta2, boolean perRow);

    /**
     * NorMuon's update with cautious weight decay, matrix i with lr {@code lr[i]}:
     * p ← p − p·[v·p ≥ 0]·wd·lr[i] − v·lr[i].
     */
    void cautiousStep(Tensor p, Tensor v, float[] lr, float wd);

    /** dst (a, b) += srcᵀ for src (b, a). */
    void addTransposed(Tensor dst, Tensor src);

    /** dst (c, a) ← the columns [colStart, colStart + c) of src (a, b), transposed. */
    void transposeColumns(Tensor dst, Tensor src, int colStart);

    @Override
    void close();
}
