package dev.baton.launcher.train;

import dev.baton.actors.cuda.CudaBackend;
import dev.baton.actors.cuda.CudaGptWork;
import dev.baton.actors.run.Workload;
import dev.baton.actors.training.GptWorkFactory;
import dev.baton.actors.training.LoaderBatchSource;
import dev.baton.launcher.config.RunPolicy;
import dev.baton.launcher.config.TrainingBinding;
import dev.baton.runtime.data.BatchLoader;
import dev.baton.runtime.data.LoaderOptions;
import dev.baton.runtime.data.ValLoader;
import dev.baton.runtime.schedule.TrainingSchedule;
import dev.baton.runtime.train.TrainingConfig;

/**
 * What {@code baton train} hands the actor runtime: the record's GPT and optimizer on every device
 * ({@link GptWorkFactory}, or {@link CudaGptWork} on GPUs) over the run's loaders, split into the
 * configured devices × micro-steps, with validation of {@code val-tokens} in {@code val-batch-tokens} steps.
 */
public final class TrainingWorkload {
    private TrainingWorkload() {
    }

    /** The CPU devices' work of {@code bound}: each device computes with {@code threads()} threads. */
    public static GptWorkFactory cpuWork(TrainingBinding bound) {
        TrainingConfig t = bound.training();
        RunPolicy p = bound.policy();
        return new GptWorkFactory(t.model(), t.table(), new TrainingSchedule(t.schedule()), t.adam(), t.normuon(), t.seed(),
                GptWorkFactory.microBatchTokens(t.schedule(), p.valBatchTokens(), p.world() * p.accumSteps()),
                bound.threads());
    }

    /** The run's workload; {@code cuda} null for CPU devices, else the GPUs the devices are. */
    public static Workload of(TrainingBinding bound, TrainingData data, LoaderOptions loader, CudaBackend cuda) {
        GptWorkFactory cpu = cpuWork(bound);
        RunPolicy p = bound.policy();
        TrainingSchedule schedule = cpu.schedule();
        ValLoader val = p.valSteps() == 0 ? null
                : new ValLoader(data.val(), p.valBatchTokens(), p.world(), p.accumSteps(), loader.bosId());
        Workload w = cpu.workload(new LoaderBatchSource(
                start -> new BatchLoader(data.train(), p.world(), p.accumSteps(), loader, start), schedule, val, p.valSteps()));
        return cuda == null ? w : new Workload(new CudaGptWork(cuda, cpu), w.data(), w.table(), w.schedule(), w.model());
    }
}
