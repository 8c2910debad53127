package dev.baton.launcher.bench;

import dev.baton.kernels.ops.CudaOps;
import dev.baton.kernels.ops.ProfilingOps;
import dev.baton.kernels.optim.CudaOptimizerKernels;
import dev.baton.kernels.optim.ProfilingOptimizerKernels;
import dev.baton.launcher.golf.GolfSettings;
import dev.baton.runtime.model.golf.GolfConfig;
import dev.baton.runtime.model.golf.GolfGpt;
import dev.baton.runtime.model.golf.GolfParams;
import dev.baton.runtime.optim.MuonAndAdam;
import dev.baton.runtime.param.ParamSet;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * {@code baton bench --profile golf-baseline}: the parameter-golf baseline's training step on GPU 0,
 * driven directly ({@link GolfGpt} + {@link MuonAndAdam} on one {@link CudaOps}), the way the
 * baseline runs on one GPU: 524,288 tokens per step as 8 micro-batches of 64 sequences of 1024
 * (the configured step and accumulation), on synthetic tokens (uniform ids from
 * {@code java.util.Random(seed)}). Prints warm-up and timed step times, tokens/s, model TFLOP/s,
 * MFU against the bf16 peak measured in the same run, peak device memory and the per-operation
 * table of one micro-batch and one optimizer step; ends with one JSON line of its figures.
 * A step is timed as the golf trainer runs it: each micro-batch's loss read back, then the
 * Muon/Adam step, the host clock around a synchronised step. Owns the backend and everything on it.
 */
public final class GolfBench implements AutoCloseable {
    private static final double GIB = 1024.0 * 1024 * 1024;
    private static final int POOL = 4;
    private static final int TOP_OPS = 25;

    private final GolfSettings golf;
    private final PrintWriter out;
    private final CudaOps cuda;
    private final ProfilingOps ops;
    private final CudaOptimizerKernels kernels;
    private final ParamSet params;
    private final GolfGpt gpt;
    private final MuonAndAdam optimizer;
    private final MemoryWatermark memory;
    private final int[][] inputs = new int[POOL][];
    private final int[][] targets = new int[POOL][];
    private double lastLoss;

    public GolfBench(GolfSettings golf, long seed, PrintWriter out) {
        this.golf = golf;
        this.out = out;
        this.cuda = CudaOps.open(0);
        this.memory = new MemoryWatermark(cuda.device());
        memory.sample();
        this.ops = new ProfilingOps(cuda);
        ops.setEnabled(false);
        this.kernels = new CudaOptimizerKernels(cuda);
        GolfConfig c = golf.model();
        this.params = GolfParams.create(ops, c, seed);
        this.gpt = new GolfGpt(ops, c, params, golf.seqLen(), golf.microBatchTokens());
        this.optimizer = new MuonAndAdam(params, GolfParams.groups(c), ops, new ProfilingOptimizerKernels(ops, kernels),
                golf.optimizer());
        Random r = new Random(seed);
        for (int i = 0; i < POOL; i++) {
            int[] seq = new int[golf.microBatchTokens() + 1];
            for (int j = 0; j < seq.length; j++) {
                seq[j] = r.nextInt(c.vocabSize());
            }
            inputs[i] = java.util.Arrays.copyOfRange(seq, 0, seq.length - 1);
            targets[i] = java.util.Arrays.copyOfRange(seq, 1, seq.length);
        }
        cuda.synchronize();
        memory.sample();
    }

    /**
     * Model FLOPs per step: 6 × the weights of every matrix product (the blocks' projections and the
     * tied head, V × d) × tokens, plus 12 · hd per (query, visible key) pair and head (causal
     * sequences of seqLen: forward 4·hd, backward 8·hd).
     */
    public static double flopsPerStep(GolfConfig c, int seqLen, long tokens) {
        long d = c.modelDim();
        long kv = c.kvDim();
        long perBlock = d * d + 2 * kv * d + d * d + 2L * c.mlpHidden() * d;
        long matrices = perBlock * c.numLayers() + (long) c.vocabSize() * d;
        double pairs = (double) tokens / seqLen * seqLen * (seqLen + 1) / 2.0;
        return 6.0 * matrices * tokens + 12.0 * c.headDim() * c.numHeads() * pairs;
    }

    /**
     * The PyTorch side's command line: {@code python3 SCRIPT --train-gpt FILE --steps N --warmup W
     * --seed S --vocab V [--corpus FILE] [--fallback-model FILE]} (reference/golf/golf_pytorch_bench.py).
     */
    public static List<String> pytorchCommand(String python, Path script, Path trainGpt, int steps, int warmup,
                                              long seed, int vocab, Path corpus, Path spModel) {
        List<String> command = new ArrayList<>(List.of(python, script.toString(), "--train-gpt", trainGpt.toString(),
                "--steps", Integer.toString(steps), "--warmup", Integer.toString(warmup), "--seed", Long.toString(seed),
                "--vocab", Integer.toString(vocab)));
        if (corpus != null) {
            command.addAll(List.of("--corpus", corpus.toString()));
        }
        if (spModel != null) {
            command.addAll(List.of("--fallback-model", spModel.toString()));
        }
        return List.copyOf(command);
    }

