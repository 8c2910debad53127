package dev.baton.runtime.golf.eval;

/**
 * Sees each target as a {@link ScoreFirstEvaluator} scores it, in stream order: the target's index
 * ({@code stream[target + 1]} after {@code stream[0..target]}), its loss in nats and, when the
 * evaluator works with whole distributions, the distribution it scored from (a buffer reused for
 * the next target; null otherwise). For tests of causality and for diagnostics.
 */
@FunctionalInterface
public interface TargetObserver {
    TargetObserver NONE = (target, loss, distribution) -> { };

    void scored(int target, double lossNats, double[] distribution);
}
