package dev.baton.runtime.schedule;

/**
 * A golf run's learning-rate factor and stop rule: the baseline's step-counted wall-clock warm-down
 * ({@link WallClockWarmdown}) or the records' warm-down over a fraction of training
 * ({@link FractionWarmdown}).
 */
public sealed interface GolfLrSchedule permits WallClockWarmdown, FractionWarmdown {
    /** The lr factor for {@code step} (0-based) when {@code elapsedMs} of training time have passed. */
    double lrScale(long step, double elapsedMs);

    /** The nominal step cap. */
    long iterations();

    /** Training-time budget in milliseconds; 0 = none (the run is measured in steps). */
    double budgetMs();

    /** Whether the budget is spent: the run stops after the step at which this first holds. */
    default boolean budgetSpent(double elapsedMs) {
        return budgetMs() > 0 && elapsedMs >= budgetMs();
    }

    /**
     * The fraction of training done: elapsed time over the budget, or steps over {@code iterations}
     * without one (the records' {@code training_frac}, which also switches depth recurrence on).
     */
    default double progress(long step, double elapsedMs) {
        return budgetMs() > 0 ? elapsedMs / budgetMs() : (double) step / Math.max(iterations(), 1);
    }

    /** One line for the run's log. */
    String describe();
}
