package dev.baton.runtime.data;

/**
 * The parameter-golf baseline's training loader ({@code TokenStream} + {@code DistributedTokenLoader}):
 * shards read in name order as one stream that wraps around forever, no document alignment. Each
 * call takes the next contiguous chunk of {@code (localTokens + 1) · worldSize} tokens and gives
 * rank r its own span; inputs and targets are the span shifted by one. Every rank runs its own
 * stream and gets the same chunks, since nothing here depends on the rank but the span it keeps.
 */
public final class TokenStream {
    private final ShardSet shards;
    private int shardIndex;
    private ShardReader shard;
    private int pos;

    public TokenStream(ShardSet shards) {
        this(shards, 0, 0);
    }

    /** A stream positioned at token {@code pos} of shard {@code shardIndex} (a saved {@link #position}). */
    public TokenStream(ShardSet shards, int shardIndex, int pos) {
        if (shardIndex < 0 || shardIndex >= shards.size() || pos < 0 || pos > shards.tokenCount(shardIndex)) {
            throw new DataException("stream position (shard " + shardIndex + ", token " + pos + ") is outside the "
                    + shards.size() + " train shard(s); was the checkpoint made with other data?");
        }
        this.shards = shards;
        this.shardIndex = shardIndex;
        this.pos = pos;
    }

    /** The position of the next token, {shard index, token index}: save it to resume exactly. */
    public int[] position() {
        return new int[] {shardIndex, pos};
    }

    /** The next {@code n} tokens, crossing into the next shard (and back to the first) as needed. */
    public int[] take(int n) {
        int[] out = new int[n];
        int filled = 0;
        while (filled < n) {
            if (shard == null) {
                shard = shards.open(shardIndex);
            }
            int avail = shard.tokenCount() - pos;
            if (avail <= 0) {
                shardIndex = (shardIndex + 1) % shards.size();
                shard = null;
                pos = 0;
                continue;
            }
            int k = Math.min(n - filled, avail);
            shard.copyTokens(pos, pos + k, out, filled);
            pos += k;
            filled += k;
        }
        return out;
    }

    /**
     * The next micro-batch of rank {@code rank}: consumes {@code (localTokens + 1) · worldSize}
     * tokens, where {@code localTokens = globalTokens / (worldSize · accumSteps)}.
     */
    public Batch nextBatch(int globalTokens, int accumSteps, int rank, int worldSize) {
        int slices = worldSize * accumSteps;
        if (globalTokens <= 0 || globalTokens % slices != 0 || rank < 0 || rank >= worldSize) {
            throw new IllegalArgumentException("batch of " + globalTokens + " tokens does not split into " + worldSize
                    + " ranks x " + accumSteps + " accumulation steps (rank " + rank + ")");
        }
        int local = globalTokens / slices;
        int[] chunk = take((local + 1) * worldSize);
        int from = rank * (local + 1);
        int[] inputs = new int[local];
        int[] targets = new int[local];
        System.arraycopy(chunk, from, inputs, 0, local);
        System.arraycopy(chunk, from + 1, targets, 0, local);
        return new Batch(inputs, targets, new int[] {0, local});
    }
}
