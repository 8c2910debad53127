package dev.baton.runtime.golf.eval;

import java.util.AbstractList;
import java.util.List;

/**
 * How a validation stream of {@code N} tokens ({@code N − 1} targets) is cut into forwards, as the
 * challenge scores it. Windows are computed on demand (the full FineWeb validation has a million
 * sliding windows), and {@link #slice} gives each rank a disjoint contiguous range of them, so that
 * ranks score separately and their sums are added.
 */
public final class EvalWindows extends AbstractList<EvalWindow> {
    private final int targets;
    private final int seqLen;
    private final int stride;
    private final int count;
    private final int first;

    private EvalWindows(int targets, int seqLen, int stride, int count, int first) {
        this.targets = targets;
        this.seqLen = seqLen;
        this.stride = stride;
        this.count = count;
        this.first = first;
    }

    /**
     * The baseline's {@code eval_val}: non-overlapping sequences of {@code seqLen} over the first
     * {@code ⌊(N−1)/seqLen⌋·seqLen} targets, each scored in full from position 0.
     */
    public static EvalWindows sequences(int streamTokens, int seqLen) {
        int targets = checked(streamTokens, seqLen);
        int n = targets / seqLen;
        if (n == 0) {
            throw new IllegalArgumentException("validation stream of " + streamTokens + " tokens is shorter than one "
                    + "sequence of " + seqLen + " (+1)");
        }
        return new EvalWindows(n * seqLen, seqLen, seqLen, n, 0);
    }

    /**
     * The sliding-window evaluation of the golf records: windows of {@code seqLen} start every
     * {@code stride} tokens; the first scores all its targets, every later one only those past the
     * previous window's end (its last {@code stride}), so every one of the N − 1 targets is scored
     * exactly once, with at least {@code seqLen − stride} tokens of context after the first window.
     * The last window ends at the stream's end and may be shorter.
     */
    public static EvalWindows sliding(int streamTokens, int seqLen, int stride) {
        int targets = checked(streamTokens, seqLen);
        if (stride < 1 || stride > seqLen) {
            throw new IllegalArgumentException("stride " + stride + " must be in [1, " + seqLen + "]");
        }
        int n = targets <= seqLen ? 1 : 1 + (targets - seqLen + stride - 1) / stride;
        return new EvalWindows(targets, seqLen, stride, n, 0);
    }

    private static int checked(int streamTokens, int seqLen) {
        if (seqLen < 1 || streamTokens < 2) {
            throw new IllegalArgumentException("evaluation needs a sequence length >= 1 and at least 2 tokens, got "
                    + seqLen + " and " + streamTokens);
        }
        return streamTokens - 1;
    }

    /** Rank {@code rank}'s windows of {@code world}: {@code [K·rank/world, K·(rank+1)/world)}. */
    public EvalWindows slice(int rank, int world) {
        if (world < 1 || rank < 0 || rank >= world) {
            throw new IllegalArgumentException("rank " + rank + " of world " + world);
        }
        int from = (int) ((long) count * rank / world);
        int to = (int) ((long) count * (rank + 1) / world);
        return new EvalWindows(targets, seqLen, stride, to - from, first + from);
    }

    /** Targets covered by all windows of the unsliced plan. */
    public int targets() {
        return targets;
    }

    public int seqLen() {
        return seqLen;
    }

    @Override
    public EvalWindow get(int index) {
        if (index < 0 || index >= count) {
            throw new IndexOutOfBoundsException("window " + index + " of " + count);
        }
        int k = first + index;
        int start = k * stride;
        int end = Math.min(start + seqLen, targets);
        int scoredFrom = k == 0 ? 0 : Math.min((k - 1) * stride + seqLen, targets) - start;
        return new EvalWindow(start, end - start, scoredFrom);
    }

    @Override
    public int size() {
        return count;
    }

    /** A plain list copy, for tests and small plans. */
    public List<EvalWindow> toList() {
        return List.copyOf(this);
    }
}
