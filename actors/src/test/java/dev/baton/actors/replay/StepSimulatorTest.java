package dev.baton.actors.replay;

import dev.baton.actors.scheduler.ScheduleOrders;
import dev.baton.actors.stream.CommandKind;
import dev.baton.actors.trace.ScheduleFile;
import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.baton.actors.stream.CommandKind.ALL_GATHER;
import static dev.baton.actors.stream.CommandKind.ALL_REDUCE;
import static dev.baton.actors.stream.CommandKind.CLEAR_GRADS;
import static dev.baton.actors.stream.CommandKind.FORWARD_BACKWARD;
import static dev.baton.actors.stream.CommandKind.LOSS;
import static dev.baton.actors.stream.CommandKind.REDUCE_SCATTER;
import static dev.baton.actors.stream.CommandKind.UPDATE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The simulator on hand-made steps whose times are worked out by hand: two ranks, a sharded
 * parameter a (reduce-scatter, update, all-gather) and a replicated one b (all-reduce, update).
 * Durations: fwd/bwd 100 µs on rank 0 and 150 µs on rank 1, reduce-scatter a 50, all-reduce b
 * 40, all-gather a 50, update a 30, update b 20; no stream overheads.
 */
class StepSimulatorTest {
    private static final double EPS = 1e-9;

    /** The step recorded with param order a,b and work order a,b (times by hand, see each line). */
    static ScheduleFile recorded() {
        HandMadeSchedule s = new HandMadeSchedule(2, 1, "a,b", "a,b", "-");
        for (int r = 0; r < 2; r++) {
            double fb = r == 0 ? 100 : 150;
            s.compute(r, FORWARD_BACKWARD, "", 0, fb)
                    .compute(r, UPDATE, "a", 200, 230, "comm#0")   // after RS a: launch 150 (rank 1 last), +50
                    .compute(r, UPDATE, "b", 240, 260, "comm#1")   // after AR b: 200 + 40
                    .compute(r, CLEAR_GRADS, "a+b", 260, 260)
                    .compute(r, LOSS, "", 260, 260)
                    .comm(r, REDUCE_SCATTER, "a", 1000, fb, 200, "compute#0")
                    .comm(r, ALL_REDUCE, "b", 800, 200, 240)
                    .comm(r, ALL_GATHER, "a", 1000, 240, 290, "compute#1"); // comm free at 240, update a done at 230
        }
        return s.file();
    }

    private static CostModel calibrated() {
        return Calibration.of(List.of(Timeline.of(recorded())), List.of());
    }

    private static double predict(String param, String work) {
        StepShape shape = StepShape.of(recorded());
        ScheduleOrders o = new ScheduleOrders(OrderText.labels(param), OrderText.labels(work), List.of());
        return StepSimulator.simulate(StepGraph.build(shape, o), 2, calibrated()).makespan();
    }

    @Test
    void replayingTheRecordedOrdersReproducesEveryCommandExactly() {
        Timeline recorded = Timeline.of(recorded());
        StepShape shape = StepShape.of(recorded());
        Timeline predicted = StepSimulator.simulate(StepGraph.build(shape, shape.orders()), 2, calibrated());
        assertEquals(290, recorded.makespan(), EPS);
        assertEquals(recorded.commands().size(), predicted.commands().size());
        for (int i = 0; i < recorded.commands().size(); i++) {
            TimedCommand a = recorded.commands().get(i);
            TimedCommand b = predicted.commands().get(i);
            assertEquals(a.label(), b.label());
            assertEquals(a.start(), b.start(), EPS, a.toString());
            assertEquals(a.end(), b.end(), EPS, a.toString());
        }
    }

    @Test
    void otherOrdersGiveTheTimesWorkedOutByHand() {
        // AR b first: 150-190, RS a 190-240; update b 190-210, update a 240-270; AG a waits for it: 270-320
        assertEquals(320, predict("b,a", "b,a"), EPS);
        // RS a 150-200, AR b 200-240; update b must wait for 240: 240-260, update a 260-290; AG a 290-340
        assertEquals(340, predict("a,b", "b,a"), EPS);
        // AR b 150-190, RS a 190-240; update a 240-270, AG a 270-320 while update b runs 270-290
        assertEquals(320, predict("b,a", "a,b"), EPS);
    }

