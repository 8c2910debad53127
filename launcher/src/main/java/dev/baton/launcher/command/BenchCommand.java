package dev.baton.launcher.command;

import dev.baton.conf.BatonConfigException;
import dev.baton.conf.ResolvedConfig;
import dev.baton.conf.Settings;
import dev.baton.kernels.bench.NcclSweep;
import dev.baton.kernels.bench.NcclSweepOptions;
import dev.baton.kernels.driver.CudaAvailability;
import dev.baton.launcher.ExitCodes;
import dev.baton.launcher.bench.BenchModel;
import dev.baton.launcher.bench.BenchOptions;
import dev.baton.launcher.bench.BenchPhase;
import dev.baton.launcher.bench.GolfBench;
import dev.baton.launcher.bench.PytorchComparison;
import dev.baton.launcher.golf.GolfSettings;
import dev.baton.launcher.bench.SpeedrunBench;
import dev.baton.launcher.config.TrainingBinding;
import dev.baton.launcher.options.ConfigOptions;
import dev.baton.runtime.schedule.TrainingSchedule;
import dev.baton.runtime.train.TrainingConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code baton bench}: times the configuration's training step on one GPU (the record's model,
 * optimizer and batch schedule with speedrun-1gpu, gradient accumulation 8) and prints tokens/s,
 * step time, model TFLOP/s, MFU, peak memory and the per-operation table; with
 * {@code --compare-pytorch} also the PyTorch torch.compile side on the same machine and the ratio.
 * With {@code --via actors --gpus W} the actor runtime trains on W GPUs with the same global batch
 * (accumulation divided by W), printing each step's loss; {@code --collectives} instead runs the
 * NCCL sweep ({@link NcclSweep}) that {@code baton replay --sweep} reads. With a golf profile
 * ({@code golf-baseline}) it times the golf step on GPU 0 instead ({@link GolfBench}) and compares
 * with the challenge's own train_gpt.py. Without a GPU it says so and exits 2.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Times the record's training step on one GPU (default profile speedrun-1gpu): tokens/s, step "
                + "time, TFLOP/s, MFU, peak memory, per-operation table; --compare-pytorch adds the PyTorch side; "
                + "--via actors --gpus W trains on W GPUs; --collectives sweeps NCCL collectives instead.")
public final class BenchCommand implements Callable<Integer> {
    static final String DEFAULT_PROFILE = "speedrun-1gpu";
    static final String GOLF_PYTORCH_SCRIPT = "reference/golf/golf_pytorch_bench.py";

    @Spec
    CommandSpec spec;

    @Mixin
    ConfigOptions config;

    @Option(names = "--phase", paramLabel = "P", defaultValue = "2",
            description = "Schedule phase: 0, 1, 2 (thirds of the scheduled steps: 131,072 / 262,144 / 393,216 tokens "
                    + "per step), 3 (the extension) or all (each in turn); default ${DEFAULT-VALUE}.")
    String phase;

    @Option(names = "--gpus", paramLabel = "W",
            description = "GPUs 0..W-1 (with --via actors; the global batch is kept by dividing the accumulation by W). "
                    + "With --collectives: GPUs of the sweep (default all visible); else default 1.")
    Integer gpus;

    @Option(names = "--record", paramLabel = "DIR",
            description = "Write the actor run's schedule files (replay's input) of a few steps into DIR "
                    + "(DIR/phase-P with --phase all).")
    Path record;

    @Option(names = "--collectives", description = "Run the NCCL collectives sweep instead of the training step.")
    boolean collectives;

    @Option(names = "--max-bytes", paramLabel = "N", defaultValue = "1G",
            description = "--collectives: largest size, a power of two (K, M, G suffixes; default ${DEFAULT-VALUE}).")
    String maxBytes;

    @Option(names = "--iters", paramLabel = "N", defaultValue = "20",
            description = "--collectives: timed launches per size up to 64 MiB (default ${DEFAULT-VALUE}).")
    int iters;

    @Option(names = "--large-iters", paramLabel = "N", defaultValue = "5",
            description = "--collectives: timed launches per size above 64 MiB (default ${DEFAULT-VALUE}).")
    int largeIters;

