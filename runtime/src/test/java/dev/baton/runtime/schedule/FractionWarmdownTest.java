package dev.baton.runtime.schedule;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The records' warm-down by fraction of training: flat, then linear to 0 over the last fraction. */
class FractionWarmdownTest {

    @Test
    void fallsLinearlyOverTheLastFractionOfTheBudget() {
        FractionWarmdown s = new FractionWarmdown(0.667, 600_000, 20_000);
        assertEquals(1.0, s.lrScale(0, 0), 0);
        assertEquals(1.0, s.lrScale(100, 0.33 * 600_000), 0);           // before 1 - 0.667 = 0.333
        assertEquals(0.5, s.lrScale(100, (1 - 0.667 / 2) * 600_000), 1e-12);
        assertEquals(0.25, s.lrScale(100, (1 - 0.667 / 4) * 600_000), 1e-12);
        assertEquals(0.0, s.lrScale(100, 600_000), 0);
        assertEquals(0.0, s.lrScale(100, 700_000), 0);
        // time, not steps, decides when there is a budget
        assertEquals(s.lrScale(10, 450_000), s.lrScale(9_000, 450_000), 0);
        assertEquals(0.5, s.progress(3, 300_000), 0);
        assertFalse(s.budgetSpent(599_999));
        assertTrue(s.budgetSpent(600_000));
    }

    @Test
    void withoutABudgetTheFractionIsOfTheIterations() {
        FractionWarmdown s = new FractionWarmdown(0.5, 0, 1000);
        assertEquals(1.0, s.lrScale(499, 1e9), 0);
        assertEquals(1.0, s.lrScale(500, 0), 1e-12);
        assertEquals(0.5, s.lrScale(750, 0), 1e-12);
        assertEquals(0.002, s.lrScale(999, 0), 1e-12);
        assertFalse(s.budgetSpent(1e12));
        assertEquals(0.25, s.progress(250, 0), 0);
        // the whole run falling
        assertEquals(0.9, new FractionWarmdown(1.0, 0, 10).lrScale(1, 0), 1e-12);
    }

    @Test
    void rejectsFractionsOutsideZeroToOne() {
        assertThrows(IllegalArgumentException.class, () -> new FractionWarmdown(0, 600_000, 100));
        assertThrows(IllegalArgumentException.class, () -> new FractionWarmdown(1.2, 600_000, 100));
        assertTrue(new FractionWarmdown(0.72, 588_000, 20_000).describe().contains("72.0%"));
    }
}
