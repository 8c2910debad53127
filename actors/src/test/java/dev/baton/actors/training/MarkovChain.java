package dev.baton.actors.training;

import java.util.Random;

/**
 * A first-order Markov chain over {@code states} symbols with random transition rows of moderate
 * entropy, its stationary distribution and its exact entropy rate H = −Σ_i π_i Σ_j P_ij ln P_ij
 * (nats per token): the loss of the best possible next-token predictor on a long sample.
 */
final class MarkovChain {
    private final double[][] p;
    private final double[] stationary;

    MarkovChain(int states, long seed) {
        Random r = new Random(seed);
        p = new double[states][states];
        for (int i = 0; i < states; i++) {
            double total = 0;
            for (int j = 0; j < states; j++) {
                // log-normal weights: a few likely successors per state, none impossible
                p[i][j] = Math.exp(2.0 * r.nextGaussian());
                total += p[i][j];
            }
            for (int j = 0; j < states; j++) {
                p[i][j] /= total;
            }
        }
        stationary = stationary(p);
    }

    /** π with π P = π, by power iteration to convergence in double precision. */
    private static double[] stationary(double[][] p) {
        int n = p.length;
        double[] pi = new double[n];
        java.util.Arrays.fill(pi, 1.0 / n);
        for (int it = 0; it < 10_000; it++) {
            double[] next = new double[n];
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < n; j++) {
                    next[j] += pi[i] * p[i][j];
                }
            }
            double change = 0;
            for (int j = 0; j < n; j++) {
                change += Math.abs(next[j] - pi[j]);
            }
            pi = next;
            if (change < 1e-15) {
                break;
            }
        }
        return pi;
    }

    double entropyRate() {
        double h = 0;
        for (int i = 0; i < p.length; i++) {
            for (int j = 0; j < p.length; j++) {
                h -= stationary[i] * p[i][j] * Math.log(p[i][j]);
            }
        }
        return h;
    }

    /**
     * Documents of {@code length} tokens: {@code bos}, then a path of the chain started from π,
     * symbol s written as token {@code first + s}; {@code tokens} in all.
     */
    int[] sample(int tokens, int length, int bos, int first, long seed) {
        Random r = new Random(seed);
        int[] out = new int[tokens];
        int s = 0;
        for (int i = 0; i < tokens; i++) {
            if (i % length == 0) {
                out[i] = bos;
                s = draw(stationary, r);
            } else {
                s = i % length == 1 ? s : draw(p[s], r);
                out[i] = first + s;
            }
        }
        return out;
    }

    private static int draw(double[] dist, Random r) {
        double u = r.nextDouble();
        for (int j = 0; j < dist.length - 1; j++) {
            u -= dist[j];
            if (u < 0) {
                return j;
            }
        }
        return dist.length - 1;
    }
}
