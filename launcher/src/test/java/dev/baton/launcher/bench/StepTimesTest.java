package dev.baton.launcher.bench;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Warm-up steps stay out of the figures; median and mean of the timed steps. */
class StepTimesTest {
    @Test
    void medianAndMeanOfTimedStepsOnly() {
        StepTimes t = new StepTimes(List.of(5000.0, 900.0), List.of(800.0, 780.0, 820.0, 790.0));
        assertEquals(795.0, t.median(), 1e-9);
        assertEquals(797.5, t.mean(), 1e-9);
        assertEquals(780.0, t.min(), 0);
        assertEquals(820.0, t.max(), 0);
        assertEquals(810.0, new StepTimes(List.of(), List.of(830.0, 810.0, 790.0)).median(), 0);
        assertEquals("5000.0, 900.0", StepTimes.list(t.warmup()));
    }

    @Test
    void needsTimedSteps() {
        assertThrows(IllegalArgumentException.class, () -> new StepTimes(List.of(1.0), List.of()));
    }
}
