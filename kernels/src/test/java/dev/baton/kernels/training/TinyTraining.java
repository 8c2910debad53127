package dev.baton.kernels.training;

import dev.baton.runtime.data.Batch;
import dev.baton.runtime.data.BatchLoader;
import dev.baton.runtime.data.LoaderOptions;
import dev.baton.runtime.data.LoaderState;
import dev.baton.runtime.data.ShardSet;
import dev.baton.runtime.data.StepPlan;
import dev.baton.runtime.data.demo.DemoCorpus;
import dev.baton.runtime.model.ForwardSchedule;
import dev.baton.runtime.model.Gpt;
import dev.baton.runtime.model.GptConfig;
import dev.baton.runtime.model.GptParams;
import dev.baton.runtime.model.LayerLayout;
import dev.baton.runtime.ops.Ops;
import dev.baton.runtime.optim.AdamConfig;
import dev.baton.runtime.optim.NorMuonAndAdam;
import dev.baton.runtime.optim.NorMuonConfig;
import dev.baton.runtime.optim.OptimizerKernels;
import dev.baton.runtime.optim.ParamTable;
import dev.baton.runtime.optim.ShardAssignment;
import dev.baton.runtime.param.ParamSet;
import dev.baton.runtime.report.ProgressBar;
import dev.baton.runtime.schedule.AttentionWindows;
import dev.baton.runtime.schedule.ScheduleConfig;
import dev.baton.runtime.schedule.TrainingSchedule;
import dev.baton.runtime.tokenizer.Byte260Tokenizer;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The tiny configuration trained on one device, for the GPU-vs-CPU loss-curve test: tiny-cpu's
 * model (the record's 11-layer layout, d = 64, 4 heads of 16, blocks of 16, byte260 padded to
 * 384) and schedule shape (batches of 2048 / 4096 / 6144 tokens, momentum warmup 20 and cooldown
 * 4) stretched to {@link #STEPS} = 190 + 10 steps, on the demo corpus (King James Bible) through
 * the record's loader (sequences cut at 1024), one micro-step per step, seed 1234: the model
 * {@link Gpt} and the optimizer {@link NorMuonAndAdam} driven directly, as the record's loop
 * does (YaRN transitions before the step, Adam on odd steps, the untie at the split step).
 *
 * <p>{@link #CURVE} holds the CPU run's losses (fp32 {@code CpuOps}, bit-reproducible), made with
 * {@link #main}: {@code java -cp ... dev.baton.kernels.training.TinyTraining > tiny-cpu-200.txt}.
 */
public final class TinyTraining {
    public static final int STEPS = 200;
    public static final String CURVE = "curves/tiny-cpu-200.txt";
    static final GptConfig MODEL = GptConfig.standard(GptConfig.paddedVocab(Byte260Tokenizer.VOCAB_SIZE),
            LayerLayout.record(), 64, 4, 16).withBlockSize(16);
    static final long SEED = 1234;
    static final int MAX_SEQ_LEN = 1024;
    static final int MAX_TOKENS = 6144;

    private TinyTraining() {
    }

    static ScheduleConfig schedule() {
        ScheduleConfig r = ScheduleConfig.record();
        return new ScheduleConfig(190, 10, r.cooldownFrac(), r.lrMaxSteps(), r.extensionLr(), List.of(2048, 4096, 6144),
                6144, r.windowBlocks(), r.finalWindowBlocks(), r.validationWindowBlocks(), 16, r.splitFrac(), 20, 4,
                r.momentumMin(), r.momentumMax(), r.mtpRule(), r.adamPeriod());
    }

    /** Mean training loss per token (MTP-weighted) of each of the first {@code steps} steps on {@code ops}. */
    public static double[] losses(Ops ops, OptimizerKernels kernels, Path workDir, int steps) {
        return losses(ops, kernels, workDir, steps, 0, 0);
    }

    /**
     * As {@link #losses(Ops, OptimizerKernels, Path, int)}, with every initial weight multiplied by
     * 1 + perturbation·u (u uniform in [−1, 1], from {@code perturbationSeed}): how far rounding-sized
     * differences carry over a run. A perturbation of 0 leaves the weights untouched.
     */
    public static double[] losses(Ops ops, OptimizerKernels kernels, Path workDir, int steps, double perturbation,
                                  long perturbationSeed) {
        TrainingSchedule schedule = new TrainingSchedule(schedule());
        Byte260Tokenizer tokenizer = new Byte260Tokenizer();
        Path data = DemoCorpus.prepare(workDir, tokenizer, bytes -> ProgressBar.silent());
        BatchLoader loader = new BatchLoader(ShardSet.inDirectory(data, "train"), 1, 1,
                LoaderOptions.record(MAX_SEQ_LEN, tokenizer.bosId()), LoaderState.START);
        double[] out = new double[steps];
        try (ParamSet params = GptParams.create(ops, MODEL, SEED); Gpt gpt = new Gpt(ops, MODEL, params, MAX_TOKENS);
             NorMuonAndAdam opt = new NorMuonAndAdam(ParamTable.record(), params, ops, kernels, AdamConfig.record(),
                     NorMuonConfig.record(), ShardAssignment.single(), schedule.splitStep())) {
            if (perturbation != 0) {
                java.util.SplittableRandom random = new java.util.SplittableRandom(perturbationSeed);
                for (dev.baton.runtime.param.Param p : params.all()) {
                    float[] v = ops.download(p.value());
                    for (int i = 0; i < v.length; i++) {
                        v[i] *= (float) (1 + perturbation * (2 * random.nextDouble() - 1));
                    }
                    ops.write(p.value(), v);
                }
            }
            for (int step = 0; step < steps; step++) {
                schedule.yarnTransition(step).ifPresent(t -> gpt.applyWindowChange(t.oldLongBlocks(), t.newLongBlocks()));
                AttentionWindows w = schedule.windows(step);
                ForwardSchedule f = new ForwardSchedule(schedule.mtpWeights(step), w.shortBlocks(), w.longBlocks());
                StepPlan plan = loader.nextStep(schedule.batchTokens(step));
                Batch b = plan.batch(0, 0);
                out[step] = ops.download(gpt.forward(b, f))[0] / b.length();
                gpt.backward(1f);
                opt.step(step, schedule.lrFactor(step), schedule.momentum(step), schedule.isAdamStep(step));
            }
        }
        return out;
    }

    /** The committed CPU curve. */
    public static double[] committedCurve() {
        InputStream in = TinyTraining.class.getClassLoader().getResourceAsStream(CURVE);
        if (in == null) {
            throw new IllegalStateException(CURVE + " is not on the test classpath");
        }
        List<Double> values = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                if (!line.isBlank() && !line.startsWith("#")) {
                    values.add(Double.parseDouble(line.trim()));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return values.stream().mapToDouble(Double::doubleValue).toArray();
    }

    /** Prints the CPU curve (the resource's content). */
    public static void main(String[] args) throws IOException {
        Path work = Files.createTempDirectory("tiny-curve");
        int threads = 2; // the CPU kernels are bit-reproducible at a given thread count
        try (dev.baton.runtime.ops.cpu.CpuOps ops = new dev.baton.runtime.ops.cpu.CpuOps(threads);
             dev.baton.runtime.optim.cpu.CpuOptimizerKernels k = new dev.baton.runtime.optim.cpu.CpuOptimizerKernels(threads)) {
            long t0 = System.nanoTime();
            double[] l = losses(ops, k, work, STEPS);
            System.out.println("# TinyTraining: mean training loss per token of steps 0.." + (STEPS - 1)
                    + " on CpuOps (fp32), " + (System.nanoTime() - t0) / 1_000_000_000 + " s on " + threads + " threads");
            for (double v : l) {
                System.out.println(String.format(java.util.Locale.ROOT, "%.9f", v));
            }
        }
    }
}
