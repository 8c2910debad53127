package dev.baton.actors.plan;

/**
 * One parameter's distribution over the ranks: its layout and, for a sharded parameter, the
 * partition of its units; a replicated parameter is owned whole by every rank.
 */
public record ParamShards(ParamLayout layout, Partition partition) {
    public ParamShards {
        if (layout.sharded() != (partition != null)) {
            throw new IllegalArgumentException("parameter '" + layout.name()
                    + "': a partition is needed exactly for sharded parameters");
        }
        if (partition != null && partition.units() != layout.units()) {
            throw new IllegalArgumentException("parameter '" + layout.name() + "' has " + layout.units()
                    + " units but the partition covers " + partition.units());
        }
    }

    public String name() {
        return layout.name();
    }

    public boolean sharded() {
        return partition != null;
    }

    /** The units rank {@code rank} owns and updates: its shard, or everything when replicated. */
    public ShardRange owned(int rank) {
        return partition == null ? new ShardRange(0, layout.units()) : partition.ranges().get(rank);
    }
}
