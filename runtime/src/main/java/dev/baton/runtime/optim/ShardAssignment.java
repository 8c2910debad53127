package dev.baton.runtime.optim;

import dev.baton.runtime.tensor.Shape;

/** Which slice of each parameter this rank updates; the actor runtime's shard plan implements it. */
@FunctionalInterface
public interface ShardAssignment {
    ShardSlice slice(ParamEntry entry, Shape paramShape);

    /** One device: every parameter whole. */
    static ShardAssignment single() {
        return (e, shape) -> ShardSlice.whole(e.shardUnits(shape));
    }

    /** Sharded entries split contiguously over {@code world} ranks, replicated ones whole. */
    static ShardAssignment even(int world, int rank) {
        return (e, shape) -> e.comms() == Comms.SHARDED
                ? ShardSlice.even(e.shardUnits(shape), world, rank)
                : ShardSlice.whole(e.shardUnits(shape));
    }
}
