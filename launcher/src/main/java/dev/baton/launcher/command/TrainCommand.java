package dev.baton.launcher.command;

import dev.baton.conf.BatonConfigException;
import dev.baton.conf.ResolvedConfig;
import dev.baton.conf.Settings;
import dev.baton.launcher.ExitCodes;
import dev.baton.launcher.golf.GolfSettings;
import dev.baton.launcher.golf.GolfTrainRun;
import dev.baton.launcher.config.RunBinding;
import dev.baton.launcher.config.TrainingBinding;
import dev.baton.launcher.options.ConfigOptions;
import dev.baton.launcher.train.CheckpointLocation;
import dev.baton.launcher.train.TextSample;
import dev.baton.launcher.train.TrainingConsole;
import dev.baton.launcher.train.TrainingData;
import dev.baton.runtime.checkpoint.CheckpointStore;
import dev.baton.runtime.data.LoaderOptions;
import dev.baton.runtime.report.ReadableUnits;
import dev.baton.runtime.schedule.TrainingSchedule;
import dev.baton.runtime.train.InitialWeights;
import dev.baton.runtime.train.SingleDeviceExecutor;
import dev.baton.runtime.train.StopRequest;
import dev.baton.runtime.train.TrainingCheckpoint;
import dev.baton.runtime.train.TrainingLoop;
import dev.baton.runtime.train.TrainingOutcome;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * {@code baton train}: trains the configured model (tiny-cpu by default), printing progress,
 * validation losses, where the checkpoint and the loss log went, and a sample of generated text.
 * Ctrl-C finishes the step in flight, writes a checkpoint and exits; {@code --resume} continues
 * from it with the losses an uninterrupted run would have had.
 */
@Command(name = "train", mixinStandardHelpOptions = true,
        description = "Trains a model with the chosen profile and overrides (default profile: tiny-cpu).")
public final class TrainCommand implements Callable<Integer> {
    /** How long Ctrl-C waits for the step in flight and its checkpoint before the step is abandoned. */
    private static final long STOP_WAIT_SECONDS = 120;

    @Spec
    CommandSpec spec;

    @Mixin
    ConfigOptions config;

    @Option(names = "--resume", arity = "0..1", paramLabel = "DIR", fallbackValue = "",
            description = "Continue from a checkpoint: DIR is a checkpoint folder or a checkpoint directory; "
                    + "without DIR, the newest checkpoint in baton.run.checkpoint-dir.")
    String resume;

    @Option(names = "--init-from", paramLabel = "FILE",
            description = "Start from these weights (safetensors with the record's parameter names, or a checkpoint folder).")
    Path initFrom;

    @Option(names = "--sample-tokens", paramLabel = "N", defaultValue = "200",
            description = "Tokens of text to generate at the end (0: none; default ${DEFAULT-VALUE}).")
    int sampleTokens;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        ResolvedConfig resolved = config.load();
        if (GolfSettings.selected(resolved.settings())) {
            return GolfTrainRun.run(resolved, out);
        }
        Settings s = resolved.settings();
        String kind = s.choice("baton.devices.kind", "cpu", "cuda");
        if (kind.equals("cuda")) {
            err.println("baton train: training on CUDA devices is not available yet (the CUDA backend is not wired "
                    + "into the trainer); use a CPU profile or --set baton.devices.kind=cpu");
            return ExitCodes.NOT_AVAILABLE;
        }
        TrainingBinding bound = TrainingBinding.bind(s);
        Path from = resumeFrom(s, bound.policy().checkpointDir());
        if (from != null && initFrom != null) {
            err.println("baton train: --init-from and resuming (" + from + ") exclude each other: a resumed run "
                    + "continues its own weights");
            return ExitCodes.USAGE;
        }
        TrainingCheckpoint.Loaded checkpoint = from == null ? null : TrainingCheckpoint.read(from, bound.training().table());
        TrainingData data = TrainingData.resolve(s);
        int tokenizerVocab = data.tokenizer().vocabSize();
        if (bound.training().model().vocabSize() < tokenizerVocab) {
            throw new BatonConfigException("baton.model.vocab-size = " + s.describe("baton.model.vocab-size")
                    + ": smaller than the vocabulary of tokenizer " + data.tokenizer().name() + " (" + tokenizerVocab + ")");
        }
        LoaderOptions loader = RunBinding.loader(s, data.tokenizer().bosId());
        header(err, resolved.profile(), bound, data);

