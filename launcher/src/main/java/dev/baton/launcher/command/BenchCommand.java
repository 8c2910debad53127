package dev.baton.launcher.command;

import dev.baton.conf.BatonConfigException;
import dev.baton.conf.ResolvedConfig;
import dev.baton.conf.Settings;
import dev.baton.kernels.driver.CudaAvailability;
import dev.baton.launcher.ExitCodes;
import dev.baton.launcher.bench.BenchModel;
import dev.baton.launcher.bench.BenchOptions;
import dev.baton.launcher.bench.BenchPhase;
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

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;

/**
 * {@code baton bench}: times the configuration's training step on one GPU (the record's model,
 * optimizer and batch schedule with speedrun-1gpu, gradient accumulation 8) and prints tokens/s, step time, model TFLOP/s, MFU, peak
 * memory and the per-operation table; with {@code --compare-pytorch} also the PyTorch
 * torch.compile side on the same machine and the ratio. Without a GPU it says so and exits 2.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Times the record's training step on one GPU (default profile speedrun-1gpu): tokens/s, step "
                + "time, TFLOP/s, MFU, peak memory, per-operation table; --compare-pytorch adds the PyTorch side.")
public final class BenchCommand implements Callable<Integer> {
    static final String DEFAULT_PROFILE = "speedrun-1gpu";

    @Spec
    CommandSpec spec;

    @Mixin
    ConfigOptions config;

    @Option(names = "--phase", paramLabel = "P", defaultValue = "2",
            description = "Schedule phase: 0, 1, 2 (thirds of the scheduled steps: 131,072 / 262,144 / 393,216 tokens "
                    + "per step) or 3 (the extension); default ${DEFAULT-VALUE}.")
    int phase;

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

    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        String name = spec.qualifiedName();
        BenchOptions.Via who = parseVia(via);
        if (phase < 0 || phase >= BenchPhase.PHASES) {
            throw new BatonConfigException("--phase " + phase + ": must be 0, 1, 2 or 3");
        }
        ResolvedConfig resolved = config.load(DEFAULT_PROFILE);
        Settings s = resolved.settings();
        checkDevices(s, resolved.profile());
        BenchModel model = model(s, seed);
        CudaAvailability.Status cuda = CudaAvailability.probe();
        if (!cuda.available()) {
            err.println(name + ": no CUDA device (" + cuda.reason() + "); the benchmark needs one NVIDIA GPU");
            err.flush();
            return ExitCodes.USAGE;
        }
        int accum = TrainingBinding.bind(s).policy().accumSteps();
        BenchOptions options = new BenchOptions(phase, steps, warmup, accum, who,
                !noOpTable, model.maxSeqLen(), seed, comparePytorch ? pytorchScript : null, python,
                Duration.ofSeconds(pytorchTimeout));
        PrintWriter out = spec.commandLine().getOut();
        out.println("baton bench: profile " + resolved.profile() + "; " + String.join("; ", cuda.describe()));
        SpeedrunBench bench = new SpeedrunBench(model, options, out);
        double tokensPerSecond = bench.run();
        if (comparePytorch) {
            bench.comparePytorch(tokensPerSecond);
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

    /** The benchmark times one GPU: the configuration must name one CUDA device. */
    private static void checkDevices(Settings s, String profile) {
        String kind = s.text("baton.devices.kind");
        if (!kind.equals("cuda") || s.wholeNumber("baton.devices.count") != 1) {
            throw new BatonConfigException("profile " + profile + " runs on " + s.wholeNumber("baton.devices.count") + " "
                    + kind + " device(s); the benchmark times one GPU: use --profile " + DEFAULT_PROFILE);
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
