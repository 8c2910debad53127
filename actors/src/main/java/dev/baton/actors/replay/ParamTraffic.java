package dev.baton.actors.replay;

import dev.baton.actors.stream.CommandKind;

/**
 * What one parameter puts on the link in a step: its gradient collective (reduce-scatter when
 * sharded, all-reduce when replicated) and, when sharded, the all-gather of the updated shards;
 * bytes per rank by the ring formula, as the schedule file records them.
 */
public record ParamTraffic(String label, CommandKind reduction, long reduceBytes, boolean gathered, long gatherBytes) {
    public ParamTraffic {
        if (reduction != CommandKind.REDUCE_SCATTER && reduction != CommandKind.ALL_REDUCE) {
            throw new IllegalArgumentException(label + ": a gradient collective is a reduce_scatter or an all_reduce, not "
                    + reduction.wireName());
        }
    }

    /** The same traffic with every byte count multiplied by {@code factor} (another world size). */
    public ParamTraffic scaled(double factor) {
        return new ParamTraffic(label, reduction, Math.round(reduceBytes * factor), gathered, Math.round(gatherBytes * factor));
    }
}
