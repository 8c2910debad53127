package dev.baton.actors.replay;

import dev.baton.actors.scheduler.ScheduleOrders;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The tuner: exhaustive where small, the seeded heuristic where not (and as good as exhaustive on
 * a problem both can solve), ties broken towards the starting orders, groups when they pay.
 */
class OrderTunerTest {
    /** Compute-bound: the update that can start first should be the one whose gradient lands first. */
    static final List<SyntheticSteps.Param> FIVE = List.of(
            new SyntheticSteps.Param("big", 120_000, 800),
            new SyntheticSteps.Param("mid", 60_000, 1200),
            new SyntheticSteps.Param("rep", 40_000, 400),
            new SyntheticSteps.Param("slow", 20_000, 2000),
            new SyntheticSteps.Param("tiny", 9_000, 600));

    private static OrderTuner.Result tune(List<SyntheticSteps.Param> params, OrderTuner.Options o) {
        StepShape shape = SyntheticSteps.shape(2, params);
        return OrderTuner.tune(shape, SyntheticSteps.cost(params, 800, 30, 0.01), shape.orders(), o);
    }

    @Test
    void exhaustiveSearchRanksEveryOrderOfTheHandMadeStep() {
        StepShape shape = StepShape.of(StepSimulatorTest.recorded());
        CostModel m = Calibration.of(List.of(Timeline.of(StepSimulatorTest.recorded())), List.of());
        OrderTuner.Result r = OrderTuner.tune(shape, m, shape.orders(), new OrderTuner.Options(1, 100, 0, false, 4));
        assertEquals(4, r.evaluated());
        assertTrue(r.method().startsWith("exhaustive over 4"), r.method());
        // the times worked out in StepSimulatorTest: 290 (recorded), 320, 320, 340
        assertEquals(List.of(290.0, 320.0, 320.0, 340.0), r.best().stream().map(c -> Math.rint(c.predictedMicros())).toList());
        assertEquals(shape.orders(), r.best().get(0).orders());
        assertEquals(290, r.start().predictedMicros(), 1e-9);
        // of the two at 320, the one that changes one order comes before the one that changes both
        assertEquals(List.of("a", "b"), r.best().get(1).orders().workOrder());
    }

    @Test
    void theHeuristicFindsTheExhaustiveOptimumAndIsDeterministic() {
        OrderTuner.Result exhaustive = tune(FIVE, new OrderTuner.Options(1, 1_000_000, 0, false, 3));
        assertEquals(120L * 120, exhaustive.evaluated());
        OrderTuner.Result heuristic = tune(FIVE, new OrderTuner.Options(7, 0, 3000, false, 3));
        assertTrue(heuristic.method().startsWith("simulated annealing"), heuristic.method());
        assertEquals(exhaustive.best().get(0).predictedMicros(), heuristic.best().get(0).predictedMicros(), 1e-6);
        assertTrue(exhaustive.best().get(0).predictedMicros() < 0.9 * exhaustive.start().predictedMicros(),
                "the table order is a poor one: " + ReplayReport.tuned(exhaustive));
        OrderTuner.Result again = tune(FIVE, new OrderTuner.Options(7, 0, 3000, false, 3));
        assertEquals(heuristic.best(), again.best());
        assertEquals(heuristic.evaluated(), again.evaluated());
    }

    @Test
    void fusingLaunchesPaysWhenLatencyDominates() {
        List<SyntheticSteps.Param> small = List.of(new SyntheticSteps.Param("a", 100, 10),
                new SyntheticSteps.Param("b", 100, 10), new SyntheticSteps.Param("c", 100, 10));
        StepShape shape = SyntheticSteps.shape(2, small);
        CostModel m = SyntheticSteps.cost(small, 100, 500, 0.01);
        OrderTuner.Result plain = OrderTuner.tune(shape, m, shape.orders(), new OrderTuner.Options(1, 100_000, 0, false, 1));
        OrderTuner.Result fused = OrderTuner.tune(shape, m, shape.orders(), new OrderTuner.Options(1, 100_000, 0, true, 1));
        assertTrue(plain.best().get(0).orders().groups().isEmpty());
        ScheduleOrders best = fused.best().get(0).orders();
        assertFalse(best.groups().isEmpty(), fused.best().toString());
        // three reduce-scatters of 501 µs become one of 503 µs (all-gathers are never fused): about 990 µs saved
        assertTrue(fused.best().get(0).predictedMicros() < plain.best().get(0).predictedMicros() - 900,
                ReplayReport.tuned(fused));
    }

    @Test
    void inactiveLabelsKeepTheirPlacesInTheTunedOrders() {
        List<SyntheticSteps.Param> four = FIVE.subList(1, 5);
        StepShape shape = SyntheticSteps.shape(2, four);
        ScheduleOrders start = new ScheduleOrders(List.of("x", "mid", "rep", "y", "slow", "tiny"),
                List.of("mid", "rep", "slow", "tiny", "x", "y"), List.of());
        OrderTuner.Result r = OrderTuner.tune(shape, SyntheticSteps.cost(four, 800, 30, 0.01), start,
                OrderTuner.Options.defaults());
        assertTrue(r.best().get(0).predictedMicros() < r.start().predictedMicros(), ReplayReport.tuned(r));
        ScheduleOrders best = r.best().get(0).orders();
        assertEquals("x", best.paramOrder().get(0));
        assertEquals("y", best.paramOrder().get(3));
        assertEquals(List.of("x", "y"), best.workOrder().subList(4, 6));
    }
}
