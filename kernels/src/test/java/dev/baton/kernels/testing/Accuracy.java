package dev.baton.kernels.testing;

import java.util.Random;

/** Error measures and inputs for comparing a GPU result with a CPU reference. */
public final class Accuracy {
    private Accuracy() {
    }

    /** ‖actual − expected‖₂ / ‖expected‖₂ in double; NaN anywhere gives NaN (which fails any bound). */
    public static double relativeL2(float[] actual, float[] expected) {
        if (actual.length != expected.length) {
            throw new IllegalArgumentException(actual.length + " vs " + expected.length + " elements");
        }
        double num = 0;
        double den = 0;
        for (int i = 0; i < actual.length; i++) {
            double d = (double) actual[i] - expected[i];
            num += d * d;
            den += (double) expected[i] * expected[i];
        }
        return Math.sqrt(num / den);
    }

    /** Standard normal values from a fixed seed. */
    public static float[] gaussian(long seed, int n) {
        Random rnd = new Random(seed);
        float[] out = new float[n];
        for (int i = 0; i < n; i++) {
            out[i] = (float) rnd.nextGaussian();
        }
        return out;
    }
}
