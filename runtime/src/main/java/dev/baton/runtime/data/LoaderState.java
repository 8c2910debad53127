package dev.baton.runtime.data;

/**
 * Where a train loader stands before its next step: the pass over the shard list ({@code epoch}, 0
 * unless cycling), the shard, and the next document in that shard's (possibly shuffled) order.
 * Saved in a checkpoint, it lets a new loader continue with exactly the batches the old one would
 * have produced.
 */
public record LoaderState(int epoch, int shardIndex, int cursor) {
    public static final LoaderState START = new LoaderState(0, 0, 0);

    public LoaderState {
        if (epoch < 0 || shardIndex < 0 || cursor < 0) {
            throw new IllegalArgumentException("negative loader position: epoch " + epoch + ", shard " + shardIndex
                    + ", cursor " + cursor);
        }
    }
}
