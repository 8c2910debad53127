package dev.baton.runtime.schedule;

import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The golf baseline's {@code lr_mul} and the training clock it reads. */
class WallClockWarmdownTest {
    private final WallClockWarmdown baseline = WallClockWarmdown.baseline();

    @Test
    void constantUntilTheRemainingTimeFitsTheWarmdownSteps() {
        // 43.54 ms steps (the baseline's record): warm-down window 1200 x 43.54 = 52,248 ms
        assertEquals(1.0, baseline.lrScale(0, 0), 0);
        assertEquals(1.0, baseline.lrScale(1000, 43_540), 0);
        assertEquals(1.0, baseline.lrScale(12_000, 12_000 * 43.54), 0);
        // step 13,000 at 566,020 ms: remaining 33,980 ms of a 52,248 ms window
        assertEquals(33_980.0 / 52_248.0, baseline.lrScale(13_000, 13_000 * 43.54), 1e-12);
        assertEquals(0.0, baseline.lrScale(13_780, 600_038), 0);
        // the window follows the measured mean step time: slower steps start the fall earlier
        // 50 steps in 3 s: 60 ms steps, a 6 s window, 7 s left; in 6 s: 120 ms steps, a 12 s window, 4 s left
        assertEquals(1.0, new WallClockWarmdown(100, 10_000, 1_000).lrScale(50, 3_000), 0);
        assertEquals(1.0 / 3, new WallClockWarmdown(100, 10_000, 1_000).lrScale(50, 6_000), 1e-12);
    }

    @Test
    void withoutABudgetTheFallIsOverTheLastSteps() {
        WallClockWarmdown steps = new WallClockWarmdown(100, 0, 1_000);
        assertEquals(1.0, steps.lrScale(899, 1e9), 0);
        assertEquals(1.0, steps.lrScale(900, 0), 0);
        assertEquals(0.5, steps.lrScale(950, 0), 0);
        assertEquals(0.01, steps.lrScale(999, 0), 1e-12);
        assertEquals(1.0, new WallClockWarmdown(0, 600_000, 20_000).lrScale(19_999, 599_999), 0);
        assertFalse(steps.budgetSpent(1e12));
        assertTrue(baseline.budgetSpent(600_000));
        assertFalse(baseline.budgetSpent(599_999.9));
    }

    @Test
    void theClockCountsOnlyWhileRunning() {
        AtomicLong now = new AtomicLong(5_000_000_000L);
        TrainingClock clock = new TrainingClock(now::get);
        assertEquals(0.0, clock.elapsedMs(), 0);
        clock.start();
        now.addAndGet(1_500_000);   // 1.5 ms of training
        assertEquals(1.5, clock.elapsedMs(), 1e-9);
        clock.pause();
        now.addAndGet(1_000_000_000);   // a validation: not counted
        assertEquals(1.5, clock.elapsedMs(), 1e-9);
        clock.start();
        clock.start();   // a second start while running changes nothing
        now.addAndGet(2_000_000);
        assertEquals(3.5, clock.elapsedMs(), 1e-9);
        assertTrue(clock.running());
    }
}
