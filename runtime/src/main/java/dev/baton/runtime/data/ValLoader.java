package dev.baton.runtime.data;

/**
 * The validation loader of the record ({@code distributed_data_generator} without BOS alignment):
 * every evaluation starts at token 0 of the first val shard and each step takes the next
 * {@code globalTokens} tokens, slice {@code k} of the step being the k-th run of
 * {@code localTokens (+1 for the last target)}. When the next step would reach the end of a shard
 * (the record's {@code pos + num_tokens + 1 >= len} test) it moves to the next val shard.
 */
public final class ValLoader {
    private final ShardSet shards;
    private final int worldSize;
    private final int accumSteps;
    private final int globalTokens;
    private final int localTokens;
    private final int bosId;
    private int shardIndex;
    private ShardReader shard;
    private int pos;

    public ValLoader(ShardSet shards, int globalTokens, int worldSize, int accumSteps, int bosId) {
        int slices = worldSize * accumSteps;
        if (worldSize < 1 || accumSteps < 1 || globalTokens <= 0 || globalTokens % slices != 0) {
            throw new IllegalArgumentException("validation batch of " + globalTokens + " tokens does not split into "
                    + worldSize + " ranks x " + accumSteps + " accumulation steps");
        }
        this.shards = shards;
        this.worldSize = worldSize;
        this.accumSteps = accumSteps;
        this.globalTokens = globalTokens;
        this.localTokens = globalTokens / slices;
        this.bosId = bosId;
        reset();
    }

    /** Back to the first token of the first val shard, as at the start of every evaluation. */
    public void reset() {
        shardIndex = 0;
        shard = null;
        pos = 0;
    }

    /** Plans the next validation step. */
    public StreamStep nextStep() {
        if (shard == null) {
            shard = shards.open(shardIndex);
        }
        while ((long) pos + globalTokens + 1 >= shard.tokenCount()) {
            if (shardIndex + 1 >= shards.size()) {
                throw new DataException("validation data exhausted: a step needs " + (globalTokens + 1)
                        + " more tokens but the " + shards.size() + " val shard(s) hold " + shards.totalTokens()
                        + " in all; lower the validation tokens or prepare with a larger validation share");
            }
            shardIndex++;
            shard = shards.open(shardIndex);
            pos = 0;
        }
        StreamStep step = new StreamStep(shard, worldSize, accumSteps, localTokens, pos, bosId);
        pos += globalTokens;
        return step;
    }

    /** How many steps fit the val shards from a reset, under the shard-switch rule above. */
    public int stepsAvailable() {
        int steps = 0;
        for (int i = 0; i < shards.size(); i++) {
            long usable = (long) shards.tokenCount(i) - 1;
            // steps at pos = 0, g, 2g, ... with pos + g + 1 < count
            if (usable > globalTokens) {
                steps += (int) ((usable - globalTokens - 1) / globalTokens + 1);
            }
        }
        return steps;
    }
}
