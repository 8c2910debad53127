package dev.baton.runtime.optim;

import dev.baton.runtime.ops.Ops;
import dev.baton.runtime.tensor.Tensor;

/**
 * The golf records' fused Muon pre-step (MuonEq-R, "fused momentum / Nesterov / row normalisation"),
 * one pass over each row of a (rows, cols) weight: {@code buf = μ·buf + g}; the Nesterov mix
 * {@code u = g + μ·buf} (or {@code u = buf}); then every row of u divided by its L2 norm, clamped
 * below at 1e-7, before Newton–Schulz orthogonalises it. Runs on the host (download, compute,
 * write): a backend kernel would fuse it on the device.
 */
final class RowNormalizedMomentum {
    /** The records' clamp of a row norm ({@code clamp_min(1e-7)}). */
    static final double MIN_ROW_NORM = 1e-7;

    private RowNormalizedMomentum() {
    }

    /**
     * Updates {@code momentum} in place and writes the row-normalised update into {@code update}
     * (all (rows, cols), fp32).
     */
    static void apply(Ops ops, Tensor momentum, Tensor grad, Tensor update, float mu, boolean nesterov) {
        int rows = momentum.shape().dim(0);
        int cols = momentum.shape().dim(1);
        float[] buf = ops.download(momentum);
        float[] g = ops.download(grad);
        float[] u = new float[buf.length];
        for (int r = 0; r < rows; r++) {
            int base = r * cols;
            double sumSq = 0;
            for (int c = base; c < base + cols; c++) {
                buf[c] = mu * buf[c] + g[c];
                u[c] = nesterov ? g[c] + mu * buf[c] : buf[c];
                sumSq += (double) u[c] * u[c];
            }
            float inv = (float) (1.0 / Math.max(Math.sqrt(sumSq), MIN_ROW_NORM));
            for (int c = base; c < base + cols; c++) {
                u[c] *= inv;
            }
        }
        ops.write(momentum, buf);
        ops.write(update, u);
    }
}
