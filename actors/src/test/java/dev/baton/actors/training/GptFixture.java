package dev.baton.actors.training;

import dev.baton.runtime.train.GptPass;
import dev.baton.runtime.train.LossSum;
import dev.baton.runtime.data.Batch;
import dev.baton.runtime.data.BatchLoader;
import dev.baton.runtime.data.LoaderOptions;
import dev.baton.runtime.data.LoaderState;
import dev.baton.runtime.data.ShardSet;
import dev.baton.runtime.data.ShardWriter;
import dev.baton.runtime.data.StepPlan;
import dev.baton.runtime.data.ValLoader;
import dev.baton.runtime.model.ForwardSchedule;
import dev.baton.runtime.model.Gpt;
import dev.baton.runtime.model.GptConfig;
import dev.baton.runtime.model.GptParams;
import dev.baton.runtime.model.LayerLayout;
import dev.baton.runtime.ops.cpu.CpuOps;
import dev.baton.runtime.ops.cpu.CpuTensor;
import dev.baton.runtime.optim.AdamConfig;
import dev.baton.runtime.optim.NorMuonAndAdam;
import dev.baton.runtime.optim.NorMuonConfig;
import dev.baton.runtime.optim.ParamTable;
import dev.baton.runtime.optim.ShardAssignment;
import dev.baton.runtime.optim.cpu.CpuOptimizerKernels;
import dev.baton.runtime.param.ParamSet;
import dev.baton.runtime.schedule.AttentionWindows;
import dev.baton.runtime.schedule.ScheduleConfig;
import dev.baton.runtime.schedule.TrainingSchedule;
import dev.baton.runtime.tensor.Tensor;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The real model for the actor tests: GOLDEN.md's "record-small" architecture (the record's 11
 * layers and layout, d = 64, 4 heads of 16, blocks of 16 tokens) with tiny-cpu's byte260 vocabulary
 * (384 rows) instead of GPT-2's 50304, whose embedding tables and 50304-wide logits would make
 * every run a minute on 2 cores without exercising anything more (the tables shard by rows either
 * way). Schedule: record-small's phases stretched to 15 + 5 = 20 steps, so that the run crosses
 * every event: YaRN at steps 5, 10 and 15, Adam on odd steps, the untie after step 11, batches of
 * 128, 192 and 256 tokens. Every step is cut into 8 slices (W devices × 8/W micro-steps), so every
 * W sees the same sequences; data: a generated corpus of short documents with learnable structure.
 */
final class GptFixture {
    static final GptConfig MODEL = GptConfig.standard(GptConfig.paddedVocab(260), LayerLayout.record(), 64, 4, 16)
            .withBlockSize(16);
    static final ScheduleConfig SCHEDULE_CONFIG = twentySteps();
    static final TrainingSchedule SCHEDULE = new TrainingSchedule(SCHEDULE_CONFIG);
    static final int STEPS = SCHEDULE.numIterations();
    static final int SLICES = 8;
    static final int VAL_BATCH_TOKENS = 128;
    static final int VAL_STEPS = 2;
    static final int MAX_TOKENS = GptWorkFactory.microBatchTokens(SCHEDULE_CONFIG, VAL_BATCH_TOKENS, SLICES);
    static final int BOS = 259;
    static final long SEED = 1234;

    private GptFixture() {
    }

    private static ScheduleConfig twentySteps() {
        return ScheduleConfig.recordSmall().withIterations(15, 5);
    }

    /** The work of every device: one thread each, the record's param table and optimizer constants. */
    static GptWorkFactory factory() {
        return new GptWorkFactory(MODEL, ParamTable.record(), SCHEDULE, AdamConfig.record(), NorMuonConfig.record(), SEED,
                MAX_TOKENS, 1);
    }

    /** Train and validation shards of generated documents, in {@code dir}. */
    record Corpus(Path train, Path val) {
        static Corpus write(Path dir) {
            return new Corpus(ShardWriter.write(dir.resolve("synth_train_000000.bin"), documents(60_000, 11)),
                    ShardWriter.write(dir.resolve("synth_val_000000.bin"), documents(2_000, 12)));
        }

        BatchLoader loader(int world, LoaderState start) {
            return new BatchLoader(ShardSet.of(List.of(train)), world, SLICES / world, LoaderOptions.record(64, BOS), start);
        }

        ValLoader validation(int world) {
            return new ValLoader(ShardSet.of(List.of(val)), VAL_BATCH_TOKENS, world, SLICES / world, BOS);
        }

        LoaderBatchSource source(int world) {
            return new LoaderBatchSource(s -> loader(world, s), SCHEDULE, validation(world), VAL_STEPS);
        }
    }

