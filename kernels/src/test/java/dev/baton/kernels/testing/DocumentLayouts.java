package dev.baton.kernels.testing;

import java.util.Arrays;
import java.util.Random;

/** cu_seqlens layouts for tests and benchmarks: packed documents as the record's loader makes them. */
public final class DocumentLayouts {
    private DocumentLayouts() {
    }

    /**
     * Documents of log-normal length (median {@code median} tokens, log-space deviation
     * {@code sigma}), at least 1 and at most {@code cap} tokens (the loader cuts longer documents
     * at train_max_seq_len), packed until {@code tokens}; the last is cut to fit. A FineWeb-like
     * mix: many short documents, a long tail up to the cap.
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