    /** Runs the steps and the profile; prints the figures; returns tokens/s of the median step. */
    public double run(int warmup, int steps, boolean profile) {
        GolfConfig c = golf.model();
        long tokens = golf.tokensPerStep();
        double flops = flopsPerStep(c, golf.seqLen(), tokens);
        out.printf(Locale.ROOT, "work: golf %d x %d, %d heads over %d KV heads (hd %d), MLP %dx, vocab %d: %,d params;"
                        + " %,d tokens per step = %d micro-batches of %d x %d%n", c.numLayers(), c.modelDim(),
                c.numHeads(), c.numKvHeads(), c.headDim(), c.mlpMult(), c.vocabSize(), GolfParams.count(c), tokens,
                golf.accumSteps(), golf.microBatchTokens() / golf.seqLen(), golf.seqLen());
        out.printf(Locale.ROOT, "precision: bf16 weights (block matrices, tok_emb) and activations, fp32 control "
                + "tensors, gradients, optimizer state and Newton-Schulz%n");
        out.printf(Locale.ROOT, "FLOPs/step: %.2f TFLOP (6 x matrix weights x tokens + 12 hd per causal pair and head)%n",
                flops / 1e12);
        out.println("device: " + cuda.device().properties().describe());
        double peak = PeakGemm.measure(cuda);
        out.printf(Locale.ROOT, "bf16 peak: %.1f TFLOP/s (cuBLASLt 8192^3 A.B^T, median of 20, measured in this run)%n",
                peak);
        List<Double> w = new ArrayList<>();
        List<Double> t = new ArrayList<>();
        for (int i = 0; i < warmup + steps; i++) {
            (i < warmup ? w : t).add(step(i));
            memory.sample();
        }
        StepTimes times = new StepTimes(w, t);
        double tps = tokens / (times.median() * 1e-3);
        double tflops = flops / (times.median() * 1e-3) / 1e12;
        out.println("== direct (GolfGpt + MuonAndAdam on CudaOps)");
        out.println("  warm-up steps (ms): " + StepTimes.list(times.warmup()));
        out.println("  timed steps (ms): " + StepTimes.list(times.timed()));
        out.printf(Locale.ROOT, "  step time: median %.1f ms, mean %.1f ms (min %.1f, max %.1f)%n", times.median(),
                times.mean(), times.min(), times.max());
        out.printf(Locale.ROOT, "  tokens/s: %,.0f (median step); model TFLOP/s: %.1f; MFU: %.1f%% of the measured peak%n",
                tps, tflops, 100 * tflops / peak);
        out.printf(Locale.ROOT, "  train loss of the last step: %.4f (synthetic uniform ids: ln V = %.4f)%n", lastLoss,
                Math.log(c.vocabSize()));
        out.printf(Locale.ROOT, "  peak device memory: %.2f GiB in use (cuMemGetInfo; %.2f GiB before the model)%n",
                memory.peakBytes() / GIB, memory.baselineBytes() / GIB);
        if (profile) {
            printTable(profile());
        }
        out.printf(Locale.ROOT, "{\"impl\":\"baton\",\"model\":\"golf\",\"ms_per_step\":%.2f,\"tokens_per_s\":%.0f,"
                        + "\"tflops\":%.1f,\"mfu\":%.4f,\"peak_gib\":%.2f}%n", times.median(), tps, tflops, tflops / peak,
                memory.peakBytes() / GIB);
        out.flush();
        return tps;
    }

    private double step(int i) {
        cuda.synchronize();
        long t0 = System.nanoTime();
        double loss = 0;
        int accum = golf.accumSteps();
        for (int j = 0; j < accum; j++) {
            int k = (i * accum + j) % POOL;
            loss += ops.download(gpt.forward(inputs[k], targets[k]))[0];
            gpt.backward(1f / accum);
        }
        optimizer.step(i, 1.0);
        cuda.synchronize();
        lastLoss = loss / accum;
        return (System.nanoTime() - t0) / 1e6;
    }

    private List<ProfilingOps.OpTime> profile() {
        cuda.synchronize();
        ops.reset();
        ops.setEnabled(true);
        try {
            gpt.forward(inputs[0], targets[0]);
            gpt.backward(1f / golf.accumSteps());
            optimizer.step(1000, 1.0);
            return ops.report();
        } finally {
            ops.setEnabled(false);
            ops.reset();
        }
    }

    private void printTable(List<ProfilingOps.OpTime> times) {
        double total = times.stream().mapToDouble(ProfilingOps.OpTime::millis).sum();
        out.printf(Locale.ROOT, "== per-operation device time: one micro-batch forward + backward and one Muon/Adam step"
                + " (CUDA events; top %d of %d; sum %.1f ms)%n", Math.min(TOP_OPS, times.size()), times.size(), total);
        out.printf(Locale.ROOT, "  %-34s %6s %10s %7s%n", "operation", "calls", "ms", "share");
        times.stream().sorted(Comparator.comparingDouble(ProfilingOps.OpTime::millis).reversed()).limit(TOP_OPS)
                .forEach(x -> out.printf(Locale.ROOT, "  %-34s %6d %10.3f %6.1f%%%n", x.op(), x.calls(), x.millis(),
                        100 * x.millis() / total));
    }

    @Override
    public void close() {
        cuda.synchronize();
        optimizer.close();
        gpt.close();
        params.close();
        kernels.close();
        ops.close();
        cuda.close();
    }
}
