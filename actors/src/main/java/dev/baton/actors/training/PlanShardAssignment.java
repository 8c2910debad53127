package dev.baton.actors.training;

import dev.baton.actors.plan.ShardPlan;
import dev.baton.runtime.optim.ParamEntry;
import dev.baton.runtime.optim.ShardAssignment;
import dev.baton.runtime.optim.ShardSlice;
import dev.baton.runtime.tensor.Shape;

/**
 * The optimizer's slices of one rank taken from the shard plan (labels are the plan's parameter
 * names), so that the optimizer updates exactly what the collectives leave on the rank.
 */
public record PlanShardAssignment(ShardPlan plan, int rank) implements ShardAssignment {
    @Override
    public ShardSlice slice(ParamEntry entry, Shape paramShape) {
        if (!plan.param(entry.label()).sharded()) {
            return ShardSlice.whole(entry.shardUnits(paramShape));
        }
        ShardSlice s = plan.slice(entry.label(), rank);
        if (s.total() != entry.shardUnits(paramShape)) {
            throw new IllegalArgumentException("shard plan has " + s.total() + " units for " + entry.label()
                    + " but the parameter " + paramShape + " has " + entry.shardUnits(paramShape));
        }
        return s;
    }
}
