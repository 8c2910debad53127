package dev.baton.launcher.bench;

import dev.baton.kernels.ops.ProfilingOps;
import dev.baton.runtime.data.Batch;

import java.io.PrintWriter;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * {@code baton bench --profile speedrun-1gpu}: the record's model, optimizer and batch schedule
 * on one GPU with gradient accumulation, on synthetic FineWeb-like micro-batches. Prints the
 * machine, the work and its FLOP formula, the bf16 peak measured in the same run, then per driver
 * (direct, through the actors) warm-up and timed step times, tokens/s, model TFLOP/s, MFU, peak
 * device memory; the per-operation table of one profiled micro-batch and optimizer step; and, with
 * a PyTorch script, its figures from the same machine and the ratio Baton / PyTorch. Ends with one
 * JSON line of Baton's figures.
 */
public final class SpeedrunBench {
    private static final double GIB = 1024.0 * 1024 * 1024;
    private static final int TOP_OPS = 25;

    private final BenchModel model;
    private final BenchOptions options;
    private final PrintWriter out;

    public SpeedrunBench(BenchModel model, BenchOptions options, PrintWriter out) {
        this.model = model;
        this.options = options;
        this.out = out;
    }

    /** Baton's figures of one run: the median step and tokens/s (the direct driver's when both ran). */
    public record Result(int phase, double msPerStep, double tokensPerSecond) {
    }

    /** Runs everything asked for and returns Baton's figures (the direct driver's when both ran). */
    public Result run() {
        BenchPhase phase = BenchPhase.of(model.schedule(), options.phase(), options.gradAccum());
        Batch[] pool = SyntheticBatches.pool(SyntheticBatches.POOL, phase.microTokens(), options.seed(),
                options.maxSeqLen(), model.bos());
        // the FLOPs of a step: the mean over the pool's micro-batches, times the step's micro-batches
        FlopCount perPool = FlopCount.of(model.model(), phase.windows(), pool);
        double stepFlops = perPool.total() * phase.gradAccum() / pool.length;
        out.println("work: " + phase.describe());
        out.printf(Locale.ROOT, "data: synthetic, %d micro-batches cycled, documents log-normal (median %.0f, sigma %.1f)"
                + " cut at %d, seed %d; %d documents in the pool%n", pool.length, SyntheticBatches.MEDIAN,
                SyntheticBatches.SIGMA, options.maxSeqLen(), options.seed(), documents(pool));
        out.println(perPool.formula().replace("FLOPs/step", "FLOPs of the " + pool.length + " pooled micro-batches"));
        out.printf(Locale.ROOT, "FLOPs/step: %.2f TFLOP (%d micro-batches of the pool's mean)%n", stepFlops / 1e12,
                phase.gradAccum());
        double tokens = phase.tokensPerStep();
        Figures direct = null;
        Figures actors = null;
        double peak;
        List<ProfilingOps.OpTime> table = List.of();
        try (DirectBench bench = new DirectBench(model, phase, pool)) {
            out.println("device: " + bench.cuda().device().properties().describe());
            peak = PeakGemm.measure(bench.cuda());
            out.printf(Locale.ROOT, "bf16 peak: %.1f TFLOP/s (cuBLASLt 8192^3 A.B^T, median of 20, measured in this run)%n",
                    peak);
            if (options.direct()) {
                StepTimes t = bench.run(options.warmup(), options.steps());
                direct = new Figures("direct (Gpt + NorMuonAndAdam on CudaOps)", t, tokens, stepFlops, peak);
                print(direct);
                out.printf(Locale.ROOT, "  loss of the last step: %.4f per token (MTP-weighted; synthetic ids)%n",
                        bench.lastLoss());
                MemoryWatermark m = bench.memory();
                out.printf(Locale.ROOT, "  peak device memory: %.2f GiB in use (cuMemGetInfo; %.2f GiB before the model:"
                        + " context and libraries)%n", m.peakBytes() / GIB, m.baselineBytes() / GIB);
            }
            if (options.profile()) {
                table = bench.profile();
            }
        }
        if (options.actors()) {
            int w = options.gpus();
            out.printf(Locale.ROOT, "actors: W = %d GPU(s), %d micro-batch(es) per rank per step (global batch %,d tokens)%n",
                    w, phase.gradAccum(), (long) tokens * w);
            ActorBench.Extras extras = new ActorBench.Extras(w, options.record(), out);
            int warm = Math.max(options.warmup(), phase.tied() ? 1 : 2);
            StepTimes t = ActorBench.run(model, phase, pool, warm, options.steps(), extras);
            // at W GPUs a step trains on W times a rank's tokens, and MFU is against W peaks
            actors = new Figures("through the actors (W = " + w + ": DeviceWorker on CUDA streams, NCCL)", t, tokens * w,
                    stepFlops * w, peak * w);
            print(actors);
            if (options.record() != null) {
                out.println("  schedule files of steps 0, " + ActorBench.recordEvery(warm + options.steps())
                        + ", ... written to " + options.record());
            }
            if (direct != null) {
                out.printf(Locale.ROOT, "  actor runtime overhead: %+.2f%% of the direct median step%n",
                        100 * (actors.times.median() / direct.times.median() - 1));
            }
        }
        if (!table.isEmpty()) {
            printTable(table);
        }
        Figures baton = direct != null ? direct : actors;
        out.printf(Locale.ROOT, "{\"impl\":\"baton\",\"via\":\"%s\",\"gpus\":%d,\"phase\":%d,\"ms_per_step\":%.2f,"
                        + "\"tokens_per_s\":%.0f,\"tflops\":%.1f,\"mfu\":%.4f}%n", direct != null ? "direct" : "actors",
                direct != null ? 1 : options.gpus(), phase.index(), baton.times.median(), baton.tokensPerSecond(),
                baton.tflops(), baton.mfu());
        return new Result(phase.index(), baton.times.median(), baton.tokensPerSecond());
    }

