package dev.baton.runtime.model;

/**
 * Where each scalar lives in the record's {@code scalars} vector, for any layer count L:
 * {@code [0, L)} resid lambdas (init 1.1), {@code [L, 3L)} the (λ_qkv, λ_o) pair of each layer
 * (init 0.5, 1.0), then smear_lambda (0.0), backout_lambda (0.5), skip_lambda (−1.5), then padding
 * (1.0, unused).
 *
 * <p>Padding: the record pads to a multiple of its world size, {@code (−3L − 3) mod world_size},
 * which is 4 for L = 11 and world size 8, giving 40 entries. Baton fixes the multiple at the
 * record's 8 ({@link GptConfig#shardMultiple()}) instead of the run's device count, so a
 * checkpoint has the same shapes whatever number of devices wrote or reads it.
 */
public record ScalarsLayout(int numLayers, int padMultiple) {
    public int residLambda(int layer) {
        return layer;
    }

    public int qkvLambda(int layer) {
        return numLayers + 2 * layer;
    }

    public int outLambda(int layer) {
        return numLayers + 2 * layer + 1;
    }

    public int smearLambda() {
        return 3 * numLayers;
    }

    public int backoutLambda() {
        return 3 * numLayers + 1;
    }

    public int skipLambda() {
        return 3 * numLayers + 2;
    }

    public int padding() {
        return Math.floorMod(-3 * numLayers - 3, padMultiple);
    }

    public int size() {
        return 3 * numLayers + 3 + padding();
    }

    /** The record's initial values. */
    public float[] initialValues() {
        float[] s = new float[size()];
        for (int i = 0; i < numLayers; i++) {
            s[residLambda(i)] = 1.1f;
            s[qkvLambda(i)] = 0.5f;
            s[outLambda(i)] = 1.0f;
        }
        s[smearLambda()] = 0.0f;
        s[backoutLambda()] = 0.5f;
        s[skipLambda()] = -1.5f;
        for (int i = 3 * numLayers + 3; i < s.length; i++) {
            s[i] = 1.0f;
        }
        return s;
    }
}
