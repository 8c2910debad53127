package dev.baton.kernels.testing;

import java.util.stream.IntStream;

/**
 * Document-masked causal sliding-window attention in double precision, written the direct way
 * (per row: scores over the visible keys, softmax, weighted sum): the reference the GPU kernels
 * are compared with. Tensors are flat (S, G, D) arrays; lse is (S, G), natural log.
 */
public final class AttentionReference {
    private final int seq;
    private final int groups;
    private final int dim;
    private final int[] docOf;
    private final int[] docStart;
    private final int window;
    private final double scale;

    /** The mask of {@code cuSeqlens} (token units) at {@code seqScale}, with the given window and scale. */
    public AttentionReference(int[] cuSeqlens, int seqScale, int groups, int dim, int window, double scale) {
        this.seq = cuSeqlens[cuSeqlens.length - 1] * seqScale;
        this.groups = groups;
        this.dim = dim;
        this.window = window;
        this.scale = scale;
        this.docOf = new int[seq];
        this.docStart = new int[seq];
        for (int d = 0; d + 1 < cuSeqlens.length; d++) {
            for (int s = cuSeqlens[d] * seqScale; s < cuSeqlens[d + 1] * seqScale; s++) {
                docOf[s] = d;
                docStart[s] = cuSeqlens[d] * seqScale;
            }
        }
    }

    public int seq() {
        return seq;
    }

    /** True iff query s sees key j. */
    public boolean visible(int s, int j) {
        return docOf[s] == docOf[j] && j <= s && s - j <= window;
    }

    private int firstKey(int s) {
        return Math.max(docStart[s], s - window);
    }

    private int at(int s, int g) {
        return (s * groups + g) * dim;
    }

    private double dot(double[] a, int ao, double[] b, int bo) {
        double acc = 0;
        for (int d = 0; d < dim; d++) {
            acc += a[ao + d] * b[bo + d];
        }
        return acc;
    }

    /** out (S, G, D) and lse (S, G). */
    public double[][] forward(double[] q, double[] k, double[] v) {
        double[] out = new double[seq * groups * dim];
        double[] lse = new double[seq * groups];
        IntStream.range(0, seq).parallel().forEach(s -> {
            int j0 = firstKey(s);
            double[] p = new double[s - j0 + 1];
            for (int g = 0; g < groups; g++) {
                double max = Double.NEGATIVE_INFINITY;
                for (int j = j0; j <= s; j++) {
                    p[j - j0] = scale * dot(q, at(s, g), k, at(j, g));
                    max = Math.max(max, p[j - j0]);
                }
                double sum = 0;
                for (int i = 0; i < p.length; i++) {
                    p[i] = Math.exp(p[i] - max);
                    sum += p[i];
                }
                for (int j = j0; j <= s; j++) {
                    double w = p[j - j0] / sum;
                    for (int d = 0; d < dim; d++) {
                        out[at(s, g) + d] += w * v[at(j, g) + d];
                    }
                }
                lse[s * groups + g] = max + Math.log(sum);
            }
        });
        return new double[][] {out, lse};
    }

    /**
     * dq, dk, dv of the contract's formulas from the given out and lse (as the kernels get them):
     * p = exp(scale q·k − lse), delta = dout·out, ds = p (dout·v − delta).
     */
    public double[][] backward(double[] q, double[] k, double[] v, double[] out, double[] lse, double[] dout) {
        double[] dq = new double[q.length];
        double[] dk = new double[q.length];
        double[] dv = new double[q.length];
        // heads are independent: parallel over heads keeps every write private to one thread
        IntStream.range(0, groups).parallel().forEach(g -> {
            for (int s = 0; s < seq; s++) {
                int row = at(s, g);
                double delta = dot(dout, row, out, row);
                double l = lse[s * groups + g];
                for (int j = firstKey(s); j <= s; j++) {
                    int key = at(j, g);
                    double p = Math.exp(scale * dot(q, row, k, key) - l);
                    double ds = p * (dot(dout, row, v, key) - delta);
                    for (int d = 0; d < dim; d++) {
                        dq[row + d] += scale * ds * k[key + d];
                        dk[key + d] += scale * ds * q[row + d];
                        dv[key + d] += p * dout[row + d];
                    }
                }
            }
        });
        return new double[][] {dq, dk, dv};
    }
}
