package dev.baton.kernels.ops;

/**
 * The arithmetic and the least memory traffic of one attention call, counting only the
 * (query, key) pairs the mask lets through: what the benchmark divides by and what
 * docs/kernels/attention.md calls the FLOP floor and the byte floor.
 *
 * @param pairs visible (query, key) pairs of one head
 */
public record AttentionWork(long pairs, int seq, int groups, int dim) {
    /** Counts the visible pairs of the document layout {@code cuSeqlens} (token units) at seqScale and window. */
    public static AttentionWork of(int[] cuSeqlens, int seqScale, int window, int groups, int dim) {
        long pairs = 0;
        for (int d = 0; d + 1 < cuSeqlens.length; d++) {
            pairs += documentPairs((long) (cuSeqlens[d + 1] - cuSeqlens[d]) * seqScale, window);
        }
        int seq = cuSeqlens[cuSeqlens.length - 1] * seqScale;
        return new AttentionWork(pairs, seq, groups, dim);
    }

    /** Position p of a document of length len sees min(p, window) + 1 keys; the sum over p. */
    static long documentPairs(long len, long window) {
        if (len <= window + 1) {
            return len * (len + 1) / 2;
        }
        return (window + 1) * (window + 2) / 2 + (len - window - 1) * (window + 1);
    }

    /** Two products (QK^T, PV) of 2·D FLOPs per visible pair and head. */
    public double forwardFlops() {
        return 4.0 * dim * pairs * groups;
    }

    /** Five products (S, dP, dV, dK, dQ) of 2·D FLOPs per visible pair and head. */
    public double backwardFlops() {
        return 10.0 * dim * pairs * groups;
    }

    /** q, k, v read and out written in bf16, lse written in fp32. */
    public double forwardBytes() {
        double rows = (double) seq * groups;
        return 4 * rows * dim * 2 + rows * 4;
    }

    /** q, k, v, out, dout read and dq, dk, dv written in bf16; lse read and delta written and read in fp32. */
    public double backwardBytes() {
        double rows = (double) seq * groups;
        return 8 * rows * dim * 2 + 3 * rows * 4;
    }

    /** Mean keys a query sees. */
    public double meanKeys() {
        return seq == 0 ? 0 : (double) pairs / seq;
    }
}
