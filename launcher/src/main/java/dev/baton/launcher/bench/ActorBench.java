package dev.baton.launcher.bench;

import dev.baton.actors.cuda.CudaBackend;
import dev.baton.actors.plan.ParamLayout;
import dev.baton.actors.plan.ShardPlan;
import dev.baton.actors.run.DeviceBackend;
import dev.baton.actors.run.RunListener;
import dev.baton.actors.run.RunResult;
import dev.baton.actors.run.RunSettings;
import dev.baton.actors.run.StepReport;
import dev.baton.actors.run.TrainingRun;
import dev.baton.actors.run.Workload;
import dev.baton.actors.training.OptimizerWork;
import dev.baton.actors.training.PlanShardAssignment;
import dev.baton.actors.training.TableLayouts;
import dev.baton.actors.work.BatchSource;
import dev.baton.actors.work.DeviceWork;
import dev.baton.actors.work.StepSchedule;
import dev.baton.actors.work.WorkFactory;
import dev.baton.kernels.ops.CudaOps;
import dev.baton.kernels.optim.CudaOptimizerKernels;
import dev.baton.runtime.data.Batch;
import dev.baton.runtime.model.Gpt;
import dev.baton.runtime.model.GptParams;
import dev.baton.runtime.ops.Ops;
import dev.baton.runtime.optim.NorMuonAndAdam;
import dev.baton.runtime.optim.OptimizerKernels;
import dev.baton.runtime.param.ParamSet;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The same steps through the actor runtime on the CUDA backend: a {@link CudaBackend} on GPUs
 * 0 .. W-1, one DeviceWorker per GPU whose compute and comm streams are CUDA streams, NCCL for the
 * collectives, the scheduler's per-parameter commands, and the coordinator waiting for each step.
 * Step times are the coordinator's (send to last answer), so they include every cost of the
 * runtime. When the phase is untied, the tie ends after step 1: run at least two warm-up steps.
 *
 * <p>At W GPUs the phase's micro-batches per rank are the global ones over W, and micro-batch j of
 * rank r in step s is the pool's {@code s·accum·W + j·W + r}: every step trains on the same global
 * micro-batches at any W, so with the same seed the losses agree with the one-GPU run up to the
 * order of the sums (the gradients are averaged over the ranks, each rank's loss scaled by 1 / accum).
 */
final class ActorBench {
    private ActorBench() {
    }

    /** Makes a rank's backend and optimizer kernels, on the worker's thread. */
    interface Devices {
        Ops ops(int rank);

        OptimizerKernels kernels(Ops ops);
    }

    /**
     * What to do besides timing: the number of ranks, where to record schedule files (null = none;
     * {@link #recordEvery} says which steps), and where to print each step's loss line (null = nowhere).
     */
    record Extras(int world, Path record, PrintWriter steps) {
        static final Extras NONE = new Extras(1, null, null);

        Extras {
            if (world < 1) {
                throw new IllegalArgumentException("world " + world);
            }
        }
    }

    /** Through the actors on GPUs 0 .. extras.world - 1 ({@link CudaBackend}). */
    static StepTimes run(BenchModel m, BenchPhase phase, Batch[] pool, int warmup, int steps, Extras extras) {
        try (CudaBackend backend = CudaBackend.firstDevices(extras.world())) {
            return run(m, phase, pool, warmup, steps, backend, extras, new Devices() {
                @Override
                public Ops ops(int rank) {
                    return backend.ops(rank);
                }

                @Override
                public OptimizerKernels kernels(Ops ops) {
                    return new CudaOptimizerKernels((CudaOps) ops);
                }
            });
        }
    }

    /** Through the actors at W = 1 on {@code backend}, whose rank 0 {@code devices} equips. */
    static StepTimes run(BenchModel m, BenchPhase phase, Batch[] pool, int warmup, int steps, DeviceBackend backend,
                         Devices devices) {
        return run(m, phase, pool, warmup, steps, backend, Extras.NONE, devices);
    }

    /**
     * The recorded steps of a run of {@code total} steps: every {@code recordEvery(total)}-th from
     * step 0, i.e. the first (a warm-up step) and two or three later ones, enough for replay to
     * calibrate on and few enough that recording costs nothing that matters.
     */
    static int recordEvery(int total) {
        return Math.max(1, (total - 1) / 2);
    }

    /** Through the actors at W = extras.world on {@code backend}, whose ranks {@code devices} equips. */
    static StepTimes run(BenchModel m, BenchPhase phase, Batch[] pool, int warmup, int steps, DeviceBackend backend,
                         Extras extras, Devices devices) {
        int total = warmup + steps;
        // untied phases: the tie ends after step 1 (an Adam step, as the record's split step), a warm-up step
        long split = phase.tied() ? Integer.MAX_VALUE : 1;
        StepSchedule schedule = new StepSchedule() {
            @Override
            public boolean adamStep(long step) {
                return step % 2 == 1;
            }

            @Override
            public long splitStep() {
                return split;
            }
        };
        List<Double> times = Collections.synchronizedList(new ArrayList<>());
        RunListener listener = new RunListener() {
            @Override
            public void stepDone(StepReport r) {
                times.add(r.wallNanos() / 1e6);
                if (extras.steps() != null) {
                    extras.steps().printf(Locale.ROOT, "step %d loss %.6f ms %.1f%n", r.step(), r.loss(), r.wallNanos() / 1e6);
                    extras.steps().flush();
                }
            }
        };
        Workload workload = new Workload(new Factory(devices, m, phase, (int) split), new Source(pool, phase.gradAccum()),
                m.table(), schedule);
        RunSettings settings = RunSettings.defaults(extras.world(), total)
                .withTimeouts(Duration.ofSeconds(120), Duration.ofSeconds(60));
        if (extras.record() != null) {
            settings = settings.withTrace(extras.record(), recordEvery(total), 0);
        }
        RunResult result;
        try (TrainingRun run = TrainingRun.start(settings, workload, backend, listener)) {
            result = run.await(Duration.ofMinutes(10));
        }
        if (result.status() != RunResult.Status.COMPLETED) {
            throw new IllegalStateException("the actor run ended " + result.status() + ": " + result.message());
        }
        List<Double> all = List.copyOf(times);
        return new StepTimes(all.subList(0, warmup), all.subList(warmup, all.size()));
    }

    /** Rank 0's work: the model and optimizer over the phase, on the device {@code devices} gives. */
    private record Factory(Devices devices, BenchModel m, BenchPhase phase, int splitStep) implements WorkFactory {
        @Override
        public List<ParamLayout> layouts(int world) {
            return TableLayouts.of(m.table(), GptParams.shapes(m.model()), Map.of("mlp", m.model().numLayers()));
        }

        @Override
        public DeviceWork create(int rank, ShardPlan plan) {
            Ops ops = devices.ops(rank);
            OptimizerKernels kernels = devices.kernels(ops);
            ParamSet params = GptParams.create(ops, m.model(), m.seed());
            NorMuonAndAdam optimizer = new NorMuonAndAdam(m.table(), params, ops, kernels, m.adam(), m.normuon(),
                    new PlanShardAssignment(plan, rank), splitStep);
            PhasePass pass = new PhasePass(new Gpt(ops, m.model(), params, phase.microTokens()), ops, phase);
            return new OptimizerWork(ops, params, m.table(), optimizer, kernels, m.schedule(), pass, plan, rank);
        }
    }

    /** The pool's micro-batches, cycled over the steps. */
    private record Source(Batch[] pool, int accum) implements BatchSource {
        @Override
        public Batch[][] next(long step, int world) {
            Batch[][] out = new Batch[accum][world];
            for (int j = 0; j < accum; j++) {
                for (int r = 0; r < world; r++) {
                    out[j][r] = pool[(int) ((step * accum * world + j * world + r) % pool.length)];
                }
            }
            return out;
        }

        @Override
        public Map<String, Long> position() {
            return Map.of();
        }

        @Override
        public void restore(Map<String, Long> position) {
        }
    }
}
