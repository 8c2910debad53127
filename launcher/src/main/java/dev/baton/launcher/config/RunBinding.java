package dev.baton.launcher.config;

import dev.baton.conf.Settings;
import dev.baton.runtime.data.LoaderOptions;
import dev.baton.runtime.schedule.ScheduleConfig;

import java.nio.file.Path;

import static dev.baton.launcher.config.ConfigErrors.require;

/**
 * {@code baton.run}, {@code baton.devices} and the loader keys of {@code baton.data} onto the
 * run's {@link RunPolicy} and {@link LoaderOptions}: world size, gradient accumulation
 * (0 derives the record's 8 / world), validation, checkpoints and the loss log
 * ({@code <log-dir>/train.jsonl}).
 */
public final class RunBinding {
    /** The file name of the loss log inside {@code baton.run.log-dir}. */
    public static final String LOG_FILE = "train.jsonl";

    private RunBinding() {
    }

    /** Devices over all nodes: {@code devices.count × cluster.nodes}. */
    public static int world(Settings s) {
        int count = s.wholeNumber("baton.devices.count");
        require(count >= 1, s, "baton.devices.count", "must be >= 1");
        int nodes = s.wholeNumber("baton.cluster.nodes");
        require(nodes >= 1, s, "baton.cluster.nodes", "must be >= 1");
        return count * nodes;
    }

    /** {@code run.grad-accum-steps}, or the record's 8 / world when 0 and that divides (else 1). */
    public static int accumSteps(Settings s, int world) {
        int a = s.wholeNumber("baton.run.grad-accum-steps");
        require(a >= 0, s, "baton.run.grad-accum-steps", "must be >= 0 (0 derives 8 / world size)");
        return a > 0 ? a : (8 % world == 0 ? 8 / world : 1);
    }

    /**
     * Compute threads of each CPU device: {@code cpu-threads}, or when 0 the machine's cores shared
     * out over the process's {@code count} devices (at least one each).
     */
    public static int threads(Settings s) {
        int t = s.wholeNumber("baton.devices.cpu-threads");
        require(t >= 0, s, "baton.devices.cpu-threads", "must be >= 0 (0 = the cores shared over the devices)");
        return t > 0 ? t : Math.max(1, Runtime.getRuntime().availableProcessors() / s.wholeNumber("baton.devices.count"));
    }

    public static RunPolicy policy(Settings s, ScheduleConfig schedule, int world, int accum) {
        int slices = world * accum;
        for (int b : schedule.batchTokens()) {
            require(b % slices == 0, s, "baton.optim.schedule.batch-tokens", b + " tokens do not split into " + world
                    + " devices x " + accum + " micro-steps");
        }
        require(schedule.extensionBatchTokens() % slices == 0, s, "baton.optim.schedule.extension-batch-tokens",
                "does not split into " + world + " devices x " + accum + " micro-steps");
        int valTokens = s.wholeNumber("baton.data.val-tokens");
        int valBatch = s.wholeNumber("baton.data.val-batch-tokens");
        require(valBatch > 0 && valBatch % slices == 0, s, "baton.data.val-batch-tokens", "must be a positive multiple of "
                + world + " devices x " + accum + " micro-steps");
        require(valTokens >= 0 && valTokens % valBatch == 0, s, "baton.data.val-tokens",
                "must be a multiple of val-batch-tokens (" + valBatch + ")");
        int valEvery = s.wholeNumber("baton.run.val-every");
        require(valEvery >= 0, s, "baton.run.val-every", "must be >= 0");
        int every = s.wholeNumber("baton.run.checkpoint-every");
        require(every >= 0, s, "baton.run.checkpoint-every", "must be >= 0");
        int keep = s.wholeNumber("baton.run.checkpoint-keep");
        require(keep >= 0, s, "baton.run.checkpoint-keep", "must be >= 0 (0 keeps all)");
        return new RunPolicy(world, accum, valEvery, valTokens, valBatch, Path.of(s.text("baton.run.checkpoint-dir")), every,
                keep, Path.of(s.text("baton.run.log-dir")).resolve(LOG_FILE));
    }

    /** The record's loader with this tokenizer's BOS, cycling over epochs and shuffling if configured. */
    public static LoaderOptions loader(Settings s, int bosId) {
        int max = s.wholeNumber("baton.data.max-seq-len");
        require(max > 0, s, "baton.data.max-seq-len", "must be > 0");
        LoaderOptions options = LoaderOptions.record(max, bosId).withCycle(s.flag("baton.data.cycle"));
        return s.flag("baton.data.shuffle") ? options.withShuffleSeed(s.wholeNumber("baton.data.seed")) : options;
    }
}
