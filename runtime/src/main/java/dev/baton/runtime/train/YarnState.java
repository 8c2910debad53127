package dev.baton.runtime.train;

import dev.baton.runtime.schedule.YarnTransition;

import java.util.List;

/**
 * Where the rotary tables stand: the YaRN transitions applied since the reset, in order, and the
 * resulting softmax scales. Replaying the transitions on a reset model gives bit-identical tables
 * (the same fp32 arithmetic in the same order); the scales are kept to check that.
 *
 * @param attnScale       softmax scale of the normal attention layers
 * @param pairedAttnScale softmax scale of the paired-head layers
 */
public record YarnState(List<YarnTransition> applied, double attnScale, double pairedAttnScale) {
    public YarnState {
        applied = List.copyOf(applied);
    }
}
