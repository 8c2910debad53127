package dev.baton.launcher.bench;

import java.nio.file.Path;
import java.time.Duration;

/**
 * What {@code baton bench} was asked to do.
 *
 * @param phase          the schedule phase (0..3, {@link BenchPhase})
 * @param steps          timed steps
 * @param warmup         warm-up steps before them (reported, not averaged)
 * @param gradAccum      micro-batches per step (the record: 8 at W = 1)
 * @param via            who drives the model: directly, through the actor runtime, or both
 * @param profile        print the per-operation table of one profiled micro-batch and optimizer step
 * @param pytorchScript  the PyTorch benchmark to compare with, or null for none
 * @param python         the interpreter that runs it
 * @param pytorchTimeout the longest the PyTorch side may take (torch.compile included)
 * @param gpus           GPUs the actors run on (W); above 1 only through the actors
 * @param record         folder for the actor run's schedule files and traces, or null for none
 */
public record BenchOptions(int phase, int steps, int warmup, int gradAccum, Via via, boolean profile, int maxSeqLen,
                           long seed, Path pytorchScript, String python, Duration pytorchTimeout, int gpus, Path record) {
    /** Who drives the model in the timed steps. */
    public enum Via {
        DIRECT, ACTORS, BOTH
    }

    public BenchOptions {
        if (steps < 1) {
            throw new IllegalArgumentException("--steps must be at least 1, got " + steps);
        }
        if (warmup < 0) {
            throw new IllegalArgumentException("--warmup must not be negative, got " + warmup);
        }
        if (gpus < 1) {
            throw new IllegalArgumentException("--gpus must be at least 1, got " + gpus);
        }
        if (gpus > 1 && via != Via.ACTORS) {
            throw new IllegalArgumentException("--gpus " + gpus + " runs through the actors only: add --via actors");
        }
    }

    public boolean direct() {
        return via != Via.ACTORS;
    }

    public boolean actors() {
        return via != Via.DIRECT;
    }
}
