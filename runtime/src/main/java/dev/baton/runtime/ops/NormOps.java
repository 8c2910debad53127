package dev.baton.runtime.ops;

import dev.baton.runtime.tensor.Tensor;

/**
 * Weight-less RMS norm over the last dimension, {@code F.rms_norm(x, (C,))} of the record: used on
 * the residual stream, on x0, on the final hidden state and per head on q and k (QK norm, with the
 * tensor viewed as (T·H, head_dim) rows).
 */
public interface NormOps {
    /**
     * {@code rstd[r] = 1 / sqrt(mean_c(x[r,c]^2) + eps)}, {@code out[r,c] = x[r,c] * rstd[r]}.
     * Sums are accumulated at least in fp32 (the CPU backend uses fp64). {@code out} may be
     * {@code x} itself; {@code rstd} is kept for the backward.
     *
     * @param x    (R, C) viewed as rows of its last dimension
     * @param out  same element count as x, overwritten
     * @param rstd (R), overwritten
     * @param eps  the record uses float32 epsilon (1.1920929e-07)
     */
    void rmsNormForward(Tensor x, Tensor out, Tensor rstd, float eps);

    /**
     * Backward from the forward's input and saved {@code rstd} (the output is recomputed):
     * with {@code y = x * rstd}, {@code dx = rstd * (dout - y * mean_c(dout * y))}.
     *
     * @param x          the forward input (R, C)
     * @param rstd       (R) from {@link #rmsNormForward}
     * @param dout       gradient of the output (R, C)
     * @param dx         (R, C); may be the same tensor as {@code dout}
     * @param accumulate add into {@code dx} instead of overwriting it
     */
    void rmsNormBackward(Tensor x, Tensor rstd, Tensor dout, Tensor dx, boolean accumulate);
}
