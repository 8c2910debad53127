package dev.baton.runtime.ops.cpu;

import dev.baton.runtime.tensor.Shape;
import dev.baton.runtime.tensor.Tensor;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class CpuLossTest {
    private static final CpuOps OPS = new CpuOps(2);
    private static final float A = 23f;
    private static final float B = 5f;
    private static final float C = 7.5f;

    @AfterAll
    static void close() {
        OPS.close();
    }

    @Test
    void perRowLossWeightsTheTokensAhead() {
        GradientCheck gc = new GradientCheck(OPS, 30);
        int rows = 4;
        int vocab = 7;
        float[] x = gc.gaussian(rows * vocab, 3);
        Tensor logits = gc.view(x, Shape.of(rows, vocab));
        int[] targets = {2, 6, 0, 3};
        Tensor t = gc.ints(targets);
        Tensor losses = gc.zeros(Shape.of(rows));
        float[] w = {1f, 0.5f, 0.25f};
        OPS.softcappedCrossEntropy(logits, t, w, A, B, C, losses, null);
        float[] got = OPS.download(losses);
        for (int i = 0; i < rows; i++) {
            double[] z = new double[vocab];
            double sum = 0;
            for (int j = 0; j < vocab; j++) {
                z[j] = A / (1 + Math.exp(-(x[i * vocab + j] + B) / C));
                sum += Math.exp(z[j]);
            }
            double lse = Math.log(sum);
            double expect = 0;
            for (int k = 0; k < w.length && i + k < rows; k++) {
                expect += w[k] * (lse - z[targets[i + k]]);
            }
            assertEquals(expect, got[i], 1e-5 * Math.max(1, Math.abs(expect)), "row " + i);
        }
    }

    @Test
    void fusedGradientMatchesFiniteDifferencesAndMayOverwriteLogits() {
        GradientCheck gc = new GradientCheck(OPS, 31);
        int rows = 5;
        int vocab = 9;
        Tensor logits = gc.random(Shape.of(rows, vocab), 4);
        Tensor t = gc.ints(new int[] {1, 8, 8, 0, 4});
        Tensor losses = gc.zeros(Shape.of(rows));
        float[] w = {1f, 0.5f, 0.1f};
        Tensor dlogits = gc.zeros(Shape.of(rows, vocab));
        OPS.softcappedCrossEntropy(logits, t, w, A, B, C, losses, dlogits);
        float[] analytic = OPS.download(dlogits);
        float[] ones = new float[rows];
        java.util.Arrays.fill(ones, 1f);
        gc.assertGradient("dlogits", logits, analytic, () -> {
            OPS.softcappedCrossEntropy(logits, t, w, A, B, C, losses, null);
            return gc.weighted(losses, ones);
        }, 1e-2, 1e-4, 2e-3, 100);
        // in place: the same gradient replaces the logits
        OPS.softcappedCrossEntropy(logits, t, w, A, B, C, losses, logits);
        float[] inPlace = OPS.download(logits);
        for (int i = 0; i < analytic.length; i++) {
            assertEquals(analytic[i], inPlace[i], 1e-7f);
        }
    }

    @Test
    void evaluationFormIsTheMeanNextTokenLoss() {
        GradientCheck gc = new GradientCheck(OPS, 32);
        int rows = 3;
        int vocab = 128;
        Tensor logits = gc.zeros(Shape.of(rows, vocab));   // every softcapped logit equal
        Tensor t = gc.ints(new int[] {5, 6, 7});
        Tensor losses = gc.zeros(Shape.of(rows));
        OPS.softcappedCrossEntropy(logits, t, new float[] {1f}, A, B, C, losses, null);
        Tensor mean = gc.zeros(Shape.of(1));
        OPS.dot(losses, null, mean, 0, 1f / rows, false);
        assertEquals(Math.log(vocab), OPS.download(mean)[0], 1e-5);
    }
}
