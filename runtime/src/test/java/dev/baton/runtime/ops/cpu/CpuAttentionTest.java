package dev.baton.runtime.ops.cpu;

import dev.baton.runtime.tensor.Shape;
import dev.baton.runtime.tensor.Tensor;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.util.function.DoubleSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;

class CpuAttentionTest {
    private static final CpuOps OPS = new CpuOps(2);

    @AfterAll
    static void close() {
        OPS.close();
    }

    /** Plain attention with an explicit S×S mask in fp64: the definition the kernel must meet. */
    private static double[] reference(float[] q, float[] k, float[] v, int seq, int groups, int dim, int[] cu,
                                      int seqScale, int window, float scale, double[] lse) {
        int[] doc = new int[seq];
        for (int d = 0; d + 1 < cu.length; d++) {
            for (int s = cu[d] * seqScale; s < cu[d + 1] * seqScale; s++) {
                doc[s] = d;
            }
        }
        double[] out = new double[seq * groups * dim];
        for (int g = 0; g < groups; g++) {
            for (int s = 0; s < seq; s++) {
                double[] sc = new double[seq];
                double max = Double.NEGATIVE_INFINITY;
                for (int j = 0; j < seq; j++) {
                    boolean visible = doc[j] == doc[s] && j <= s && s - j <= window;
                    if (!visible) {
                        sc[j] = Double.NEGATIVE_INFINITY;
                        continue;
                    }
                    double dot = 0;
                    for (int d = 0; d < dim; d++) {
                        dot += (double) q[(s * groups + g) * dim + d] * k[(j * groups + g) * dim + d];
                    }
                    sc[j] = dot * scale;
                    max = Math.max(max, sc[j]);
                }
                double sum = 0;
                for (int j = 0; j < seq; j++) {
                    sum += Math.exp(sc[j] - max);
                }
                lse[s * groups + g] = max + Math.log(sum);
                for (int j = 0; j < seq; j++) {
                    double p = Math.exp(sc[j] - max) / sum;
                    for (int d = 0; d < dim; d++) {
                        out[(s * groups + g) * dim + d] += p * v[(j * groups + g) * dim + d];
                    }
                }
            }
        }
        return out;
    }

    private void forwardMatchesExplicitMask(int seqScale, int window, int[] cu) {
        GradientCheck gc = new GradientCheck(OPS, 10 + seqScale + window);
        int tokens = cu[cu.length - 1];
        int seq = tokens * seqScale;
        int groups = 2;
        int dim = 8;
        Shape shape = Shape.of(seq, groups, dim);
        Tensor q = gc.random(shape, 1);
        Tensor k = gc.random(shape, 1);
        Tensor v = gc.random(shape, 1);
        Tensor out = gc.zeros(shape);
        Tensor lse = gc.zeros(Shape.of(seq, groups));
        Tensor cuT = gc.ints(cu);
        float scale = 0.7f;
        OPS.attentionForward(q, k, v, cuT, seqScale, window, scale, out, lse);
        double[] lseRef = new double[seq * groups];
        double[] ref = reference(OPS.download(q), OPS.download(k), OPS.download(v), seq, groups, dim, cu, seqScale,
                window, scale, lseRef);
        float[] o = OPS.download(out);
        float[] l = OPS.download(lse);
        for (int i = 0; i < ref.length; i++) {
            assertEquals(ref[i], o[i], 1e-5, "out[" + i + "]");
        }
        for (int i = 0; i < lseRef.length; i++) {
            assertEquals(lseRef[i], l[i], 1e-5, "lse[" + i + "]");
        }
    }

    @Test
    void forwardMasksDocumentsCausallyWithinTheWindow() {
        forwardMatchesExplicitMask(1, 3, new int[] {0, 5, 9, 12});
        forwardMatchesExplicitMask(1, 100, new int[] {0, 5, 9, 12, 12, 12});   // padded cu_seqlens
        forwardMatchesExplicitMask(1, 0, new int[] {0, 12});                   // window 0: the diagonal only
    }

    @Test
    void pairedHeadsDoubleTheDocumentBoundaries() {
        forwardMatchesExplicitMask(2, 5, new int[] {0, 4, 11});
    }

    @Test
    void backwardMatchesFiniteDifferences() {
        for (int seqScale : new int[] {1, 2}) {
            GradientCheck gc = new GradientCheck(OPS, 20 + seqScale);
            int[] cu = {0, 3, 7};
            int seq = 7 * seqScale;
            Shape shape = Shape.of(seq, 2, 4);
            Tensor q = gc.random(shape, 1);
            Tensor k = gc.random(shape, 1);
            Tensor v = gc.random(shape, 1);
            Tensor out = gc.zeros(shape);
            Tensor lse = gc.zeros(Shape.of(seq, 2));
            Tensor cuT = gc.ints(cu);
            int window = 4;
            float scale = 0.9f;
            float[] w = gc.gaussian((int) shape.numel(), 1);
            Tensor dout = gc.view(w, shape);
            OPS.attentionForward(q, k, v, cuT, seqScale, window, scale, out, lse);
            Tensor dq = gc.zeros(shape);
            Tensor dk = gc.zeros(shape);
            Tensor dv = gc.zeros(shape);
            Tensor delta = gc.zeros(Shape.of(seq, 2));
            OPS.attentionBackward(q, k, v, out, lse, dout, cuT, seqScale, window, scale, dq, dk, dv, delta);
            DoubleSupplier loss = () -> {
                OPS.attentionForward(q, k, v, cuT, seqScale, window, scale, out, lse);
                return gc.weighted(out, w);
            };
            gc.assertGradient("attention dq", q, OPS.download(dq), loss, 1e-2, 2e-4, 3e-3, 200);
            gc.assertGradient("attention dk", k, OPS.download(dk), loss, 1e-2, 2e-4, 3e-3, 200);
            gc.assertGradient("attention dv", v, OPS.download(dv), loss, 1e-2, 2e-4, 3e-3, 200);
        }
    }
}
