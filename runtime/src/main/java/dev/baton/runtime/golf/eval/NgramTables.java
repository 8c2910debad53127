package dev.baton.runtime.golf.eval;

import java.util.Arrays;

/**
 * Hashed n-gram counts of the tokens scored so far, one pair of tables per order: how often each
 * context (the n − 1 tokens before a position) was seen, and how often each (context, next token)
 * was. Only {@link #add} writes, and the evaluator calls it for a target after scoring it, so a
 * distribution never depends on the target it predicts or anything after it.
 *
 * <p>Why the distribution sums the next-token counts over the whole vocabulary instead of dividing
 * by the context count: hash collisions make {@code count(ctx, v) / count(ctx)} a set of numbers
 * that need not sum to 1 (the form the challenge ruled out on PR #779/#886); dividing each
 * {@code count(ctx, v)} by their sum over every v is a distribution whatever collides.
 */
public final class NgramTables {
    private static final long MIX = 0x9E3779B97F4A7C15L;

    private final int minOrder;
    private final int maxOrder;
    private final int minCount;
    private final int vocab;
    private final int shift;
    /** Per order (index order − minOrder): context counts and (context, next) counts. */
    private final int[][] contexts;
    private final int[][] nexts;
    private final long[] contextHash;

    public NgramTables(NgramConfig config, int vocab) {
        this.minOrder = config.minOrder();
        this.maxOrder = config.maxOrder();
        this.minCount = config.minCount();
        this.vocab = vocab;
        this.shift = 64 - Integer.numberOfTrailingZeros(config.buckets());
        int orders = maxOrder - minOrder + 1;
        this.contexts = new int[orders][config.buckets()];
        this.nexts = new int[orders][config.buckets()];
        this.contextHash = new long[maxOrder];
    }

    /**
     * Writes into {@code out} (length V) the n-gram distribution of the token after
     * {@code tokens[pos]}, from the highest order whose context {@code tokens[pos − n + 2 .. pos]}
     * was seen at least min-count times; returns that order, or 0 (and leaves {@code out} alone)
     * when no order qualifies. Reads only {@code tokens[0..pos]}.
     */
    public int distribution(int[] tokens, int pos, double[] out) {
        int longest = hashContexts(tokens, pos);
        for (int order = longest; order >= minOrder; order--) {
            int o = order - minOrder;
            long ctx = contextHash[order - 1];
            if (contexts[o][bucket(ctx)] < minCount) {
                continue;
            }
            int[] next = nexts[o];
            long sum = 0;
            for (int v = 0; v < vocab; v++) {
                int c = next[bucket(pairHash(ctx, v))];
                out[v] = c;
                sum += c;
            }
            if (sum == 0) {
                continue; // the context count came from a collision: nothing follows this context
            }
            double inv = 1.0 / sum;
            for (int v = 0; v < vocab; v++) {
                out[v] *= inv;
            }
            return order;
        }
        return 0;
    }

    /** Counts the token {@code tokens[pos + 1]} after each of its contexts ending at {@code pos}. */
    public void add(int[] tokens, int pos) {
        int longest = hashContexts(tokens, pos);
        int next = tokens[pos + 1];
        for (int order = minOrder; order <= longest; order++) {
            int o = order - minOrder;
            long ctx = contextHash[order - 1];
            contexts[o][bucket(ctx)]++;
            nexts[o][bucket(pairHash(ctx, next))]++;
        }
    }

    /** Forgets every count. */
    public void clear() {
        for (int o = 0; o < contexts.length; o++) {
            Arrays.fill(contexts[o], 0);
            Arrays.fill(nexts[o], 0);
        }
    }

    /**
     * Fills {@code contextHash[n − 1]} with the hash of the n − 1 tokens ending at {@code pos} for
     * every order n the stream allows; returns the highest such order (below minOrder: none).
     */
    private int hashContexts(int[] tokens, int pos) {
        int longest = Math.min(maxOrder, pos + 2);
        long h = 0;
        for (int len = 1; len < longest; len++) {
            h = mix(h ^ (tokens[pos - len + 1] + 1L) * MIX);
            contextHash[len] = mix(h + len);
        }
        return longest;
    }

    private static long pairHash(long ctx, int token) {
        return mix(ctx ^ ((token + 1L) * 0xC2B2AE3D27D4EB4FL));
    }

    private int bucket(long hash) {
        return (int) (hash >>> shift);
    }

    /** A 64-bit finaliser (SplitMix64's) so that neighbouring keys land in unrelated buckets. */
    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
