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
 *
 * <p>The parameter-golf baseline rotates the other common way, channel i with channel i + hd/2 of
 * each head ({@link #rotaryHalfForward}); backends without their own kernel for it inherit a host
 * implementation (download, compute, write back).
 */
public interface RotaryOps {
    /** Host copy of a floating tensor (the default half-split rotation's only way to read). */
    float[] download(Tensor t);

    /** Host values into an existing floating tensor (the default half-split rotation's only way to write). */
    void write(Tensor dst, float[] host);

    /**
     * Half-split rotation by row position, as the golf baseline's {@code apply_rotary_emb}: for row
     * s, every group of 2W channels (W = {@code cos.cols}) and i &lt; W, with c = cos[s, i] and
     * sn = sin[s, i]: {@code out[i] = x[i]·c + x[i+W]·sn}, {@code out[i+W] = x[i+W]·c − x[i]·sn}.
     *
     * @param x   (S, ...) whose elements per row are a multiple of 2W; row s uses table row s
     * @param cos (≥ S, W)
     * @param sin (≥ S, W)
     * @param out same shape as x; may be x
     */
    default void rotaryHalfForward(Tensor x, Tensor cos, Tensor sin, Tensor out) {
        rotaryHalf(x, cos, sin, out, false);
    }

    /**
     * The transpose (and inverse) of {@link #rotaryHalfForward}:
     * {@code dx[i] = dout[i]·c − dout[i+W]·sn}, {@code dx[i+W] = dout[i+W]·c + dout[i]·sn};
     * {@code dx} may be {@code dout}.
     */
    default void rotaryHalfBackward(Tensor dout, Tensor cos, Tensor sin, Tensor dx) {
        rotaryHalf(dout, cos, sin, dx, true);
    }

    private void rotaryHalf(Tensor x, Tensor cos, Tensor sin, Tensor out, boolean transpose) {
        int rows = x.shape().dim(0);
        int width = cos.shape().cols();
        if (x.numel() % ((long) Math.max(rows, 1) * 2 * width) != 0 || cos.shape().dim(0) < rows
                || !cos.shape().equals(sin.shape())) {
            throw new IllegalArgumentException("rotaryHalf: " + x.shape() + " does not fit tables " + cos.shape()
                    + "/" + sin.shape());
        }
        float[] c = download(cos);
        float[] s = download(sin);
        write(out, HostKernels.rotaryHalf(download(x), rows, c, s, width, transpose));
    }

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