        StopRequest stop = new StopRequest();
        CountDownLatch finished = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            stop.request();
            try {
                finished.await(STOP_WAIT_SECONDS, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "baton-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        TrainingConsole console = new TrainingConsole(System.err);
        try (SingleDeviceExecutor exec = SingleDeviceExecutor.onCpu(bound.training(), bound.maxSliceTokens(), bound.threads())) {
            if (initFrom != null) {
                InitialWeights.load(initFrom, exec);
                err.println("baton train: starting from the weights in " + InitialWeights.file(initFrom));
            }
            TrainingLoop loop = new TrainingLoop(bound.training(), bound.policy(), exec, data.train(), data.val(), loader,
                    console, stop, resolved.render());
            TrainingOutcome outcome = loop.run(checkpoint);
            console.finish();
            summary(out, outcome, bound, console);
            if (sampleTokens > 0 && outcome.status() == TrainingOutcome.Status.COMPLETED) {
                TextSample sample = new TextSample(data.tokenizer(), bound.training().schedule());
                out.println("sample (" + sampleTokens + " tokens, temperature " + TextSample.TEMPERATURE + ", top-k "
                        + TextSample.TOP_K + ", seed " + bound.training().seed() + "):");
                out.println(sample.generate(exec, outcome.stepsDone(), "", sampleTokens, TextSample.TEMPERATURE,
                        TextSample.TOP_K, bound.training().seed()));
            }
            out.flush();
            return ExitCodes.OK;
        } finally {
            finished.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // Ctrl-C: the hook is running and now returns
            }
        }
    }

    /**
     * The checkpoint to continue: {@code --resume DIR}; {@code --resume} alone, the newest in the
     * checkpoint directory (which must exist); else {@code baton.run.resume-from}; else with
     * {@code baton.run.resume = true} the newest if there is one. Null for a fresh run.
     */
    private Path resumeFrom(Settings s, Path checkpointDir) {
        if (resume != null) {
            return CheckpointLocation.resolve(resume.isEmpty() ? checkpointDir : Path.of(resume));
        }
        String configured = s.text("baton.run.resume-from");
        if (!configured.isBlank()) {
            return CheckpointLocation.resolve(Path.of(configured));
        }
        if (s.flag("baton.run.resume")) {
            return new CheckpointStore(checkpointDir, 0).latest().orElse(null);
        }
        return null;
    }

    private static void header(PrintWriter err, String profile, TrainingBinding b, TrainingData data) {
        var m = b.training().model();
        var p = b.policy();
        long tokens = 0;
        var sc = b.training().schedule();
        var schedule = new TrainingSchedule(sc);
        for (int i = 0; i < schedule.numIterations(); i++) {
            tokens += schedule.batchTokens(i);
        }
        err.println(String.format(Locale.ROOT, "baton train: profile %s: %d layers, d=%d, %d heads, vocab %d (%s); "
                        + "%d steps, %s tokens", profile, m.numLayers(), m.modelDim(), m.numHeads(), m.vocabSize(),
                data.tokenizer().name(), schedule.numIterations(), ReadableUnits.compact(tokens)));
        err.println("baton train: data: " + data.description());
        if (p.world() > 1) {
            err.println("baton train: " + p.world() + " devices configured; until the actor runtime lands, one CPU device ("
                    + b.threads() + " threads) runs every device's micro-batch in turn (W = 1, the same math)");
        }
    }

    private static void summary(PrintWriter out, TrainingOutcome o, TrainingBinding b, TrainingConsole console) {
        String rate = Double.isNaN(console.tokensPerSecond()) ? ""
                : ", " + ReadableUnits.compact(console.tokensPerSecond()) + " tokens/s";
        if (o.status() == TrainingOutcome.Status.STOPPED) {
            out.println("stopped after step " + o.stepsDone() + " (resume with: baton train --resume)");
        }
        String val = Double.isNaN(o.lastValLoss()) ? "no validation in this run"
                : String.format(Locale.ROOT, "val_loss %.4f", o.lastValLoss());
        out.println(String.format(Locale.ROOT, "%s after %d steps (%s of training%s)", val, o.stepsDone(),
                ReadableUnits.duration(o.elapsedMillis() / 1000.0), rate));
        out.println("checkpoint: " + (o.lastCheckpoint() == null ? "none written" : o.lastCheckpoint()));
        out.println("loss log:   " + b.policy().logFile());
        out.println("trace:      not recorded (the schedule recorder comes with the actor runtime)");
    }
}
