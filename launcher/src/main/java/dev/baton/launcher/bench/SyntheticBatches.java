package dev.baton.launcher.bench;

import dev.baton.runtime.data.Batch;

import java.util.Arrays;
import java.util.Random;

/**
 * Synthetic micro-batches with FineWeb-like document lengths, the same rule as the PyTorch side
 * (reference/bench): micro-batch j packs documents of log-normal length (median 600 tokens,
 * log-space deviation 1) drawn by {@code java.util.Random(seed + j)}, cut at the loader's maximum
 * sequence length, the last cut to fit; BOS opens every document; the other ids are uniform
 * below BOS. The layouts equal the Python side's (it ports this generator); the ids do not (numpy
 * draws them there), which does not change the work.
 */
public final class SyntheticBatches {
    /** FineWeb-like document lengths: median and log-space standard deviation. */
    public static final double MEDIAN = 600, SIGMA = 1.0;
    /** Distinct micro-batches, cycled over the steps (as the PyTorch side's --pool default). */
    public static final int POOL = 16;

    private SyntheticBatches() {
    }

    /** {@code count} distinct micro-batches of {@code tokens} tokens each. */
    public static Batch[] pool(int count, int tokens, long seed, int maxSeqLen, int bos) {
        Batch[] out = new Batch[count];
        for (int j = 0; j < count; j++) {
            int[] cu = logNormal(seed + j, tokens, MEDIAN, SIGMA, maxSeqLen);
            Random ids = new Random(seed * 1_000_003L + j);
            int[] seq = new int[tokens + 1];
            for (int i = 0; i < seq.length; i++) {
                seq[i] = ids.nextInt(bos);
            }
            for (int d = 0; d + 1 < cu.length; d++) {
                seq[cu[d]] = bos;
            }
            out[j] = new Batch(Arrays.copyOf(seq, tokens), Arrays.copyOfRange(seq, 1, tokens + 1), cu);
        }
        return out;
    }

    /**
     * cu_seqlens {@code [0, ..., tokens]} of documents of length round(median·e^(sigma·g)), g
     * standard normal, clamped to [1, cap], packed until {@code tokens}; the last is cut to fit.
     */
    public static int[] logNormal(long seed, int tokens, double median, double sigma, int cap) {
        Random rnd = new Random(seed);
        int[] cu = new int[16];
        int n = 1;
        int pos = 0;
        while (pos < tokens) {
            int len = (int) Math.round(median * Math.exp(sigma * rnd.nextGaussian()));
            len = Math.min(Math.max(len, 1), Math.min(cap, tokens - pos));
            pos += len;
            if (n == cu.length) {
                cu = Arrays.copyOf(cu, 2 * n);
            }
            cu[n++] = pos;
        }
        return Arrays.copyOf(cu, n);
    }
}
