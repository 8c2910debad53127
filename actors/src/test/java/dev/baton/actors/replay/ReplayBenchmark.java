package dev.baton.actors.replay;

import dev.baton.actors.scheduler.ScheduleOrders;
import dev.baton.actors.trace.ScheduleFile;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Prints the replay's prediction errors against the runtime (a benchmark, not a test): the
 * {@link TimedWorkload} on CPU devices with a 20 MB/s simulated link; the model calibrated on the
 * recorded run (table orders, W = 2) predicts the recorded orders, five chosen and some random
 * orders, the tuner's best, and other world sizes; each is then run and measured (median step).
 * Run: java -cp <test-classes:classes:deps> dev.baton.actors.replay.ReplayBenchmark [steps] [random orders]
 */
public final class ReplayBenchmark {
    private ReplayBenchmark() {
    }

    public static void main(String[] args) throws IOException {
        int steps = args.length > 0 ? Integer.parseInt(args[0]) : 12;
        int random = args.length > 1 ? Integer.parseInt(args[1]) : 4;
        Path root = Files.createTempDirectory("replay-bench");
        System.out.printf(Locale.ROOT, "cores=%d java=%s steps/run=%d (first %d not measured)%n",
                Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"), steps, RecordedRuns.WARM_UP);
        List<ScheduleFile> rec = RecordedRuns.run(root.resolve("recorded"), 2, null, steps);
        CostModel m = Calibration.of(RecordedRuns.timelines(rec), List.of());
        StepShape shape = StepShape.of(rec.get(rec.size() - 1));
        double recorded = RecordedRuns.measured(rec);
        double worstSelf = 0;
        for (ScheduleFile f : rec) {
            Timeline t = Timeline.of(f);
            double p = predict(StepShape.of(f), StepShape.of(f).orders(), Calibration.of(List.of(t), List.of()));
            worstSelf = Math.max(worstSelf, Math.abs(p / t.makespan() - 1));
        }
        System.out.printf(Locale.ROOT, "each recorded step replayed on its own calibration: worst error %.2f%%%n", 100 * worstSelf);
        System.out.println(ReplayReport.costModel(m, rec.size()));
        System.out.println("orders (W=2)                                                        predicted_ms  measured_ms  error");
        List<ScheduleOrders> orders = new ArrayList<>();
        orders.add(shape.orders());
        orders.add(o("slow,tiny,mid,rep,big", "slow,tiny,mid,rep,big", "-"));
        orders.add(o("big,mid,rep,slow,tiny", "tiny,slow,rep,mid,big", "-"));
        orders.add(o("tiny,slow,big,mid,rep", "big,mid,rep,slow,tiny", "-"));
        orders.add(o("rep,tiny,slow,mid,big", "rep,tiny,slow,mid,big", "-"));
        orders.add(o("big,mid,rep,slow,tiny", "big,mid,rep,slow,tiny", "slow+tiny,mid+rep"));
        SplittableRandom rnd = new SplittableRandom(42);
        TunerState table = TunerState.of(shape, shape.orders(), false);
        for (int i = 0; i < random; i++) {
            orders.add(table.shuffled(rnd).activeOrders());
        }
        OrderTuner.Result tuned = OrderTuner.tune(shape, m, shape.orders(), OrderTuner.Options.defaults());
        orders.add(tuned.best().get(0).orders());
        double worst = 0;
        for (int i = 0; i < orders.size(); i++) {
            ScheduleOrders so = orders.get(i);
            double p = predict(shape, so, m);
            double measured = i == 0 ? recorded : RecordedRuns.measured(RecordedRuns.run(root.resolve("o" + i), 2, so, steps));
            worst = Math.max(worst, Math.abs(p / measured - 1));
            String tag = i == 0 ? " (recorded)" : i == orders.size() - 1 ? " (tuned #1)" : i > 5 ? " (random)" : "";
            System.out.printf(Locale.ROOT, "%-68s %12.2f %12.2f %+6.1f%%%n", OrderText.describe(so) + tag, p / 1000,
                    measured / 1000, 100 * (p / measured - 1));
        }
        System.out.printf(Locale.ROOT, "worst order error %.1f%%; tuned vs recorded orders measured: see the last and first rows%n",
                100 * worst);
        WorldProjection.Result proj = WorldProjection.project(shape, m, shape.orders(), List.of(1, 2, 4));
        System.out.println("world size (recorded at W=2)   projected_ms  measured_ms  error");
        for (WorldProjection.Row row : proj.rows()) {
            double measured = RecordedRuns.measured(RecordedRuns.run(root.resolve("w" + row.world()), row.world(), null, steps));
            System.out.printf(Locale.ROOT, "W=%-28d %12.2f %12.2f %+6.1f%%%n", row.world(), row.stepMicros() / 1000,
                    measured / 1000, 100 * (row.stepMicros() / measured - 1));
        }
    }

    private static ScheduleOrders o(String param, String work, String groups) {
        return new ScheduleOrders(OrderText.labels(param), OrderText.labels(work), OrderText.groups(groups));
    }

    private static double predict(StepShape shape, ScheduleOrders o, CostModel model) {
        return StepSimulator.simulate(StepGraph.build(shape, o), shape.world(), model).makespan();
    }
}
