package dev.baton.actors.replay;

import dev.baton.actors.stream.CommandKind;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The projection of StepSimulatorTest's hand-made step (W = 2, one micro-step, fwd/bwd 100 and
 * 150 µs, link fitted as 0.05 µs/B, update a (sharded) 30 µs, update b (replicated) 20 µs) to
 * other world sizes, worked out by hand.
 */
class WorldProjectionTest {
    @Test
    void projectsTheHandMadeStepToTheTimesWorkedOutByHand() {
        StepShape shape = StepShape.of(StepSimulatorTest.recorded());
        CostModel m = Calibration.of(List.of(Timeline.of(StepSimulatorTest.recorded())), List.of());
        WorldProjection.Result p = WorldProjection.project(shape, m, shape.orders(), List.of(1, 2, 4));
        assertEquals(2, p.recordedWorld());
        // W=1: two micro-batches of 125 (the mean over ranks) = 250; no communication; update a whole: 60, b 20
        WorldProjection.Row w1 = p.rows().get(0);
        assertEquals(2, w1.microSteps());
        assertEquals(250, w1.forwardBackwardPerRank(), 1e-9);
        assertEquals(80, w1.updatesPerRank(), 1e-9);
        assertEquals(0, w1.collectivesPerStep(), 1e-9);
        assertEquals(330, w1.stepMicros(), 1e-9);
        // W=2 through the fit: fwd/bwd 125; RS a 50 (125-175), AR b 40 (175-215); update b 215-235; AG a 215-265
        assertEquals(265, p.rows().get(1).stepMicros(), 1e-6);
        assertEquals(140, p.rows().get(1).collectivesPerStep(), 1e-6);
        // W=4: half a micro-batch (62.5); bytes x1.5 (3/4 over 1/2): RS a 75, AR b 60, AG a 75; update a 15
        WorldProjection.Row w4 = p.rows().get(2);
        assertEquals(1, w4.microSteps());
        assertEquals(62.5, w4.forwardBackwardPerRank(), 1e-9);
        assertEquals(35, w4.updatesPerRank(), 1e-9);
        assertEquals(210, w4.collectivesPerStep(), 1e-6);
        // fwd/bwd 0-62.5, RS a -137.5, AR b -197.5, update b 197.5-217.5, AG a 197.5-272.5
        assertEquals(272.5, w4.stepMicros(), 1e-6);
        assertTrue(p.assumptions().stream().anyMatch(a -> a.contains("one world size only")), p.assumptions().toString());
        assertTrue(ReplayReport.projection(p).contains("2*"));
    }

    @Test
    void aRecordingAtOneDeviceCannotProjectCommunication() {
        HandMadeSchedule s = new HandMadeSchedule(1, 1, "a", "a", "-");
        s.compute(0, CommandKind.FORWARD_BACKWARD, "", 0, 10)
                .compute(0, CommandKind.UPDATE, "a", 10, 20, "comm#0")
                .compute(0, CommandKind.CLEAR_GRADS, "a", 20, 20)
                .compute(0, CommandKind.LOSS, "", 20, 20)
                .comm(0, CommandKind.REDUCE_SCATTER, "a", 0, 10, 10, "compute#0")
                .comm(0, CommandKind.ALL_GATHER, "a", 0, 20, 20, "compute#1");
        StepShape shape = StepShape.of(s.file());
        CostModel m = Calibration.of(List.of(Timeline.of(s.file())), List.of());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> WorldProjection.project(shape, m, shape.orders(), List.of(2)));
        assertTrue(e.getMessage().contains("recorded at W=1 moves no bytes"), e.getMessage());
    }
}
