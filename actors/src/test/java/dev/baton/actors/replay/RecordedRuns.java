package dev.baton.actors.replay;

import dev.baton.actors.collective.LinkModel;
import dev.baton.actors.run.RunListener;
import dev.baton.actors.run.RunResult;
import dev.baton.actors.run.RunSettings;
import dev.baton.actors.run.TrainingRun;
import dev.baton.actors.run.Workload;
import dev.baton.actors.scheduler.ScheduleOrders;
import dev.baton.actors.trace.ScheduleFile;
import dev.baton.actors.trace.StepTraceWriter;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs of the {@link TimedWorkload} through the actor runtime with a simulated link, recording
 * every step; the measured step time of a run is the median over its steps after the first two
 * (which warm up threads and code).
 */
final class RecordedRuns {
    static final int WARM_UP = 2;

    /**
     * The experiment's parameters, listed in a poor order on purpose: compute (updates) is the
     * bottleneck, so the step is shortest when the update that can start first is the one whose
     * gradient lands first and the last all-gather is short. At W = 2 with {@link #LINK}:
     * reduce-scatter and all-gather of big 12 ms, mid 6, slow 2, tiny 0.9; all-reduce of rep 4;
     * updates big 8 ms, mid 12, rep 4, slow 20, tiny 6; two fwd/bwd of 8 ms each.
     */
    static final List<TimedParam> PARAMS = List.of(
            TimedParam.sharded("big", 1800, 16000),
            TimedParam.sharded("mid", 880, 24000),
            TimedParam.replicated("rep", 290, 4000),
            TimedParam.sharded("slow", 130, 40000),
            TimedParam.sharded("tiny", 24, 12000));
    /** 300 µs per launch and 20 MB/s. */
    static final LinkModel LINK = LinkModel.of(Duration.ofNanos(300_000), 2e7);

    private RecordedRuns() {
    }

    static Workload workload() {
        return TimedWorkload.of(PARAMS, 8000, 4);
    }

    /** Runs {@code steps} steps at {@code world} with {@code orders} (null: the table's) and reads the recorded steps. */
    static List<ScheduleFile> run(Path dir, int world, ScheduleOrders orders, int steps) {
        RunSettings s = RunSettings.defaults(world, steps).withLink(LINK).withTrace(dir, 1, 0);
        if (orders != null) {
            s = s.withOrders(orders);
        }
        RunResult r;
        try (TrainingRun run = TrainingRun.start(s, workload(), new RunListener() { })) {
            r = run.await(Duration.ofSeconds(60));
        }
        if (r.status() != RunResult.Status.COMPLETED) {
            throw new IllegalStateException("the timed run failed: " + r.message());
        }
        List<ScheduleFile> out = new ArrayList<>();
        try {
            for (int step = WARM_UP; step < steps; step++) {
                out.add(ScheduleFile.read(dir.resolve(StepTraceWriter.scheduleName(step))));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    static List<Timeline> timelines(List<ScheduleFile> files) {
        return files.stream().map(Timeline::of).toList();
    }

    /** The median step time of recorded steps. */
    static double measured(List<ScheduleFile> files) {
        double[] t = files.stream().mapToDouble(f -> Timeline.of(f).makespan()).sorted().toArray();
        return t.length % 2 == 1 ? t[t.length / 2] : (t[t.length / 2 - 1] + t[t.length / 2]) / 2;
    }
}
