package dev.baton.runtime.ops;

import dev.baton.runtime.tensor.Tensor;

/**
 * Rotary position embedding with precomputed tables (the record's half-truncated RoPE with YaRN),
 * and the partial key offset of long-window layers.
 *
 * <p>Tables follow the record's {@code factor1}/{@code factor2}: {@code cos[s, i] = cos θ(s, i)},
 * {@code sin[s, i] = ±sin θ(s, i)} with the odd columns negated. The same op serves the normal
 * layout (x viewed (T, H, hd), tables of width hd) and the paired-head layout (x viewed
 * (T, H/2, 2·hd), tables of width 2·hd whose halves hold positions 2t and 2t+1).
 */
public interface RotaryOps {
    /**
     * Adjacent-pair rotation by row position: for row s, every group of W = {@code cos.cols}
     * channels, and pair (2j, 2j+1):
     * {@code out[2j] = cos[s,2j] x[2j] + sin[s,2j] x[2j+1]},
     * {@code out[2j+1] = cos[s,2j+1] x[2j+1] + sin[s,2j+1] x[2j]}.
     *
     * @param x   (S, ...) whose elements per row are a multiple of W; row s uses table row s
     * @param cos (≥ S, W)
     * @param sin (≥ S, W), odd columns negated
     * @param out same shape as x; may be x
     */
    void rotaryForward(Tensor x, Tensor cos, Tensor sin, Tensor out);

    /**
     * The transpose of {@link #rotaryForward}:
     * {@code dx[2j] = cos[2j] dout[2j] + sin[2j+1] dout[2j+1]},
     * {@code dx[2j+1] = cos[2j+1] dout[2j+1] + sin[2j] dout[2j]}; {@code dx} may be {@code dout}.
     */
    void rotaryBackward(Tensor dout, Tensor cos, Tensor sin, Tensor dx);

    /**
     * The record's partial key offset ("shift keys forward for the stationary head dims"): for a
     * key tensor (S, H, D), channels [D/4, D/2) and [3D/4, D) of row s ≥ 1 take the values of row
     * s − 1; row 0 and all other channels are copied unchanged. Rows are positions of the packed
     * buffer, so the shift crosses document boundaries as in the record.
     *
     * @param src (S, H, D)
     * @param dst (S, H, D), must not overlap {@code src}
     */
    void keyOffsetForward(Tensor src, Tensor dst);

    /**
     * Backward of {@link #keyOffsetForward}: in the shifted channels
     * {@code dsrc[0] = dout[0] + dout[1]}, {@code dsrc[s] = dout[s+1]} for 0 < s < S−1,
     * {@code dsrc[S−1] = 0}; elsewhere {@code dsrc = dout}. Overwrites {@code dsrc}, which must
     * not overlap {@code dout}.
     */
    void keyOffsetBackward(Tensor dout, Tensor dsrc);
}
