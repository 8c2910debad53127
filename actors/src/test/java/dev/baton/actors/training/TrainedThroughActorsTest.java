package dev.baton.actors.training;

import dev.baton.actors.run.RunListener;
import dev.baton.actors.run.RunResult;
import dev.baton.actors.run.RunSettings;
import dev.baton.actors.run.StepReport;
import dev.baton.actors.run.TrainingRun;
import dev.baton.actors.work.DeviceWork;
import dev.baton.runtime.data.BatchLoader;
import dev.baton.runtime.data.LoaderState;
import dev.baton.runtime.data.StepPlan;
import dev.baton.runtime.ops.cpu.CpuOps;
import dev.baton.runtime.optim.NorMuonAndAdam;
import dev.baton.runtime.optim.ShardAssignment;
import dev.baton.runtime.param.ParamSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The runtime's real optimizer, schedule and loader through the actors: W = 1 reproduces the
 * optimizer's own single-device {@code step()} bit for bit; W = 2 and 4 match it up to the order
 * of gradient sums; a checkpoint taken at W = 4 after the untie resumes at W = 2.
 */
@Timeout(60)
class TrainedThroughActorsTest {
    static final int STEPS = 8; // record-small: untie after step 5
    @TempDir
    static Path dir;
    static Path shard;
    static Map<Long, Double> refLosses = new LinkedHashMap<>();
    static Map<String, float[]> refWeights;

    /** The single-device path: forward/backward per micro-batch, then NorMuonAndAdam.step. */
    @BeforeAll
    static void reference() {
        shard = MiniWorkload.shard(dir);
        CpuOps ops = new CpuOps(1);
        ParamSet ps = MiniWorkload.params(ops, 1);
        NorMuonAndAdam opt = MiniWorkload.optimizer(ps, ops, new dev.baton.runtime.optim.cpu.CpuOptimizerKernels(1),
                ShardAssignment.single());
        MiniModel model = new MiniModel(ps, MiniWorkload.used(), MiniWorkload.DIM, MiniWorkload.VOCAB);
        BatchLoader loader = MiniWorkload.loader(shard, 1, LoaderState.START);
        for (int step = 0; step < STEPS; step++) {
            StepPlan plan = loader.nextStep(MiniWorkload.SCHEDULE.batchTokens(step));
            double loss = 0;
            for (int a = 0; a < plan.accumSteps(); a++) {
                loss += model.forwardBackward(plan.batch(a, 0), 1f / plan.accumSteps(), step);
            }
            refLosses.put((long) step, loss);
            opt.step(step, MiniWorkload.SCHEDULE.lrFactor(step), MiniWorkload.SCHEDULE.momentum(step),
                    MiniWorkload.SCHEDULE.isAdamStep(step));
        }
        refWeights = used(ps);
    }

    private static Map<String, float[]> used(ParamSet ps) {
        Map<String, float[]> out = new LinkedHashMap<>();
        MiniWorkload.used().forEach((name, n) -> {
            float[] all = dev.baton.runtime.ops.cpu.CpuTensor.of(ps.get(name).value()).floats();
            out.put(name, java.util.Arrays.copyOf(all, n));
        });
        return out;
    }

    private record Outcome(RunResult result, Map<Long, Double> losses, Map<String, float[]> weights) {
    }

    private static Outcome run(RunSettings s) {
        Map<Long, Double> losses = new LinkedHashMap<>();
        AtomicReference<Map<String, float[]>> weights = new AtomicReference<>();
        var w = MiniWorkload.workload(shard, s.world());
        Map<String, dev.baton.runtime.tensor.Tensor> captured = new java.util.concurrent.ConcurrentHashMap<>();
        var factory = new dev.baton.actors.work.WorkFactory() {
            @Override
            public List<dev.baton.actors.plan.ParamLayout> layouts(int world) {
                return w.work().layouts(world);
            }

            @Override
            public DeviceWork create(int rank, dev.baton.actors.plan.ShardPlan plan) {
                DeviceWork d = w.work().create(rank, plan);
                if (rank == 0) {
                    // heap tensors stay readable after the work is closed at the end of the run
                    MiniWorkload.table().inScatterOrder().forEach(e -> captured.put(e.param(), d.value(e.label())));
                }
                return d;
            }
        };
        RunListener l = new RunListener() {
            @Override
            public void stepDone(StepReport r) {
                synchronized (losses) {
                    losses.put(r.step(), r.loss());
                }
            }
        };
        RunResult r;
        try (TrainingRun run = TrainingRun.start(s, new dev.baton.actors.run.Workload(factory, w.data(), w.table(), w.schedule()), l)) {
            r = run.await(Duration.ofSeconds(40));
        }
        assertEquals(RunResult.Status.COMPLETED, r.status(), r.message());
        Map<String, float[]> out = new LinkedHashMap<>();
        MiniWorkload.used().forEach((name, n) ->
                out.put(name, java.util.Arrays.copyOf(dev.baton.runtime.ops.cpu.CpuTensor.of(captured.get(name)).floats(), n)));
        weights.set(out);
        synchronized (losses) {
            return new Outcome(r, new LinkedHashMap<>(losses), weights.get());
        }
    }

    @Test
    void oneDeviceThroughTheActorsIsTheOptimizersOwnStepBitForBit() {
        Outcome o = run(RunSettings.defaults(1, STEPS));
        assertEquals(refLosses, o.losses());
        for (String p : refWeights.keySet()) {
            assertArrayEquals(refWeights.get(p), o.weights().get(p), p);
        }
        Map<String, float[]> init = used(MiniWorkload.params(new CpuOps(1), 1));
        for (String p : refWeights.keySet()) {
            double moved = 0;
            for (int i = 0; i < init.get(p).length; i++) {
                moved = Math.max(moved, Math.abs(refWeights.get(p)[i] - init.get(p)[i]));
            }
            assertTrue(moved > 1e-3, p + " was updated (moved " + moved + "): the comparison is not vacuous");
        }
    }

    @Test
    void twoAndFourDevicesGiveTheSameNumbers() {
        for (int w : new int[] {2, 4}) {
            Outcome o = run(RunSettings.defaults(w, STEPS));
            for (long s = 0; s < STEPS; s++) {
                assertEquals(refLosses.get(s), o.losses().get(s), 1e-6 * refLosses.get(s), "W=" + w + " step " + s);
            }
            for (String p : refWeights.keySet()) {
                assertArrayEquals(refWeights.get(p), o.weights().get(p), 2e-5f, "W=" + w + " " + p);
            }
        }
    }

    @Test
    void aCheckpointAtFourDevicesAfterTheUntieResumesAtTwo(@TempDir Path ck) {
        Outcome four = run(RunSettings.defaults(4, 6).withCheckpoints(ck, 0));
        assertEquals(ck.resolve("step-00000006"), four.result().lastCheckpoint());
        Outcome two = run(RunSettings.defaults(2, STEPS).withResumeFrom(ck.resolve("step-00000006")));
        assertEquals(List.of(6L, 7L), List.copyOf(two.losses().keySet()));
        for (long s = 6; s < STEPS; s++) {
            assertEquals(refLosses.get(s), two.losses().get(s), 1e-6 * refLosses.get(s), "resumed step " + s);
        }
        for (String p : refWeights.keySet()) {
            assertArrayEquals(refWeights.get(p), two.weights().get(p), 2e-5f, "resumed " + p);
        }
    }

}