    @Test
    void aFusedLaunchPaysOneLatencyForBothParameters() {
        StepShape shape = StepShape.of(recorded());
        CostModel m = Calibration.of(List.of(Timeline.of(recorded())), List.of());
        // the fit over RS a (1000 B, 50 µs), AR b (800 B, 40 µs), AG a (1000 B, 50 µs): 0 µs + 0.05 µs/B
        assertEquals(0, m.fits().pooled().latencyMicros(), 1e-6);
        assertEquals(0.05, m.fits().pooled().microsPerByte(), 1e-9);
        ScheduleOrders fused = new ScheduleOrders(List.of("a", "b"), List.of("a", "b"), List.of(List.of("a", "b")));
        Timeline t = StepSimulator.simulate(StepGraph.build(shape, fused), 2, m);
        TimedCommand group = t.lane(0, "comm").get(0);
        assertEquals(CommandKind.COLLECTIVE_GROUP, group.kind());
        assertEquals("a+b", group.param());
        assertEquals(1800, group.bytes());
        // launch 150, 1800 B x 0.05 = 90 -> 240; updates a 240-270, b 270-290; AG a 270-320
        assertEquals(240, group.end(), 1e-6);
        assertEquals(320, t.makespan(), 1e-6);
    }

    @Test
    void streamOverheadsAreChargedAsCalibrated() {
        // the same step with every command 2 µs after its stream predecessor or 7 µs after an event of the other stream
        HandMadeSchedule s = new HandMadeSchedule(1, 2, "a", "a", "-");
        s.compute(0, FORWARD_BACKWARD, "", 5, 105)                     // the rank's release at 5
                .compute(0, FORWARD_BACKWARD, "", 107, 207)                   // + 2
                .compute(0, UPDATE, "a", 231, 261, "comm#0")                  // RS ends 224, + 7
                .compute(0, CLEAR_GRADS, "a", 263, 263)                       // + 2
                .compute(0, LOSS, "", 265, 265)                               // + 2
                .comm(0, REDUCE_SCATTER, "a", 0, 214, 224, "compute#1")       // fwd/bwd ends 207, + 7
                .comm(0, ALL_GATHER, "a", 0, 268, 278, "compute#2");          // update ends 261, + 7
        CostModel m = Calibration.of(List.of(Timeline.of(s.file())), List.of());
        assertEquals(2, m.nextGap("compute"), EPS);
        assertEquals(7, m.wakeGap("compute"), EPS);
        assertEquals(7, m.wakeGap("comm"), EPS);
        assertEquals(5, m.release(0), EPS);
        StepShape shape = StepShape.of(s.file());
        Timeline t = StepSimulator.simulate(StepGraph.build(shape, shape.orders()), 1, m);
        assertEquals(278, t.makespan(), EPS);
        assertEquals(Timeline.of(s.file()).makespan(), t.makespan(), EPS);
    }

    @Test
    void theCriticalPathAddsUpToTheStepTimeAndNamesTheLastRankToArrive() {
        StepAnalysis a = StepAnalysis.of(Timeline.of(recorded()));
        assertEquals(290, a.makespan(), EPS);
        double sum = a.criticalPath().stream().mapToDouble(p -> p.waitBefore() + p.duration()).sum();
        assertEquals(290, sum, EPS);
        // rank 1's fwd/bwd (150) -> RS a (150-200) -> update a (200-230) ... AG a waits for the comm stream: AR b (200-240)
        List<String> labels = a.criticalPath().stream().map(p -> p.command().label()).toList();
        assertEquals(List.of("forward_backward", "reduce_scatter a", "all_reduce b", "all_gather a"), labels);
        assertEquals(1, a.criticalPath().get(1).boundBy());
        assertEquals(150, a.criticalPath().get(0).duration(), EPS);
        // rank 0: compute busy 100+30+20 = 150; comm busy from its arrival at 100 to 290 = 190, of which 50 in rendezvous
        LaneStats comm0 = a.lane(0, "comm");
        assertEquals(190, comm0.busy(), EPS);
        assertEquals(50, comm0.rendezvous(), EPS);
        // comm busy 100-290 while compute idles 100-200, 230-240 and 260-290: 140
        assertEquals(140, comm0.exposed(), EPS);
        assertEquals(140, a.lane(0, "compute").idle(), EPS);
        assertTrue(a.commOnPath() > 0);
    }
}