    /** Documents of 6..40 tokens after a BOS; mostly a fixed successor of the previous token, else noise. */
    private static int[] documents(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        int[] t = new int[n];
        int left = 0;
        for (int i = 0; i < n; i++) {
            if (left == 0) {
                t[i] = BOS;
                left = 6 + r.nextInt(35);
                continue;
            }
            int prev = t[i - 1] == BOS ? r.nextInt(200) : t[i - 1];
            t[i] = r.nextInt(10) < 7 ? (prev * 7 + 3) % 200 : r.nextInt(256);
            left--;
        }
        return t;
    }

    /** Per-step losses, evaluations (by steps done) and final weights of a run. */
    record Trained(Map<Long, Double> losses, Map<Long, LossSum> evals, Map<String, float[]> weights) {
    }

    /**
     * The single-device path, no actors: {@code Gpt} forward/backward of every slice in order, then
     * {@code NorMuonAndAdam.step}, with the schedule and YaRN applied as the record's loop does
     * ({@code advance_schedule(step)} first, validation at the steps given, training after).
     */
    static Trained singleDevice(Corpus corpus, int steps, List<Integer> evalAt) {
        Map<Long, Double> losses = new LinkedHashMap<>();
        Map<Long, LossSum> evals = new LinkedHashMap<>();
        try (CpuOps ops = new CpuOps(1); ParamSet ps = GptParams.create(ops, MODEL, SEED);
             Gpt gpt = new Gpt(ops, MODEL, ps, MAX_TOKENS); CpuOptimizerKernels kernels = new CpuOptimizerKernels(1);
             NorMuonAndAdam opt = new NorMuonAndAdam(ParamTable.record(), ps, ops, kernels, AdamConfig.record(),
                     NorMuonConfig.record(), ShardAssignment.single(), SCHEDULE.splitStep())) {
            BatchLoader loader = corpus.loader(1, LoaderState.START);
            ValLoader val = corpus.validation(1);
            for (int step = 0; step <= steps; step++) {
                if (step > 0) {
                    SCHEDULE.yarnTransition(step).ifPresent(t -> gpt.applyWindowChange(t.oldLongBlocks(), t.newLongBlocks()));
                }
                if (evalAt.contains(step)) {
                    AttentionWindows w = step == SCHEDULE.numIterations() ? SCHEDULE.finalValidationWindows()
                            : SCHEDULE.windows(step);
                    ForwardSchedule f = new ForwardSchedule(SCHEDULE.mtpWeights(step), w.shortBlocks(), w.longBlocks());
                    val.reset();
                    LossSum sum = new LossSum(0, 0);
                    for (int k = 0; k < VAL_STEPS; k++) {
                        StepPlan plan = val.nextStep();
                        for (int s = 0; s < SLICES; s++) {
                            Batch b = plan.batch(s, 0);
                            sum = sum.plus(new LossSum(ops.download(gpt.evaluate(b, f))[0] * b.length(), b.length()));
                        }
                    }
                    evals.put((long) step, sum);
                }
                if (step == steps) {
                    break;
                }
                AttentionWindows w = SCHEDULE.windows(step);
                ForwardSchedule f = new ForwardSchedule(SCHEDULE.mtpWeights(step), w.shortBlocks(), w.longBlocks());
                StepPlan plan = loader.nextStep(SCHEDULE.batchTokens(step));
                double loss = 0;
                for (int a = 0; a < plan.accumSteps(); a++) {
                    Batch b = plan.batch(a, 0);
                    float scale = 1f / plan.accumSteps();
                    double sum = ops.download(gpt.forward(b, f))[0];
                    loss += scale * sum / b.length(); // as GptPass reports it
                    gpt.backward(scale);
                }
                losses.put((long) step, loss);
                opt.step(step, SCHEDULE.lrFactor(step), SCHEDULE.momentum(step), SCHEDULE.isAdamStep(step));
            }
            return new Trained(losses, evals, weights(ps));
        }
    }

    /** Host copies of every parameter by param-table label (the padding of the MLP bank included). */
    static Map<String, float[]> weights(ParamSet ps) {
        Map<String, float[]> out = new LinkedHashMap<>();
        ParamTable.record().inScatterOrder().forEach(e -> out.put(e.label(), copy(ps.get(e.param()).value())));
        return out;
    }

    /** The values of a CPU tensor; heap storage stays readable after its owner closed it. */
    static float[] copy(Tensor t) {
        CpuTensor c = CpuTensor.of(t);
        return Arrays.copyOfRange(c.floats(), c.offset(), c.offset() + Math.toIntExact(t.numel()));
    }
}
