package dev.baton.actors.training;

import dev.baton.actors.plan.ParamLayout;
import dev.baton.actors.plan.ShardPlan;
import dev.baton.actors.run.LossLogReport;
import dev.baton.actors.run.RunListener;
import dev.baton.actors.run.RunResult;
import dev.baton.actors.run.RunSettings;
import dev.baton.actors.run.StepReport;
import dev.baton.actors.run.TrainingRun;
import dev.baton.actors.run.Workload;
import dev.baton.actors.work.DeviceWork;
import dev.baton.actors.work.WorkFactory;
import dev.baton.runtime.data.BatchLoader;
import dev.baton.runtime.data.LoaderOptions;
import dev.baton.runtime.data.ShardSet;
import dev.baton.runtime.data.ShardWriter;
import dev.baton.runtime.data.ValLoader;
import dev.baton.runtime.model.GptConfig;
import dev.baton.runtime.model.LayerLayout;
import dev.baton.runtime.optim.AdamConfig;
import dev.baton.runtime.optim.NorMuonConfig;
import dev.baton.runtime.optim.ParamEntry;
import dev.baton.runtime.optim.ParamTable;
import dev.baton.runtime.schedule.LrStep;
import dev.baton.runtime.schedule.MtpRule;
import dev.baton.runtime.schedule.ScheduleConfig;
import dev.baton.runtime.schedule.TrainingSchedule;
import dev.baton.runtime.train.LossSum;
import dev.baton.runtime.tensor.Tensor;
import dev.baton.runtime.train.TrainingConfig;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * A training run small enough for unit tests that still has every feature of the record's, run the
 * way {@code baton train} runs it (GptWorkFactory, LoaderBatchSource, the loss log, the actors): the
 * 4-layer micro layout (paired heads, key offset, value embeddings, skip, backout), 6 + 2 steps with
 * YaRN transitions at steps 2, 4 and 6, the untie after step 5, Adam on odd steps, 2 slices per step
 * (W devices × 2/W micro-steps), validation every 2 steps; random documents of ids 4..127 after BOS 1.
 */
final class TinyRun {
    static final int VOCAB = 128;
    static final int BOS = 1;
    static final int SLICES = 2;
    static final int VAL_TOKENS = 128;
    static final int VAL_BATCH = 64;

    /** What a run left: result, losses by step, validations by steps done, rank 0's final weights by label. */
    record Outcome(RunResult result, Map<Long, Double> losses, Map<Long, LossSum> evals, Map<String, float[]> weights,
                   List<String> notices, List<Path> checkpoints) {
    }

    private TinyRun() {
    }

    static GptConfig model(int dim) {
        return GptConfig.standard(VOCAB, LayerLayout.micro(), dim, 2, dim / 2).withBlockSize(4);
    }

    /** The record's table without ve2 (the micro layout has two value-embedding tables). */
    static ParamTable table() {
        ParamTable r = ParamTable.record();
        List<ParamEntry> entries = r.inScatterOrder().stream().filter(e -> !e.label().equals("ve2")).toList();
        return new ParamTable(entries, without(r.scatterOrder()), without(r.workOrder()), r.tie());
    }

    private static List<String> without(List<String> labels) {
        return labels.stream().filter(l -> !l.equals("ve2")).toList();
    }

    static ScheduleConfig schedule() {
        return new ScheduleConfig(6, 2, 0.5, List.of(new LrStep(1.0 / 3, 1.52), new LrStep(2.0 / 3, 1.73)), 0.1,
                List.of(64, 96, 128), 128, List.of(3, 7, 11), 13, 20, 4, 2.0 / 3, 4, 2, 0.85, 0.95, MtpRule.RECORD, 2);
    }

    static TrainingConfig config(int dim, long seed) {
        return new TrainingConfig(model(dim), table(), AdamConfig.record(), NorMuonConfig.record(), schedule(), seed);
    }

    /** W devices, the schedule's 8 steps, validation every 2 steps and at the end. */
    static RunSettings settings(int world) {
        return RunSettings.defaults(world, 8).withEval(2, true).withTimeouts(Duration.ofSeconds(60), Duration.ofSeconds(30));
    }

    /** A train and a val shard of random documents (lengths 5..40 with BOS) under {@code dir}. */
    static ShardSet[] shards(Path dir, long seed) {
        Random r = new Random(seed);
        return new ShardSet[] {ShardSet.of(List.of(ShardWriter.write(dir.resolve("tiny_train_000000.bin"), documents(r, 20000)))),
            ShardSet.of(List.of(ShardWriter.write(dir.resolve("tiny_val_000000.bin"), documents(r, 2000))))};
    }

