package dev.baton.actors.training;

import dev.baton.actors.plan.ParamLayout;
import dev.baton.actors.plan.ShardPlan;
import dev.baton.actors.run.RunListener;
import dev.baton.actors.run.RunResult;
import dev.baton.actors.run.RunSettings;
import dev.baton.actors.run.StepReport;
import dev.baton.actors.run.TrainingRun;
import dev.baton.actors.run.Workload;
import dev.baton.actors.work.DeviceWork;
import dev.baton.runtime.train.LossSum;
import dev.baton.actors.work.WorkFactory;
import dev.baton.runtime.optim.ParamEntry;
import dev.baton.runtime.optim.ParamTable;
import dev.baton.runtime.tensor.Tensor;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/** Runs {@link GptFixture}'s model through the actor runtime and keeps what the tests compare. */
final class GptRun {
    /** What a run left: its result, losses by step, evaluations by steps done, rank 0's final weights. */
    record Outcome(RunResult result, Map<Long, Double> losses, Map<Long, LossSum> evals, Map<String, float[]> weights,
                   List<Path> checkpoints, List<StepReport> reports) {
    }

    private GptRun() {
    }

    static Outcome run(RunSettings settings, GptFixture.Corpus corpus) {
        return run(settings, corpus, -1, -1);
    }

    /** A run whose rank {@code failRank} throws in its forward at step {@code failStep} (-1: never). */
    static Outcome run(RunSettings settings, GptFixture.Corpus corpus, long failStep, int failRank) {
        GptWorkFactory gpt = GptFixture.factory();
        Map<String, Tensor> rankZero = new ConcurrentHashMap<>();
        WorkFactory work = new WorkFactory() {
            @Override
            public List<ParamLayout> layouts(int world) {
                return gpt.layouts(world);
            }

            @Override
            public DeviceWork create(int rank, ShardPlan plan) {
                DeviceWork w = gpt.create(rank, plan);
                if (rank == 0) {
                    for (ParamEntry e : ParamTable.record().inScatterOrder()) {
                        rankZero.put(e.label(), w.value(e.label()));
                    }
                }
                return rank == failRank ? new FailingWork(w, failStep) : w;
            }
        };
        Map<Long, Double> losses = new ConcurrentHashMap<>();
        Map<Long, LossSum> evals = new ConcurrentHashMap<>();
        List<Path> checkpoints = new CopyOnWriteArrayList<>();
        List<StepReport> reports = new CopyOnWriteArrayList<>();
        RunListener listener = new RunListener() {
            @Override
            public void stepDone(StepReport r) {
                losses.put(r.step(), r.loss());
                reports.add(r);
            }

            @Override
            public void evaluated(long stepsDone, LossSum result) {
                evals.put(stepsDone, result);
            }

            @Override
            public void checkpointed(long nextStep, Path dir) {
                checkpoints.add(dir);
            }
        };
        RunResult result;
        Workload base = gpt.workload(corpus.source(settings.world()));
        try (TrainingRun run = TrainingRun.start(settings, new Workload(work, base.data(), base.table(), base.schedule()),
                listener)) {
            result = run.await(Duration.ofMinutes(3));
        }
        Map<String, float[]> weights = new LinkedHashMap<>();
        for (ParamEntry e : ParamTable.record().inScatterOrder()) {
            Tensor t = rankZero.get(e.label());
            if (t != null) {
                weights.put(e.label(), GptFixture.copy(t));
            }
        }
        return new Outcome(result, new TreeMap<>(losses), new TreeMap<>(evals), weights,
                List.copyOf(checkpoints), List.copyOf(reports));
    }
}
