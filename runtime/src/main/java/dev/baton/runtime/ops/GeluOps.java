package dev.baton.runtime.ops;

import dev.baton.runtime.tensor.Tensor;

/**
 * The exact (erf) GELU of {@code torch.nn.GELU()}, {@code x · Φ(x)}, used by seed 002's
 * pre-enrichment MLP. The defaults run on the host (download, compute, write): correct on every
 * backend, slow on a GPU until a backend overrides them with a kernel.
 */
public interface GeluOps {
    /** Host copy of a floating tensor (the defaults' only way to read). */
    float[] download(Tensor t);

    /** Host values into an existing floating tensor (the defaults' only way to write). */
    void write(Tensor dst, float[] host);

    /** {@code out = x · Φ(x)} elementwise; {@code out} may be {@code x}. */
    default void geluForward(Tensor x, Tensor out) {
        float[] v = download(x);
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) (v[i] * normalCdf(v[i]));
        }
        write(out, v);
    }

    /** {@code dx = dout · (Φ(x) + x φ(x))} from the pre-activation x; {@code dx} may be {@code dout}. */
    default void geluBackward(Tensor x, Tensor dout, Tensor dx) {
        float[] v = download(x);
        float[] g = download(dout);
        for (int i = 0; i < v.length; i++) {
            double z = v[i];
            g[i] = (float) (g[i] * (normalCdf(z) + z * Math.exp(-0.5 * z * z) / Math.sqrt(2 * Math.PI)));
        }
        write(dx, g);
    }

    /**
     * Φ(z) = (1 + erf(z/√2)) / 2 with erf from W. J. Cody's rational Chebyshev form as Numerical
     * Recipes' {@code erfc} gives it (fractional error below 1.2e-7 everywhere, under fp32's step).
     */
    static double normalCdf(double z) {
        double x = z / Math.sqrt(2);
        double t = 1.0 / (1.0 + 0.5 * Math.abs(x));
        double erfc = t * Math.exp(-x * x - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418
                + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223
                + t * 0.17087277)))))))));
        double erf = x >= 0 ? 1 - erfc : erfc - 1;
        return 0.5 * (1 + erf);
    }
}
