package dev.baton.launcher.command;

import dev.baton.actors.cluster.ClusterLauncher;
import dev.baton.actors.cluster.ClusterSettings;
import dev.baton.actors.run.LossLogReport;
import dev.baton.actors.run.ProgressReport;
import dev.baton.actors.run.RunListener;
import dev.baton.actors.run.RunResult;
import dev.baton.actors.run.RunSettings;
import dev.baton.actors.run.StopMode;
import dev.baton.actors.run.TrainingRun;
import dev.baton.actors.run.Workload;
import dev.baton.actors.scheduler.ScheduleOrders;
import dev.baton.conf.BatonConfigException;
import dev.baton.conf.ResolvedConfig;
import dev.baton.conf.Settings;
import dev.baton.launcher.ExitCodes;
import dev.baton.launcher.config.RunBinding;
import dev.baton.launcher.config.RunPolicy;
import dev.baton.launcher.config.TrainingBinding;
import dev.baton.launcher.golf.GolfSettings;
import dev.baton.launcher.golf.GolfTrainRun;
import dev.baton.launcher.options.ConfigOptions;
import dev.baton.launcher.train.CheckpointLocation;
import dev.baton.launcher.train.StartedRun;
import dev.baton.launcher.train.TextSample;
import dev.baton.launcher.train.TrainingData;
import dev.baton.launcher.train.TrainingDevices;
import dev.baton.launcher.train.TrainingWorkload;
import dev.baton.runtime.checkpoint.CheckpointStore;
import dev.baton.runtime.data.LoaderOptions;
import dev.baton.runtime.optim.ParamTable;
import dev.baton.runtime.report.ReadableUnits;
import dev.baton.runtime.schedule.TrainingSchedule;
import dev.baton.runtime.train.LoadedModel;
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
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * {@code baton train}: trains the configured model (tiny-cpu by default) through the actor runtime,
 * one DeviceWorker per configured device (virtual CPU devices, or GPUs with
 * {@code baton.devices.kind = cuda}), printing progress, validation losses, where the checkpoint,
 * the loss log and the traces went, and a sample of generated text from the final checkpoint.
 * Ctrl-C finishes the step in flight, writes a checkpoint and exits; {@code --resume} continues
 * from it with the losses an uninterrupted run would have had. With {@code baton.cluster.nodes > 1}
 * this process is one node of a multi-node run ({@link ClusterLauncher}): it trains its
 * {@code devices.count} devices, the leader node prints the progress and writes the loss log, and
 * every node ends with the run's result and exit code.
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
        TrainingBinding bound = TrainingBinding.bind(s);
        RunPolicy policy = bound.policy();
        Path from = resumeFrom(s, policy.checkpointDir());
        if (from != null && initFrom != null) {
            err.println("baton train: --init-from and resuming (" + from + ") exclude each other: a resumed run "
                    + "continues its own weights");
            return ExitCodes.USAGE;
        }
        TrainingData data = TrainingData.resolve(s);
        int tokenizerVocab = data.tokenizer().vocabSize();
        if (bound.training().model().vocabSize() < tokenizerVocab) {
            throw new BatonConfigException("baton.model.vocab-size = " + s.describe("baton.model.vocab-size")
                    + ": smaller than the vocabulary of tokenizer " + data.tokenizer().name() + " (" + tokenizerVocab + ")");
        }
        LoaderOptions loader = RunBinding.loader(s, data.tokenizer().bosId());
        RunSettings configured = RunSettings.fromConfig(resolved.config());
        ParamTable table = bound.training().table();
        // the bound table's orders: the configured ones without the labels this model lacks (e.g. ve2 of a short layout)
        RunSettings settings = configured.withWorld(policy.world())
                .withOrders(new ScheduleOrders(table.scatterOrder(), table.workOrder(), configured.orders().groups()))
                .withResumeFrom(from).withInitFrom(initFrom).withConfigText(resolved.render());
        ClusterSettings cluster = null;
        if (s.wholeNumber("baton.cluster.nodes") > 1) {
            try {
                cluster = ClusterSettings.fromConfig(resolved.config());
            } catch (IllegalArgumentException e) {
                err.println("baton train: " + e.getMessage());
                return ExitCodes.USAGE;
            }
        }
        // a cluster node opens only its own devices (ranks of the other nodes run there)
        int localDevices = cluster == null ? policy.world() : cluster.devicesPerNode();
        String missing = TrainingDevices.unavailable(s, localDevices);
        if (missing != null) {
            err.println("baton train: baton.devices.kind = cuda but " + missing
                    + "; run on a machine with NVIDIA GPUs or use --set baton.devices.kind=cpu");
            return ExitCodes.NOT_AVAILABLE;
        }
        try (TrainingDevices devices = TrainingDevices.open(s, localDevices)) {
            header(err, resolved, bound, data, devices, cluster);
            return train(out, err, bound, data, loader, settings, devices, cluster);
        }
    }

    private int train(PrintWriter out, PrintWriter err, TrainingBinding bound, TrainingData data, LoaderOptions loader,
                      RunSettings settings, TrainingDevices devices, ClusterSettings cluster) {
        TrainingSchedule schedule = new TrainingSchedule(bound.training().schedule());
        ProgressReport progress = new ProgressReport(System.err);
        LossLogReport log = new LossLogReport(bound.policy().logFile(), step -> schedule.lrFactor(Math.toIntExact(step)));
        AtomicBoolean started = new AtomicBoolean();
        // the progress bar shows notices once the run started; a cluster node's joining notices come
        // before that, and a follower node never hears the start (the leader's coordinator drives the steps)
        RunListener listener = RunListener.all(progress, log, new RunListener() {
            @Override
            public void started(int world, long firstStep, long steps) {
                started.set(true);
            }

            @Override
            public void notice(String message) {
                if (!started.get()) {
                    System.err.println("baton train: " + message);
                }
            }
        });
        Workload workload = TrainingWorkload.of(bound, data, loader, devices.cuda());
        StartedRun begun;
        if (cluster == null) {
            begun = StartedRun.local(TrainingRun.start(settings, workload, devices.backend(), listener));
        } else {
            try {
                begun = StartedRun.cluster(ClusterLauncher.start(cluster, settings, workload, listener, devices.cuda()));
            } catch (IllegalArgumentException e) {
                err.println("baton train: " + e.getMessage());
                return ExitCodes.USAGE;
            } catch (IllegalStateException e) {
                err.println("baton train: " + e.getMessage());
                return ExitCodes.FAILURE;
            }
        }
        CountDownLatch finished = new CountDownLatch(1);
        RunResult result;
        try (StartedRun run = begun) {
            Thread hook = new Thread(() -> {
                run.requestStop(StopMode.FINISH_STEP);
                try {
                    finished.await(STOP_WAIT_SECONDS, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "baton-stop");
            Runtime.getRuntime().addShutdownHook(hook);
            try {
                result = run.result().join();
                System.err.flush();
                if (result.status() == RunResult.Status.REFUSED || result.status() == RunResult.Status.FAILED) {
                    err.println("baton train: " + result.message());
                    return result.status() == RunResult.Status.REFUSED ? ExitCodes.USAGE : ExitCodes.FAILURE;
                }
                summary(out, result, progress, bound, settings, started.get());
                if (sampleTokens > 0 && result.status() == RunResult.Status.COMPLETED && result.lastCheckpoint() != null) {
                    if (started.get()) {
                        sample(out, bound, data, result);
                    } else {
                        // a follower's run.checkpoint-dir need not be the leader's folder: the leader samples
                        out.println("sample:     on the cluster's leader node");
                    }
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
    }

    /** Text from the final checkpoint's weights, on one CPU device, with the windows of the run's end. */
    private void sample(PrintWriter out, TrainingBinding bound, TrainingData data, RunResult result) {
        int context = sampleTokens + 1;
        try (LoadedModel model = LoadedModel.load(result.lastCheckpoint(), bound.training().model(),
                new TrainingSchedule(bound.training().schedule()), context, bound.oneDeviceThreads())) {
            TextSample sample = new TextSample(data.tokenizer());
            out.println("sample (" + sampleTokens + " tokens, temperature " + TextSample.TEMPERATURE + ", top-k "
                    + TextSample.TOP_K + ", seed " + bound.training().seed() + "):");
            out.println(sample.generate(model, Math.toIntExact(result.nextStep()), "", sampleTokens, TextSample.TEMPERATURE,
                    TextSample.TOP_K, bound.training().seed()));
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

    private static void header(PrintWriter err, ResolvedConfig resolved, TrainingBinding b, TrainingData data,
                               TrainingDevices devices, ClusterSettings cluster) {
        var m = b.training().model();
        var p = b.policy();
        long tokens = 0;
        var schedule = new TrainingSchedule(b.training().schedule());
        for (int i = 0; i < schedule.numIterations(); i++) {
            tokens += schedule.batchTokens(i);
        }
        err.println(String.format(Locale.ROOT, "baton train: profile %s: %d layers, d=%d, %d heads, vocab %d (%s); "
                        + "%d steps, %s tokens", resolved.profile(), m.numLayers(), m.modelDim(), m.numHeads(), m.vocabSize(),
                data.tokenizer().name(), schedule.numIterations(), ReadableUnits.compact(tokens)));
        err.println("baton train: data: " + data.description());
        err.println("baton train: " + p.world() + " " + devices.describe(b.threads()) + " x " + p.accumSteps()
                + " micro-step" + (p.accumSteps() == 1 ? "" : "s") + " per step, through the actor runtime");
        if (cluster != null) {
            err.println("baton train: node " + cluster.node() + " of " + cluster.nodes() + " (" + cluster.devicesPerNode()
                    + " device" + (cluster.devicesPerNode() == 1 ? "" : "s") + " here), joining through "
                    + cluster.seedNodes() + " within " + cluster.joinTimeout().toSeconds() + " s");
        }
        err.flush();
    }

    private static void summary(PrintWriter out, RunResult r, ProgressReport progress, TrainingBinding b,
                                RunSettings settings, boolean heardSteps) {
        double rate = progress.tokensPerSecond();
        String rateText = Double.isNaN(rate) ? "" : ", " + ReadableUnits.compact(rate) + " tokens/s";
        if (r.status() == RunResult.Status.STOPPED) {
            out.println("stopped after step " + r.nextStep() + " (resume with: baton train --resume)");
        }
        String val = Double.isNaN(progress.lastValLoss()) ? "no validation in this run"
                : String.format(Locale.ROOT, "val_loss %.4f", progress.lastValLoss());
        out.println(String.format(Locale.ROOT, "%s after %d steps (%s of training%s)", val, r.nextStep(),
                ReadableUnits.duration(progress.trainingSeconds()), rateText));
        out.println("checkpoint: " + (r.lastCheckpoint() == null ? "none written" : r.lastCheckpoint()));
        // on a cluster only the leader node hears the steps and writes the log
        out.println("loss log:   " + (heardSteps ? b.policy().logFile() : "none here (the cluster's leader node writes it)"));
        out.println("trace:      " + (settings.traceDir() == null ? "not recorded (baton.trace.enabled = false)"
                : settings.traceDir() + " (Chrome trace for Perfetto, schedule files for `baton replay`)"));
    }
}
