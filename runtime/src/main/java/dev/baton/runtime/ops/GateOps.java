package dev.baton.runtime.ops;

import dev.baton.runtime.tensor.Tensor;

/**
 * The record's small sigmoid gates, each computed from the first few (12) channels of a row, and
 * the gated products they feed: the attention output gate, the value-embedding gate (×2), the
 * skip gate (×2σ(skip_lambda)) and the smear gate (×smear_lambda).
 *
 * <p>The gate value {@code sig} is kept unscaled; the consumer ({@link #gatedAdd}) applies the
 * scale. Backward is split the same way: {@link #gatedAddBackward} yields the raw product
 * {@code dgate[r,g] = <dout, src>} and {@link #gateBackward} takes the scale, so a scale that is
 * itself a parameter (smear_lambda, skip_lambda) gets its gradient from
 * {@code dot(sig, dgate) } without dividing by it.
 */
public interface GateOps {
    /**
     * {@code sig[r, g] = sigmoid(sum_{c < W} x[r, c] * w[g, c])} where W = {@code w}'s column count
     * and only the first W columns of each row of {@code x} are read.
     *
     * @param x   (R, C) with C ≥ W
     * @param w   (G, W)
     * @param sig (R, G), overwritten
     */
    void gateForward(Tensor x, Tensor w, Tensor sig);

    /**
     * Backward of {@link #gateForward} for a gate used as {@code scale * sig}: with
     * {@code dz = scale * dgate * sig * (1 - sig)}, {@code dx[r, c < W] += sum_g dz[r,g] w[g,c]} and
     * {@code dw[g, c] += sum_r dz[r,g] x[r,c]}. Either output may be null when not wanted.
     *
     * @param dgate (R, G), the raw product from {@link #gatedAddBackward}
     * @param dx    (R, C) accumulated into (first W columns only), or null
     * @param dw    (G, W) accumulated into, or null
     */
    void gateBackward(Tensor x, Tensor w, Tensor sig, Tensor dgate, float scale, Tensor dx, Tensor dw);

    /**
     * {@code out[r, g·K + j] = base[r, g·K + j] + scale * gate[r, g] * src[r, g·K + j]} for rows r,
     * gate groups g (heads) of K = C / G channels; without {@code base} (null) the sum omits it.
     * {@code out} may be {@code base} (in-place add).
     *
     * @param out  (R, C)
     * @param base (R, C) or null
     * @param src  (R, C)
     * @param gate (R, G) with G dividing C
     */
    void gatedAdd(Tensor out, Tensor base, Tensor src, Tensor gate, float scale);

    /**
     * Backward of {@link #gatedAdd} for {@code src} and {@code gate} (the gradient of {@code base}
     * is {@code dout} itself and is left to the caller):
     * {@code dsrc (=|+=) scale * gate[r,g] * dout} and the raw, unscaled
     * {@code dgate[r, g] = sum_j dout[r, g·K + j] * src[r, g·K + j]} (overwritten).
     *
     * @param dsrc       (R, C) or null
     * @param accumulate add into {@code dsrc} instead of overwriting it
     * @param dgate      (R, G) or null
     */
    void gatedAddBackward(Tensor dout, Tensor src, Tensor gate, float scale,
                          Tensor dsrc, boolean accumulate, Tensor dgate);
}
