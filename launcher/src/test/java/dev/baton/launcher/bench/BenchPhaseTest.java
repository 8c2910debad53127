package dev.baton.launcher.bench;

import dev.baton.runtime.schedule.ScheduleConfig;
import dev.baton.runtime.schedule.TrainingSchedule;
import dev.baton.runtime.schedule.YarnTransition;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The benchmark's phases are the record's schedule at the middle of each third and of the extension. */
class BenchPhaseTest {
    private final TrainingSchedule record = new TrainingSchedule(ScheduleConfig.record());

    @Test
    void phasesOfTheRecordOnOneGpu() {
        BenchPhase p0 = BenchPhase.of(record, 0, 8);
        assertEquals(287, p0.step());                          // (0 + 0.5) * 1725 / 3
        assertEquals(131072 / 8, p0.microTokens());
        assertEquals(131072, p0.tokensPerStep());
        assertEquals(1, p0.windows().shortBlocks());
        assertEquals(3, p0.windows().longBlocks());
        assertEquals(3, p0.mtpWeights().length);
        assertTrue(p0.tied());
        assertEquals(List.of(), p0.yarn());

        BenchPhase p2 = BenchPhase.of(record, 2, 8);
        assertEquals(1437, p2.step());
        assertEquals(49152, p2.microTokens());
        assertEquals(393216, p2.tokensPerStep());
        assertEquals(5, p2.windows().shortBlocks());
        assertEquals(11, p2.windows().longBlocks());
        assertArrayEquals(new float[] {1f}, p2.mtpWeights());
        assertFalse(p2.tied(), "after the split step");
        assertEquals(List.of(new YarnTransition(3, 7), new YarnTransition(7, 11)), p2.yarn());

        BenchPhase p3 = BenchPhase.of(record, 3, 8);
        assertEquals(1745, p3.step());                         // 1725 + 40 / 2
        assertEquals(393216, p3.tokensPerStep());
        assertEquals(13, p3.windows().longBlocks());
    }

    @Test
    void gradientAccumulationScalesTheStepNotTheMicroBatch() {
        BenchPhase p = BenchPhase.of(record, 2, 2);
        assertEquals(49152, p.microTokens());
        assertEquals(2 * 49152, p.tokensPerStep());
    }

    @Test
    void unknownPhaseIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> BenchPhase.of(record, 4, 8));
        assertTrue(e.getMessage().contains("--phase must be 0, 1, 2 or 3"), e.getMessage());
    }
}