    @Option(names = "--out", paramLabel = "FILE", defaultValue = "nccl-sweep.txt",
            description = "--collectives: the sweep file to write (default ${DEFAULT-VALUE}).")
    Path sweepOut;

    @Option(names = "--steps", paramLabel = "N", defaultValue = "10", description = "Timed steps (default ${DEFAULT-VALUE}).")
    int steps;

    @Option(names = "--warmup", paramLabel = "N", defaultValue = "3",
            description = "Warm-up steps before them, reported separately (default ${DEFAULT-VALUE}).")
    int warmup;

    @Option(names = "--via", paramLabel = "WHO", defaultValue = "direct",
            description = "Who drives the model: direct (Gpt + optimizer on CudaOps), actors (the actor runtime at "
                    + "W = 1 on the CUDA backend) or both; default ${DEFAULT-VALUE}.")
    String via;

    @Option(names = "--seed", paramLabel = "N", defaultValue = "2026",
            description = "Seed of the weights and the synthetic data, passed to the PyTorch side too (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--no-op-table", description = "Skip the per-operation table.")
    boolean noOpTable;

    @Option(names = "--compare-pytorch", description = "Also run the PyTorch benchmark with the same phase and steps.")
    boolean comparePytorch;

    @Option(names = "--pytorch-script", paramLabel = "FILE", defaultValue = "reference/bench/model_bench.py",
            description = "The PyTorch benchmark (default ${DEFAULT-VALUE}).")
    Path pytorchScript;

    @Option(names = "--python", paramLabel = "EXE", defaultValue = "python3", description = "Python interpreter (default ${DEFAULT-VALUE}).")
    String python;

    @Option(names = "--pytorch-timeout-s", paramLabel = "S", defaultValue = "480",
            description = "Longest the PyTorch side may take, compilation included (default ${DEFAULT-VALUE}).")
    int pytorchTimeout;

    @Option(names = "--train-gpt", paramLabel = "FILE",
            defaultValue = "../shared/reference/parameter-golf/train_gpt.py",
            description = "Golf: the challenge's baseline script that --compare-pytorch runs (default ${DEFAULT-VALUE}).")
    Path trainGpt;

    @Option(names = "--corpus", paramLabel = "FILE",
            description = "Golf: text (.gz) on which the PyTorch side trains a SentencePiece model of the vocabulary size.")
    Path corpus;

