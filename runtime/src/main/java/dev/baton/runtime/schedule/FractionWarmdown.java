package dev.baton.runtime.schedule;

import java.util.Locale;

/**
 * The golf records' learning-rate factor: 1 for the first {@code 1 − fraction} of training, then a
 * linear fall to 0 at its end, where training progress is elapsed time over the budget (or steps
 * over {@code iterations} without a budget). The 1.0752 record uses a fraction of 0.667, the
 * 1.0810 one 0.72.
 *
 * @param fraction    share of training spent falling, in (0, 1]
 * @param budgetMs    training-time budget in milliseconds; 0 = none (progress counted in steps)
 * @param iterations  the nominal step cap
 */
public record FractionWarmdown(double fraction, double budgetMs, long iterations) implements GolfLrSchedule {
    public FractionWarmdown {
        if (!(fraction > 0 && fraction <= 1) || !(budgetMs >= 0) || iterations < 1) {
            throw new IllegalArgumentException("warm-down fraction in (0, 1], a budget >= 0 and iterations >= 1 "
                    + "expected: " + this);
        }
    }

    @Override
    public double lrScale(long step, double elapsedMs) {
        double done = progress(step, elapsedMs);
        return done < 1 - fraction ? 1.0 : Math.max((1 - done) / fraction, 0.0);
    }

    @Override
    public String describe() {
        return String.format(Locale.ROOT, "%d iterations, budget %.0f s, warm-down over the last %.1f%% of training",
                iterations, budgetMs / 1000, 100 * fraction);
    }
}
