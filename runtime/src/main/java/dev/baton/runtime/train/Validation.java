package dev.baton.runtime.train;

import dev.baton.runtime.data.ShardSet;
import dev.baton.runtime.data.ValLoader;
import dev.baton.runtime.model.ForwardSchedule;

/**
 * The record's validation: {@code val-tokens} tokens from the start of the val shards, cut into
 * steps of {@code val-batch-tokens} over the ranks and micro-steps, and the mean next-token loss
 * per token over all of them.
 */
public final class Validation {
    private final ValLoader loader;
    private final int steps;

    public Validation(ShardSet valShards, RunPolicy policy, int bosId) {
        this.loader = new ValLoader(valShards, policy.valBatchTokens(), policy.world(), policy.accumSteps(), bosId);
        this.steps = policy.valSteps();
    }

    /** The summed validation loss and the tokens it covers. */
    public LossSum run(StepExecutor exec, ForwardSchedule forward) {
        loader.reset();
        LossSum sum = LossSum.ZERO;
        for (int k = 0; k < steps; k++) {
            sum = sum.plus(exec.evaluate(MicroBatches.of(loader.nextStep()), forward));
        }
        return sum;
    }

    /** The mean validation loss per token. */
    public double loss(StepExecutor exec, ForwardSchedule forward) {
        return run(exec, forward).perToken();
    }
}
