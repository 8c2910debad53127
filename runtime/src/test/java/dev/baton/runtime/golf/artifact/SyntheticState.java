package dev.baton.runtime.golf.artifact;

import dev.baton.runtime.tensor.DType;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A random but structured stand-in for a trained golf model's state, at the baseline's layout
 * (names as in its state_dict): each matrix is a rank-16 product plus Gaussian noise with a
 * per-row gain, so rows differ in range and values are correlated like trained weights; control
 * vectors sit near 1 (scales) or near their init (resid_mix, q_gain).
 */
final class SyntheticState {
    private SyntheticState() {
    }

    /** The baseline's shapes: {@code layers} blocks of width {@code d}, half as many KV heads, MLP 2x. */
    static List<StateTensor> golf(int layers, int d, int vocab, double std, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        List<StateTensor> out = new ArrayList<>();
        out.add(matrix("tok_emb.weight", vocab, d, std, rnd));
        int kv = d / 2;
        for (int l = 0; l < layers; l++) {
            String p = "blocks." + l + ".";
            out.add(matrix(p + "attn.c_q.weight", d, d, std, rnd));
            out.add(matrix(p + "attn.c_k.weight", kv, d, std, rnd));
            out.add(matrix(p + "attn.c_v.weight", kv, d, std, rnd));
            out.add(matrix(p + "attn.proj.weight", d, d, std, rnd));
            out.add(vector(p + "attn.q_gain", new int[] {d / 64}, 1.5, 0.1, rnd));
            out.add(matrix(p + "mlp.fc.weight", 2 * d, d, std, rnd));
            out.add(matrix(p + "mlp.proj.weight", d, 2 * d, std, rnd));
            out.add(vector(p + "attn_scale", new int[] {d}, 1.0, 0.2, rnd));
            out.add(vector(p + "mlp_scale", new int[] {d}, 1.0, 0.2, rnd));
            out.add(vector(p + "resid_mix", new int[] {2, d}, 0.5, 0.4, rnd));
        }
        out.add(vector("skip_weights", new int[] {layers / 2, d}, 1.0, 0.2, rnd));
        return out;
    }

    static StateTensor matrix(String name, int rows, int cols, double std, SplittableRandom rnd) {
        int rank = 16;
        double[][] u = gaussian(rows, rank, rnd);
        double[][] v = gaussian(rank, cols, rnd);
        float[] w = new float[rows * cols];
        for (int r = 0; r < rows; r++) {
            double gain = std * (0.5 + rnd.nextDouble());
            for (int c = 0; c < cols; c++) {
                double low = 0;
                for (int k = 0; k < rank; k++) {
                    low += u[r][k] * v[k][c];
                }
                w[r * cols + c] = (float) (gain * (0.6 * low / Math.sqrt(rank) + 0.8 * normal(rnd)));
            }
        }
        return new StateTensor(name, new int[] {rows, cols}, DType.F32, w);
    }

    static StateTensor vector(String name, int[] shape, double mean, double spread, SplittableRandom rnd) {
        int n = 1;
        for (int s : shape) {
            n *= s;
        }
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) (mean + spread * normal(rnd));
        }
        return new StateTensor(name, shape, DType.F32, v);
    }

    private static double[][] gaussian(int rows, int cols, SplittableRandom rnd) {
        double[][] m = new double[rows][cols];
        for (double[] row : m) {
            for (int i = 0; i < cols; i++) {
                row[i] = normal(rnd);
            }
        }
        return m;
    }

    static double normal(SplittableRandom rnd) {
        double u1 = 1.0 - rnd.nextDouble();
        double u2 = rnd.nextDouble();
        return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
    }
}
