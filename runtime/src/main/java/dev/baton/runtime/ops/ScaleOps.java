package dev.baton.runtime.ops;

import dev.baton.runtime.tensor.Tensor;

/**
 * Learned scales that multiply activations channel by channel, as the parameter-golf baseline
 * uses them: {@code attn_scale}, {@code mlp_scale}, the two rows of {@code resid_mix} and
 * {@code skip_weights} hold one scale per channel; {@code q_gain} holds one per head (a group of
 * head_dim channels). The scale stays on the backend (no host read), and its gradient is a
 * reduction over rows that the backward accumulates into the parameter's gradient.
 *
 * <p>Tensors are seen as rows of C channels, C being the last dimension of {@code out} (or
 * {@code dout}); the scale has P elements, P dividing C, and channel c uses {@code scale[c / (C/P)]}.
 * Pass 2-D views (e.g. q as (T, H·hd)) so that C is the width the scale groups.
 *
 * <p>Backends without kernels of their own inherit the defaults below, which download, compute on
 * the host and write back: correct everywhere, slow on a GPU (a backend overrides them).
 */
public interface ScaleOps {
    /** Host copy of a floating tensor (the defaults' only way to read). */
    float[] download(Tensor t);

    /** Host values into an existing floating tensor (the defaults' only way to write). */
    void write(Tensor dst, float[] host);

    /**
     * {@code out[r, c] = base[r, c] + scale[c / K] · src[r, c]} with K = C / P, or without the
     * {@code base} term when it is null. {@code out} may be {@code base} or {@code src}.
     *
     * @param out   (R, C), overwritten
     * @param base  (R, C) or null
     * @param src   (R, C)
     * @param scale (P) floating, P dividing C
     */
    default void scaledAdd(Tensor out, Tensor base, Tensor src, Tensor scale) {
        float[] result = HostKernels.scaledAdd(base == null ? null : download(base), download(src), download(scale),
                out.shape().cols());
        write(out, result);
    }

    /**
     * Backward of {@link #scaledAdd} for {@code src} and {@code scale} (the gradient of
     * {@code base} is {@code dout} itself, left to the caller): {@code dsrc (=|+=) scale[c/K] · dout}
     * and {@code dscale[p] += Σ_r Σ_{c: c/K = p} dout[r, c] · src[r, c]}, the sums at least in fp32
     * (the CPU backend uses fp64). Either output may be null. {@code dsrc} may be {@code dout} when
     * not accumulating.
     *
     * @param dout       (R, C)
     * @param src        (R, C), the forward's input
     * @param scale      (P)
     * @param dsrc       (R, C) or null
     * @param accumulate add into {@code dsrc} instead of overwriting it
     * @param dscale     (P), accumulated into, or null
     */
    default void scaledAddBackward(Tensor dout, Tensor src, Tensor scale, Tensor dsrc, boolean accumulate,
                                   Tensor dscale) {
        float[] g = download(dout);
        float[] s = download(scale);
        int cols = dout.shape().cols();
        if (dsrc != null) {
            write(dsrc, HostKernels.scaledAdd(accumulate ? download(dsrc) : null, g, s, cols));
        }
        if (dscale != null) {
            write(dscale, HostKernels.scaleGradient(download(dscale), g, download(src), cols));
        }
    }
}
