package dev.baton.kernels.testing;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The reference itself: its mask, a dense masked softmax, and its gradients by finite differences. */
class AttentionReferenceTest {
    private static final int[] CU = {0, 1, 1, 4, 9};
    private static final int G = 2;
    private static final int D = 4;

    private static double[] random(long seed, int n) {
        Random r = new Random(seed);
        double[] x = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = r.nextGaussian();
        }
        return x;
    }

    @Test
    void theMaskFollowsDocumentsCausalityAndTheWindow() {
        AttentionReference ref = new AttentionReference(CU, 1, G, D, 2, 0.5);
        assertTrue(ref.visible(0, 0));
        assertFalse(ref.visible(1, 0), "position 1 starts a document after the empty segment");
        assertTrue(ref.visible(3, 1));
        assertFalse(ref.visible(1, 2), "no key after the query");
        assertTrue(ref.visible(8, 6));
        assertFalse(ref.visible(8, 5), "distance 3 > window 2");
        AttentionReference paired = new AttentionReference(CU, 2, G, D, 100, 0.5);
        assertEquals(18, paired.seq());
        assertTrue(paired.visible(7, 2), "seqScale 2: the document [1, 4) spans positions [2, 8)");
        assertFalse(paired.visible(8, 7));
    }

    @Test
    void forwardIsTheMaskedSoftmaxOfTheDenseScores() {
        int window = 3;
        double scale = 0.7;
        AttentionReference ref = new AttentionReference(CU, 1, G, D, window, scale);
        int seq = ref.seq();
        double[] q = random(1, seq * G * D);
        double[] k = random(2, seq * G * D);
        double[] v = random(3, seq * G * D);
        double[][] fw = ref.forward(q, k, v);
        for (int g = 0; g < G; g++) {
            for (int s = 0; s < seq; s++) {
                double[] w = new double[seq];
                double sum = 0;
                for (int j = 0; j < seq; j++) {
                    if (ref.visible(s, j)) {
                        double dot = 0;
                        for (int d = 0; d < D; d++) {
                            dot += q[(s * G + g) * D + d] * k[(j * G + g) * D + d];
                        }
                        w[j] = Math.exp(scale * dot);
                        sum += w[j];
                    }
                }
                assertEquals(Math.log(sum), fw[1][s * G + g], 1e-12);
                for (int d = 0; d < D; d++) {
                    double o = 0;
                    for (int j = 0; j < seq; j++) {
                        o += w[j] / sum * v[(j * G + g) * D + d];
                    }
                    assertEquals(o, fw[0][(s * G + g) * D + d], 1e-12);
                }
            }
        }
    }

    @Test
    void backwardMatchesFiniteDifferencesOfTheForward() {
        AttentionReference ref = new AttentionReference(CU, 1, G, D, 3, 0.6);
        int n = ref.seq() * G * D;
        double[] q = random(4, n);
        double[] k = random(5, n);
        double[] v = random(6, n);
        double[] dout = random(7, n);
        double[][] fw = ref.forward(q, k, v);
        double[][] grads = ref.backward(q, k, v, fw[0], fw[1], dout);
        double[][] inputs = {q, k, v};
        double h = 1e-6;
        for (int which = 0; which < 3; which++) {
            for (int i = 0; i < n; i += 5) {
                double keep = inputs[which][i];
                inputs[which][i] = keep + h;
                double up = loss(ref.forward(q, k, v)[0], dout);
                inputs[which][i] = keep - h;
                double down = loss(ref.forward(q, k, v)[0], dout);
                inputs[which][i] = keep;
                assertEquals((up - down) / (2 * h), grads[which][i], 1e-7, "input " + which + " element " + i);
            }
        }
    }

    private static double loss(double[] out, double[] dout) {
        double l = 0;
        for (int i = 0; i < out.length; i++) {
            l += out[i] * dout[i];
        }
        return l;
    }
}
