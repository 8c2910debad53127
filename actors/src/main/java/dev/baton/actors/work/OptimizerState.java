package dev.baton.actors.work;

import dev.baton.runtime.tensor.Tensor;

/**
 * One optimizer-state tensor of one parameter on one rank, e.g. {@code exp_avg} of {@code ve0}.
 *
 * @param sharded true when the tensor covers only the rank's owned units, its leading dimension
 *                being the owned unit count (matrices or rows); false when it is the same whole
 *                tensor on every rank (state of a replicated parameter, a step counter)
 */
public record OptimizerState(String name, Tensor tensor, boolean sharded) {
}
