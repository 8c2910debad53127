package dev.baton.actors.training.golf;

import dev.baton.runtime.schedule.TrainingClock;
import dev.baton.runtime.schedule.WallClockWarmdown;
import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The warm-down factor is fixed once per step from the run's clock and read back unchanged by every rank. */
class GolfLrScalesTest {
    @Test
    void aDecidedFactorStaysWhateverTheClockDoesAfterwards() {
        AtomicLong nanos = new AtomicLong();
        // budget 1000 ms, warm-down 10 steps
        GolfLrScales scales = new GolfLrScales(new WallClockWarmdown(10, 1000, 100), new TrainingClock(nanos::get));
        assertEquals(1.0, scales.decide(0));
        nanos.set(800_000_000L); // 800 ms after 4 steps: 200 ms/step, warm-down 2000 ms, 200 ms left
        assertEquals(0.1, scales.decide(4), 1e-12);
        nanos.set(990_000_000L);
        assertEquals(0.1, scales.at(4), 1e-12, "ranks read the factor decided at the step's start");
        assertFalse(scales.budgetSpent());
        nanos.set(1_000_000_000L);
        assertTrue(scales.budgetSpent());
        assertThrows(IllegalStateException.class, () -> scales.at(7), "with a budget an undecided step has no factor");
    }

    @Test
    void withoutABudgetTheFactorIsTheStepsAlone() {
        GolfLrScales scales = GolfLrScales.stepBased(new WallClockWarmdown(4, 0, 10));
        assertEquals(1.0, scales.at(5));
        assertEquals(0.75, scales.at(7), 1e-12);
        assertEquals(0.25, scales.at(9), 1e-12);
        assertThrows(IllegalArgumentException.class, () -> GolfLrScales.stepBased(WallClockWarmdown.baseline()));
    }
}
