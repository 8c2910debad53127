package dev.baton.actors.standin;

import dev.baton.actors.run.RunListener;
import dev.baton.actors.run.RunResult;
import dev.baton.actors.run.RunSettings;
import dev.baton.actors.run.StepReport;
import dev.baton.actors.run.TrainingRun;
import dev.baton.actors.run.Workload;
import dev.baton.runtime.train.LossSum;
import dev.baton.actors.work.StepSchedule;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/** Runs the stand-in workload through the whole actor runtime and keeps what tests compare. */
public final class StandInRun {
    /** The split step of the stand-in schedule: tied up to step 5, Adam on odd steps. */
    public static final long SPLIT = 5;

    /** What a finished run left: result, per-step losses (by step), evaluations, rank 0's weights. */
    public record Outcome(RunResult result, Map<Long, Double> losses, List<LossSum> evals, Map<String, float[]> weights,
                          List<StepReport> reports, List<Path> checkpoints, List<String> notices, StandInFactory factory) {
    }

    /** A run in progress, for code that acts on it while it goes. */
    public record Live(TrainingRun run, List<StepReport> reports) {
    }

    private StandInRun() {
    }

    public static Outcome run(RunSettings settings, StandInConfig config) {
        return run(settings, config, live -> { });
    }

    /** Runs to the end (30 s at most); {@code during} may act on the run while it goes (e.g. stop it). */
    public static Outcome run(RunSettings settings, StandInConfig config, Consumer<Live> during) {
        StandInFactory factory = new StandInFactory(config);
        StandInData data = new StandInData(24, 16, config.vocab());
        Workload w = new Workload(factory, data, StandInFactory.table(), StepSchedule.oddAdamSteps(SPLIT));
        Map<Long, Double> losses = new LinkedHashMap<>();
        List<LossSum> evals = new CopyOnWriteArrayList<>();
        List<StepReport> reports = new CopyOnWriteArrayList<>();
        List<Path> checkpoints = new CopyOnWriteArrayList<>();
        List<String> notices = new CopyOnWriteArrayList<>();
        RunListener listener = new RunListener() {
            @Override
            public void stepDone(StepReport r) {
                synchronized (losses) {
                    losses.put(r.step(), r.loss());
                }
                reports.add(r);
            }

            @Override
            public void evaluated(long step, LossSum result) {
                evals.add(result);
            }

            @Override
            public void checkpointed(long nextStep, Path dir) {
                checkpoints.add(dir);
            }

            @Override
            public void notice(String message) {
                notices.add(message);
            }
        };
        RunResult result;
        try (TrainingRun run = TrainingRun.start(settings, w, listener)) {
            during.accept(new Live(run, reports));
            result = run.await(Duration.ofSeconds(30));
        }
        Map<String, float[]> weights = new LinkedHashMap<>();
        try {
            StandInWork w0 = factory.work(0);
            for (String p : List.of("wide", "bank", "rep", "rows", "lm_head", "embed")) {
                weights.put(p, w0.used(p));
            }
        } catch (IllegalStateException noWork) {
            // the run failed before rank 0 created its work
        }
        synchronized (losses) {
            return new Outcome(result, new LinkedHashMap<>(losses), new ArrayList<>(evals), weights,
                    new ArrayList<>(reports), new ArrayList<>(checkpoints), new ArrayList<>(notices), factory);
        }
    }
}
