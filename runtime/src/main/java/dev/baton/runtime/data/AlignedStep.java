package dev.baton.runtime.data;

/**
 * A training step planned as the record's BOS-aligned loader does: each slice is a run of document
 * segments {@code [start, end)} totalling {@code localTokens + 1} tokens, every segment starting
 * at a BOS. Inputs are the first {@code localTokens} tokens, targets the same shifted by one, and
 * the cumulative lengths count the last segment one short (its final token is only a target).
 */
public final class AlignedStep implements StepPlan {
    private final ShardReader shard;
    private final int worldSize;
    private final int accumSteps;
    private final int localTokens;
    private final int[][] starts;
    private final int[][] ends;
    private final int cuCount;

    AlignedStep(ShardReader shard, int worldSize, int accumSteps, int localTokens, int[][] starts, int[][] ends) {
        this.shard = shard;
        this.worldSize = worldSize;
        this.accumSteps = accumSteps;
        this.localTokens = localTokens;
        this.starts = starts;
        this.ends = ends;
        int required = 0;
        for (int[] s : starts) {
            required = Math.max(required, s.length + 1);
        }
        this.cuCount = CuSeqlens.count(localTokens, required);
    }

    @Override
    public int worldSize() {
        return worldSize;
    }

    @Override
    public int accumSteps() {
        return accumSteps;
    }

    @Override
    public int localTokens() {
        return localTokens;
    }

    /** The shard this step reads. */
    public ShardReader shard() {
        return shard;
    }

    /** Segment starts (BOS positions in the shard) of a slice; a copy. */
    public int[] segmentStarts(int microStep, int rank) {
        return starts[slice(microStep, rank)].clone();
    }

    /** Segment ends (exclusive) of a slice; a copy. */
    public int[] segmentEnds(int microStep, int rank) {
        return ends[slice(microStep, rank)].clone();
    }

    @Override
    public Batch batch(int microStep, int rank) {
        int k = slice(microStep, rank);
        int[] s = starts[k];
        int[] e = ends[k];
        int[] buf = new int[localTokens + 1];
        int[] boundaries = new int[s.length + 1];
        int at = 0;
        for (int i = 0; i < s.length; i++) {
            shard.copyTokens(s[i], e[i], buf, at);
            at += e[i] - s[i];
            boundaries[i + 1] = at;
        }
        boundaries[s.length] = localTokens; // the last segment's final token is a target only
        int[] inputs = new int[localTokens];
        int[] targets = new int[localTokens];
        System.arraycopy(buf, 0, inputs, 0, localTokens);
        System.arraycopy(buf, 1, targets, 0, localTokens);
        return new Batch(inputs, targets, CuSeqlens.padded(boundaries, boundaries.length, cuCount, localTokens));
    }
}
