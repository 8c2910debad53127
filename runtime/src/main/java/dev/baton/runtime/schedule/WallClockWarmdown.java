package dev.baton.runtime.schedule;

/**
 * The parameter-golf baseline's learning-rate factor ({@code lr_mul}): 1, then a linear fall to 0
 * over the last {@code warmdownIters} steps of the run, where with a wall-clock budget "the last
 * steps" is measured in time: {@code warmdown_ms = warmdownIters · (elapsed / step)} (the mean step
 * time so far) and the factor is {@code remaining_ms / warmdown_ms} once the remaining time is below
 * that. Without a budget the fall is over the last {@code warmdownIters} of {@code iterations} steps.
 *
 * @param warmdownIters   steps of the fall (1200; 0 = constant 1)
 * @param budgetMs        training-time budget in milliseconds (600,000; 0 = no budget, step-based)
 * @param iterations      the nominal step cap (20,000)
 */
public record WallClockWarmdown(int warmdownIters, double budgetMs, long iterations) {
    public WallClockWarmdown {
        if (warmdownIters < 0 || !(budgetMs >= 0) || iterations < 0) {
            throw new IllegalArgumentException("warm-down needs non-negative steps, budget and iterations: " + this);
        }
    }

    /** The baseline's: 1200 warm-down steps, 600 s, 20,000 iterations. */
    public static WallClockWarmdown baseline() {
        return new WallClockWarmdown(1200, 600_000, 20_000);
    }

    /** The lr factor for {@code step} (0-based) when {@code elapsedMs} of training time have passed. */
    public double lrScale(long step, double elapsedMs) {
        if (warmdownIters <= 0) {
            return 1.0;
        }
        if (budgetMs <= 0) {
            long start = Math.max(iterations - warmdownIters, 0);
            return step >= start && step < iterations
                    ? Math.max((double) (iterations - step) / Math.max(warmdownIters, 1), 0.0) : 1.0;
        }
        double stepMs = elapsedMs / Math.max(step, 1);
        double warmdownMs = warmdownIters * stepMs;
        double remainingMs = Math.max(budgetMs - elapsedMs, 0.0);
        return remainingMs <= warmdownMs ? remainingMs / Math.max(warmdownMs, 1e-9) : 1.0;
    }

    /** Whether the budget is spent: the run stops after the step at which this first holds. */
    public boolean budgetSpent(double elapsedMs) {
        return budgetMs > 0 && elapsedMs >= budgetMs;
    }
}
