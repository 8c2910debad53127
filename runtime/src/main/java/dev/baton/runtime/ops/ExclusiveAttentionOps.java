package dev.baton.runtime.ops;

import dev.baton.runtime.tensor.Tensor;

/**
 * Exclusive self-attention (XSA, arXiv 2603.09078, used on the last layers by the parameter-golf
 * records): each head's attention output loses its component along the token's own value vector,
 * {@code z = y − (y·v̂) v̂} with {@code v̂ = v / max(‖v‖, 1e-12)} ({@code F.normalize}), so a head can
 * only add what the other tokens carry. Rows are (token, head) pairs of head_dim channels; with
 * grouped-query attention pass the value heads repeated to the query heads.
 *
 * <p>The defaults download, compute on the host and write back: correct on every backend, slow on
 * a GPU until a backend overrides them with a kernel.
 */
public interface ExclusiveAttentionOps {
    /** Host copy of a floating tensor (the defaults' only way to read). */
    float[] download(Tensor t);

    /** Host values into an existing floating tensor (the defaults' only way to write). */
    void write(Tensor dst, float[] host);

    /** Smallest norm {@code F.normalize} divides by. */
    float XSA_EPS = 1e-12f;

    /**
     * {@code out[r] = y[r] − (y[r]·v̂[r]) v̂[r]} per row r.
     *
     * @param y   (R, D) attention outputs, one row per (token, head)
     * @param v   (R, D) the same token's value vector for that head
     * @param out (R, D), overwritten; may not alias {@code y}
     */
    default void exclusiveProjection(Tensor y, Tensor v, Tensor out) {
        int d = y.shape().cols();
        float[] ys = download(y);
        float[] vs = download(v);
        float[] o = new float[ys.length];
        for (int r = 0; r < ys.length / d; r++) {
            int b = r * d;
            double n = 0;
            for (int c = 0; c < d; c++) {
                n += (double) vs[b + c] * vs[b + c];
            }
            double inv = 1.0 / Math.max(Math.sqrt(n), XSA_EPS);
            double dot = 0;
            for (int c = 0; c < d; c++) {
                dot += (double) ys[b + c] * vs[b + c] * inv;
            }
            for (int c = 0; c < d; c++) {
                o[b + c] = (float) (ys[b + c] - dot * vs[b + c] * inv);
            }
        }
        write(out, o);
    }

    /**
     * Backward of {@link #exclusiveProjection}: with u = v̂, a = y·u, b = dz·u:
     * {@code dy = dz − b u}; {@code du = −(a dz + b y)}; {@code dv (+)= (du − (du·u) u) / ‖v‖}
     * (when ‖v‖ is below the epsilon the normalisation is linear and {@code dv = du / eps}).
     *
     * @param dz           (R, D) gradient of the output
     * @param y            (R, D) the forward's input
     * @param v            (R, D) the forward's value rows
     * @param dy           (R, D), overwritten; may be {@code dz}
     * @param dv           (R, D) added into
     */
    default void exclusiveProjectionBackward(Tensor dz, Tensor y, Tensor v, Tensor dy, Tensor dv) {
        int d = y.shape().cols();
        float[] g = download(dz);
        float[] ys = download(y);
        float[] vs = download(v);
        float[] dvs = download(dv);
        float[] dys = new float[g.length];
        double[] u = new double[d];
        for (int r = 0; r < g.length / d; r++) {
            int base = r * d;
            double n = 0;
            for (int c = 0; c < d; c++) {
                n += (double) vs[base + c] * vs[base + c];
            }
            double norm = Math.sqrt(n);
            boolean clamped = norm < XSA_EPS;
            double inv = 1.0 / Math.max(norm, XSA_EPS);
            double a = 0;
            double b = 0;
            for (int c = 0; c < d; c++) {
                u[c] = vs[base + c] * inv;
                a += ys[base + c] * u[c];
                b += g[base + c] * u[c];
            }
            double duu = 0;
            for (int c = 0; c < d; c++) {
                dys[base + c] = (float) (g[base + c] - b * u[c]);
                duu += -(a * g[base + c] + b * ys[base + c]) * u[c];
            }
            for (int c = 0; c < d; c++) {
                double du = -(a * g[base + c] + b * ys[base + c]);
                dvs[base + c] += (float) (clamped ? du * inv : (du - duu * u[c]) * inv);
            }
        }
        write(dy, dys);
        write(dv, dvs);
    }
}