    private static int[] documents(Random r, int tokens) {
        int[] out = new int[tokens];
        int i = 0;
        while (i < tokens) {
            int len = 5 + r.nextInt(36);
            out[i++] = BOS;
            for (int k = 1; k < len && i < tokens; k++) {
                out[i++] = 4 + r.nextInt(VOCAB - 4);
            }
        }
        return out;
    }

    /** The workload of {@code config} over {@code shards} for W devices, as the launcher wires it. */
    static Workload workload(TrainingConfig config, ShardSet[] shards, int world, WorkFactoryHook hook) {
        TrainingSchedule schedule = new TrainingSchedule(config.schedule());
        int accum = SLICES / world;
        LoaderOptions options = LoaderOptions.record(48, BOS);
        GptWorkFactory gpt = new GptWorkFactory(config.model(), config.table(), schedule, config.adam(), config.normuon(),
                config.seed(), GptWorkFactory.microBatchTokens(config.schedule(), VAL_BATCH, SLICES), 1);
        Workload w = gpt.workload(new LoaderBatchSource(s -> new BatchLoader(shards[0], world, accum, options, s), schedule,
                new ValLoader(shards[1], VAL_BATCH, world, accum, BOS), VAL_TOKENS / VAL_BATCH));
        WorkFactory hooked = new WorkFactory() {
            @Override
            public List<ParamLayout> layouts(int w) {
                return gpt.layouts(w);
            }

            @Override
            public DeviceWork create(int rank, ShardPlan plan) {
                return hook.created(rank, gpt.create(rank, plan));
            }
        };
        return new Workload(hooked, w.data(), w.table(), w.schedule(), w.model());
    }

    /** Sees (and may wrap) each rank's work as it is created. */
    interface WorkFactoryHook {
        DeviceWork created(int rank, DeviceWork work);
    }

    static Outcome run(RunSettings settings, TrainingConfig config, ShardSet[] shards, Path log) {
        return run(settings, config, shards, log, (rank, work) -> work, r -> { });
    }

    /**
     * Runs to the end with the loss log in {@code log} (null: none); {@code afterStep} sees every
     * step's report on the coordinator's thread (e.g. to request a stop).
     */
    static Outcome run(RunSettings settings, TrainingConfig config, ShardSet[] shards, Path log, WorkFactoryHook hook,
                       Consumer<TrainingRunStep> afterStep) {
        Map<String, Tensor> rankZero = new ConcurrentHashMap<>();
        Workload workload = workload(config, shards, settings.world(), (rank, work) -> {
            if (rank == 0) {
                config.table().inScatterOrder().forEach(e -> rankZero.put(e.label(), work.value(e.label())));
            }
            return hook.created(rank, work);
        });
        Map<Long, Double> losses = new ConcurrentHashMap<>();
        Map<Long, LossSum> evals = new ConcurrentHashMap<>();
        List<String> notices = new CopyOnWriteArrayList<>();
        List<Path> checkpoints = new CopyOnWriteArrayList<>();
        CompletableFuture<TrainingRun> handle = new CompletableFuture<>();
        RunListener collect = new RunListener() {
            @Override
            public void stepDone(StepReport r) {
                losses.put(r.step(), r.loss());
                afterStep.accept(new TrainingRunStep(r, handle.join()));
            }

            @Override
            public void evaluated(long stepsDone, LossSum result) {
                evals.put(stepsDone, result);
            }

            @Override
            public void notice(String message) {
                notices.add(message);
            }

            @Override
            public void checkpointed(long nextStep, Path dir) {
                checkpoints.add(dir);
            }
        };
        TrainingSchedule schedule = new TrainingSchedule(config.schedule());
        RunListener listener = log == null ? collect
                : RunListener.all(collect, new LossLogReport(log, s -> schedule.lrFactor(Math.toIntExact(s))));
        RunResult result;
        handle.complete(TrainingRun.start(settings, workload, listener));
        try (TrainingRun run = handle.join()) {
            result = run.await(Duration.ofMinutes(3));
        }
        Map<String, float[]> weights = new LinkedHashMap<>();
        for (ParamEntry e : config.table().inScatterOrder()) {
            Tensor t = rankZero.get(e.label());
            if (t != null) {
                weights.put(e.label(), GptFixture.copy(t));
            }
        }
        return new Outcome(result, new TreeMap<>(losses), new TreeMap<>(evals), weights, List.copyOf(notices),
                List.copyOf(checkpoints));
    }

    /** A finished step and the run it belongs to. */
    record TrainingRunStep(StepReport report, TrainingRun run) {
    }
}