    /** Runs the PyTorch side and prints the comparison with {@code batonTokensPerSecond}. */
    public void comparePytorch(double batonTokensPerSecond) {
        out.println("== PyTorch (torch.compile + flex_attention), same phase and steps, same machine");
        PytorchComparison.Result r = PytorchComparison.run(PytorchComparison.command(options.python(),
                options.pytorchScript(), options.phase(), options.steps(), options.warmup(), options.seed()), options.pytorchScript(),
                options.pytorchTimeout(), out);
        out.printf(Locale.ROOT, "PyTorch: %.1f ms/step, %.0f tokens/s%n", r.msPerStep(), r.tokensPerSecond());
        out.printf(Locale.ROOT, "ratio Baton / PyTorch tokens/s: %.3f%n", batonTokensPerSecond / r.tokensPerSecond());
    }

    private void print(Figures f) {
        out.println("== " + f.label);
        out.println("  warm-up steps (ms): " + StepTimes.list(f.times.warmup()));
        out.println("  timed steps (ms): " + StepTimes.list(f.times.timed()));
        out.printf(Locale.ROOT, "  step time: median %.1f ms, mean %.1f ms (min %.1f, max %.1f; Adam on odd steps)%n",
                f.times.median(), f.times.mean(), f.times.min(), f.times.max());
        out.printf(Locale.ROOT, "  tokens/s: %,.0f (median step); model TFLOP/s: %.1f; MFU: %.1f%% of the measured peak%n",
                f.tokensPerSecond(), f.tflops(), 100 * f.mfu());
    }

    private void printTable(List<ProfilingOps.OpTime> times) {
        double total = times.stream().mapToDouble(ProfilingOps.OpTime::millis).sum();
        out.printf(Locale.ROOT, "== per-operation device time: one micro-batch forward + backward and one optimizer step"
                + " with Adam (CUDA events; top %d of %d; sum %.1f ms)%n", Math.min(TOP_OPS, times.size()), times.size(),
                total);
        out.printf(Locale.ROOT, "  %-34s %6s %10s %7s%n", "operation", "calls", "ms", "share");
        times.stream().sorted(Comparator.comparingDouble(ProfilingOps.OpTime::millis).reversed()).limit(TOP_OPS)
                .forEach(t -> out.printf(Locale.ROOT, "  %-34s %6d %10.3f %6.1f%%%n", t.op(), t.calls(), t.millis(),
                        100 * t.millis() / total));
    }

    private static int documents(Batch[] pool) {
        int n = 0;
        for (Batch b : pool) {
            n += b.cuSeqlens().length - 1;
        }
        return n;
    }

    /** One driver's figures. */
    private record Figures(String label, StepTimes times, double tokensPerStep, double flopsPerStep, double peakTflops) {
        double tokensPerSecond() {
            return tokensPerStep / (times.median() * 1e-3);
        }

        double tflops() {
            return flopsPerStep / (times.median() * 1e-3) / 1e12;
        }

        double mfu() {
            return tflops() / peakTflops;
        }
    }
}