    @Option(names = "--sp-model", paramLabel = "FILE",
            description = "Golf: a SentencePiece .model for the PyTorch side when none is trained (its size must be the vocabulary's).")
    Path spModel;

    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        String name = spec.qualifiedName();
        if (collectives) {
            return sweep(err, name);
        }
        BenchOptions.Via who = parseVia(via);
        List<Integer> phases = parsePhases(phase);
        int world = gpus == null ? 1 : gpus;
        if (world < 1) {
            throw new BatonConfigException("--gpus " + world + ": must be at least 1");
        }
        if (world > 1 && who != BenchOptions.Via.ACTORS) {
            throw new BatonConfigException("--gpus " + world + ": more than one GPU runs through the actors only; add --via actors");
        }
        if (comparePytorch && phases.size() > 1) {
            throw new BatonConfigException("--compare-pytorch with --phase all: compare one phase at a time (--phase 0..3)");
        }
        ResolvedConfig resolved = config.load(DEFAULT_PROFILE);
        Settings s = resolved.settings();
        if (GolfSettings.selected(s)) {
            return golf(resolved, err, name);
        }
        checkDevices(s, resolved.profile());
        BenchModel model = model(s, seed);
        int accum = accumAt(s, world);
        CudaAvailability.Status cuda = CudaAvailability.probe();
        if (!cuda.available()) {
            err.println(name + ": no CUDA device (" + cuda.reason() + "); the benchmark needs one NVIDIA GPU");
            err.flush();
            return ExitCodes.USAGE;
        }
        if (cuda.devices().size() < world) {
            err.println(name + ": --gpus " + world + " but only " + cuda.devices().size()
                    + " GPU(s) visible: lower --gpus or check CUDA_VISIBLE_DEVICES");
            err.flush();
            return ExitCodes.USAGE;
        }
        PrintWriter out = spec.commandLine().getOut();
        out.println("baton bench: profile " + resolved.profile() + "; " + String.join("; ", cuda.describe()));
        List<SpeedrunBench.Result> results = new ArrayList<>();
        for (int p : phases) {
            Path recordHere = record == null || phases.size() == 1 ? record : record.resolve("phase-" + p);
            BenchOptions options = new BenchOptions(p, steps, warmup, accum, who, !noOpTable && world == 1,
                    model.maxSeqLen(), seed, comparePytorch ? pytorchScript : null, python,
                    Duration.ofSeconds(pytorchTimeout), world, recordHere);
            if (phases.size() > 1) {
                out.println("===== phase " + p);
            }
            SpeedrunBench bench = new SpeedrunBench(model, options, out);
            SpeedrunBench.Result r = bench.run();
            results.add(r);
            if (comparePytorch) {
                bench.comparePytorch(r.tokensPerSecond());
            }
            out.flush();
        }
        if (results.size() > 1) {
            out.println("== step time per phase (" + (who == BenchOptions.Via.DIRECT ? "direct" : "actors") + ", W = " + world + ")");
            for (SpeedrunBench.Result r : results) {
                out.printf(Locale.ROOT, "phase %d: %.1f ms/step, %,.0f tokens/s%n", r.phase(), r.msPerStep(),
                        r.tokensPerSecond());
            }
        }
        out.flush();
        return ExitCodes.OK;
    }

    /** {@code --collectives}: the NCCL sweep over {@code --gpus} GPUs (default all visible). */
    private int sweep(PrintWriter err, String name) {
        NcclSweepOptions o;
        try {
            o = NcclSweepOptions.parse("--max-bytes", maxBytes, "--iters", Integer.toString(iters), "--large-iters",
                    Integer.toString(largeIters), "--devices", Integer.toString(gpus == null ? 0 : gpus), "--out",
                    sweepOut.toString());
        } catch (IllegalArgumentException e) {
            throw new BatonConfigException(e.getMessage());
        }
        CudaAvailability.Status cuda = CudaAvailability.probe();
        if (!cuda.available()) {
            err.println(name + ": no CUDA device (" + cuda.reason() + "); the collectives sweep needs one or more NVIDIA GPUs");
            err.flush();
            return ExitCodes.USAGE;
        }
        if (cuda.devices().size() < o.devices()) {
            err.println(name + ": --gpus " + o.devices() + " but only " + cuda.devices().size()
                    + " GPU(s) visible: lower --gpus or check CUDA_VISIBLE_DEVICES");
            err.flush();
            return ExitCodes.USAGE;
        }
        PrintWriter out = spec.commandLine().getOut();
        try {
            new NcclSweep(o, out).run();
        } catch (NcclSweep.CheckFailure e) {
            err.println(name + ": result check FAILED, no sweep file written: " + e.getMessage());
            err.flush();
            return ExitCodes.FAILURE;
        } catch (IOException e) {
            throw new BatonConfigException("cannot write the sweep file " + sweepOut + ": " + e.getMessage(), e);
        } catch (IllegalStateException e) { // the environment: NVLink multicast on, too little device memory
            err.println(name + ": " + e.getMessage());
            err.flush();
            return ExitCodes.FAILURE;
        }
        out.flush();
        return ExitCodes.OK;
    }

    /** "0".."3" or "all". */
    static List<Integer> parsePhases(String p) {
        if (p.equalsIgnoreCase("all")) {
            List<Integer> all = new ArrayList<>();
            for (int i = 0; i < BenchPhase.PHASES; i++) {
                all.add(i);
            }
            return all;
        }
        try {
            int i = Integer.parseInt(p.strip());
            if (i >= 0 && i < BenchPhase.PHASES) {
                return List.of(i);
            }
        } catch (NumberFormatException e) {
            // the message below names the values
        }
        throw new BatonConfigException("--phase " + p + ": must be 0, 1, 2, 3 or all");
    }

    /**
     * Micro-batches per rank at W GPUs: the configuration's global micro-batches per step (its
     * devices × its accumulation: 1 × 8 for speedrun-1gpu, 8 × 1 for speedrun-8xh100) over W, so
     * the global batch is the record's at any W (the record's grad_accum_steps = 8 // world_size).
     */
    static int accumAt(Settings s, int world) {
        int global = TrainingBinding.bind(s).policy().world() * TrainingBinding.bind(s).policy().accumSteps();
        if (global % world != 0) {
            throw new BatonConfigException("--gpus " + world + ": the configuration's " + global
                    + " micro-batches per step do not split over " + world + " GPUs; use a divisor of " + global);
        }
        return global / world;
    }

    /**
     * The golf path: the configuration's golf model and step on GPU 0 (whatever the devices section
     * says: the benchmark times one GPU), then with {@code --compare-pytorch} the challenge's own
     * train_gpt.py on the same GPU through reference/golf/golf_pytorch_bench.py.
     */
    private Integer golf(ResolvedConfig resolved, PrintWriter err, String name) {
        GolfSettings golf = GolfSettings.of(resolved.settings());
        CudaAvailability.Status cuda = CudaAvailability.probe();
        if (!cuda.available()) {
            err.println(name + ": no CUDA device (" + cuda.reason() + "); the benchmark needs one NVIDIA GPU");
            err.flush();
            return ExitCodes.USAGE;
        }
        PrintWriter out = spec.commandLine().getOut();
        out.println("baton bench: profile " + resolved.profile() + " on GPU 0; " + String.join("; ", cuda.describe()));
        double tokensPerSecond;
        try (GolfBench bench = new GolfBench(golf, seed, out)) {
            tokensPerSecond = bench.run(warmup, steps, !noOpTable);
        }
        if (comparePytorch) {
            Path script = pytorchScript.equals(Path.of("reference/bench/model_bench.py"))
                    ? Path.of(GOLF_PYTORCH_SCRIPT) : pytorchScript;
            List<String> command = GolfBench.pytorchCommand(python, script, trainGpt, steps, warmup, seed,
                    golf.model().vocabSize(), corpus, spModel);
            out.println("== PyTorch: the challenge's train_gpt.py (torch.compile), same GPU, same steps, synthetic shards");
            PytorchComparison.Result r = PytorchComparison.run(command, script, Duration.ofSeconds(pytorchTimeout), out);
            out.printf(java.util.Locale.ROOT, "PyTorch: %.1f ms/step, %.0f tokens/s%n", r.msPerStep(), r.tokensPerSecond());
            out.printf(java.util.Locale.ROOT, "ratio Baton / PyTorch tokens/s: %.3f%n", tokensPerSecond / r.tokensPerSecond());
        }
        out.flush();
        return ExitCodes.OK;
    }

    private static BenchOptions.Via parseVia(String via) {
        try {
            return BenchOptions.Via.valueOf(via.toUpperCase(java.util.Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new BatonConfigException("--via " + via + ": must be direct, actors or both");
        }
    }

    /**
     * The benchmark times CUDA devices: the configuration must name them (its count sets the global
     * batch, {@link #accumAt}; {@code --gpus} the devices the bench runs on).
     */
    private static void checkDevices(Settings s, String profile) {
        String kind = s.text("baton.devices.kind");
        if (!kind.equals("cuda")) {
            throw new BatonConfigException("profile " + profile + " runs on " + s.wholeNumber("baton.devices.count") + " "
                    + kind + " device(s); the benchmark times GPUs: use --profile " + DEFAULT_PROFILE);
        }
    }

    /**
     * The configuration's model, param table, optimizers and schedule (the launcher's bindings:
     * for speedrun-1gpu the record's), BOS = the last id of the unpadded vocabulary (GPT-2's
     * end-of-text), the document cut of data.max-seq-len.
     */
    static BenchModel model(Settings s, long seed) {
        TrainingConfig t = TrainingBinding.bind(s).training();
        return new BenchModel(t.model(), t.table(), t.adam(), t.normuon(), new TrainingSchedule(t.schedule()), seed,
                s.wholeNumber("baton.data.max-seq-len"), s.wholeNumber("baton.model.vocab-size") - 1);
    }
}
