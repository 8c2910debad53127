package dev.baton.actors.replay;

import dev.baton.actors.scheduler.ScheduleOrders;
import dev.baton.actors.trace.ScheduleFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The replay against the real runtime: the {@link TimedWorkload} on 2 CPU devices with a 20 MB/s
 * simulated link, where communication and updates cost about as much as each other. Each recorded
 * step, replayed with its own orders on its own calibration, must reproduce its step time within
 * 5%. The model calibrated on all the recorded steps (table orders) must predict the recorded
 * orders and five other orders (one with fused launches) within 10% of what running them measures,
 * and the tuner's best order, when run, must be no slower than the recorded one.
 *
 * <p>Step times are medians over 8 steps (after 2 of warm-up). On a shared machine a burst of
 * load can slow one run as a whole; a prediction that misses by more than 10% is measured once
 * more and compared with the median over both runs' steps.
 */
@Timeout(180)
class ReplayAccuracyTest {
    private static final int STEPS = 10;

    private static ScheduleOrders orders(String param, String work, String groups) {
        return new ScheduleOrders(OrderText.labels(param), OrderText.labels(work), OrderText.groups(groups));
    }

    @Test
    void predictsOtherOrdersWithin10PercentAndTheTunedOrderIsNoSlower(@TempDir Path dir) {
        List<ScheduleFile> recording = RecordedRuns.run(dir.resolve("recorded"), 2, null, STEPS);
        double recorded = RecordedRuns.measured(recording);
        CostModel model = Calibration.of(RecordedRuns.timelines(recording), List.of());
        StepShape shape = StepShape.of(recording.get(recording.size() - 1));
        assertEquals(List.of("big", "mid", "rep", "slow", "tiny"), shape.orders().paramOrder());

        double own = predict(shape, shape.orders(), model);
        List<ScheduleOrders> others = List.of(
                shape.orders(),
                orders("slow,tiny,mid,rep,big", "slow,tiny,mid,rep,big", "-"),
                orders("big,mid,rep,slow,tiny", "tiny,slow,rep,mid,big", "-"),
                orders("tiny,slow,big,mid,rep", "big,mid,rep,slow,tiny", "-"),
                orders("rep,tiny,slow,mid,big", "rep,tiny,slow,mid,big", "-"),
                orders("big,mid,rep,slow,tiny", "big,mid,rep,slow,tiny", "slow+tiny,mid+rep"));
        List<String> report = new ArrayList<>();
        int n = 0;
        for (ScheduleOrders o : others) {
            double predicted = predict(shape, o, model);
            Path runDir = dir.resolve("order" + n);
            List<ScheduleFile> run = new ArrayList<>(n++ == 0 ? recording : RecordedRuns.run(runDir, 2, o, STEPS));
            double measured = RecordedRuns.measured(run);
            if (Math.abs(predicted / measured - 1) > 0.10) {
                run.addAll(RecordedRuns.run(runDir.resolveSibling(runDir.getFileName() + "-again"), 2, o, STEPS));
                measured = RecordedRuns.measured(run);
            }
            report.add(String.format(Locale.ROOT, "%s: predicted %.2f ms, measured %.2f ms (%+.1f%%)",
                    OrderText.describe(o), predicted / 1000, measured / 1000, 100 * (predicted / measured - 1)));
            assertTrue(Math.abs(predicted / measured - 1) <= 0.10, String.join("\n", report));
        }
        System.out.println("replay accuracy (recorded " + String.format(Locale.ROOT, "%.2f ms, model %.2f ms", recorded / 1000,
                own / 1000) + "):\n  " + String.join("\n  ", report));

        OrderTuner.Result tuned = OrderTuner.tune(shape, model, shape.orders(), OrderTuner.Options.defaults());
        ScheduleOrders best = tuned.best().get(0).orders();
        assertTrue(tuned.best().get(0).predictedMicros() < 0.95 * own, "the recorded orders are poor on purpose: "
                + ReplayReport.tuned(tuned));
        double measuredBest = RecordedRuns.measured(RecordedRuns.run(dir.resolve("tuned"), 2, best, STEPS));
        System.out.printf(Locale.ROOT, "tuned %s: predicted %.2f ms, measured %.2f ms; recorded orders measured %.2f ms%n",
                OrderText.describe(best), tuned.best().get(0).predictedMicros() / 1000, measuredBest / 1000, recorded / 1000);
        assertTrue(measuredBest <= recorded, String.format(Locale.ROOT, "tuned %.2f ms vs recorded %.2f ms",
                measuredBest / 1000, recorded / 1000));
    }

    @Test
    void eachRecordedStepReplaysToItsOwnStepTimeWithin5Percent(@TempDir Path dir) {
        for (ScheduleFile f : RecordedRuns.run(dir, 2, null, 6)) {
            Timeline t = Timeline.of(f);
            StepShape shape = StepShape.of(f);
            double predicted = predict(shape, shape.orders(), Calibration.of(List.of(t), List.of()));
            assertTrue(Math.abs(predicted / t.makespan() - 1) <= 0.05, String.format(Locale.ROOT,
                    "step %d: replayed %.2f ms, recorded %.2f ms", shape.step(), predicted / 1000, t.makespan() / 1000));
        }
    }

    private static double predict(StepShape shape, ScheduleOrders o, CostModel model) {
        return StepSimulator.simulate(StepGraph.build(shape, o), shape.world(), model).makespan();
    }
}
