package dev.baton.runtime.ops;

/**
 * The arithmetic of the default (host) implementations in {@link ScaleOps} and
 * {@link RotaryOps} on plain arrays: what a backend without its own kernel computes after a
 * download. Pure functions, so that a test can hold a backend's kernels against them.
 */
final class HostKernels {
    private HostKernels() {
    }

    /** {@code base + scale[c / K] · src} per element (base may be null), rows of {@code cols}. */
    static float[] scaledAdd(float[] base, float[] src, float[] scale, int cols) {
        int group = groupWidth(cols, scale.length);
        float[] out = new float[src.length];
        for (int i = 0; i < src.length; i++) {
            float v = scale[(i % cols) / group] * src[i];
            out[i] = base == null ? v : base[i] + v;
        }
        return out;
    }

    /** {@code dscale[p] + Σ_r Σ_{c in group p} dout · src}, summed in fp64. */
    static float[] scaleGradient(float[] dscale, float[] dout, float[] src, int cols) {
        int group = groupWidth(cols, dscale.length);
        double[] sums = new double[dscale.length];
        for (int i = 0; i < dout.length; i++) {
            sums[(i % cols) / group] += (double) dout[i] * src[i];
        }
        float[] out = dscale.clone();
        for (int p = 0; p < out.length; p++) {
            out[p] += (float) sums[p];
        }
        return out;
    }

    /**
     * Half-split rotation of rows {@code s} (row s uses table row s): in every group of 2W channels
     * (W = the tables' width), channel i < W pairs with i + W. {@code transpose} applies the inverse.
     */
    static float[] rotaryHalf(float[] x, int rows, float[] cos, float[] sin, int width, boolean transpose) {
        float[] out = new float[x.length];
        int perRow = x.length / Math.max(rows, 1);
        float sign = transpose ? -1f : 1f;
        for (int r = 0; r < rows; r++) {
            for (int g = 0; g < perRow / (2 * width); g++) {
                int b = r * perRow + g * 2 * width;
                for (int i = 0; i < width; i++) {
                    float c = cos[r * width + i];
                    float s = sign * sin[r * width + i];
                    float x1 = x[b + i];
                    float x2 = x[b + i + width];
                    out[b + i] = x1 * c + x2 * s;
                    out[b + i + width] = x2 * c - x1 * s;
                }
            }
        }
        return out;
    }

    static int groupWidth(int cols, int scales) {
        if (scales <= 0 || cols % scales != 0) {
            throw new IllegalArgumentException(scales + " scales do not group " + cols + " channels");
        }
        return cols / scales;
    }
}
