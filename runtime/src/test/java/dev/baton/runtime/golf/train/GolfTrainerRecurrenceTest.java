package dev.baton.runtime.golf.train;

import dev.baton.runtime.data.ShardSet;
import dev.baton.runtime.data.ShardWriter;
import dev.baton.runtime.data.TokenStream;
import dev.baton.runtime.model.golf.GolfArchitecture;
import dev.baton.runtime.model.golf.GolfConfig;
import dev.baton.runtime.model.golf.GolfGpt;
import dev.baton.runtime.model.golf.GolfParams;
import dev.baton.runtime.ops.cpu.CpuOps;
import dev.baton.runtime.optim.MuonAndAdam;
import dev.baton.runtime.optim.MuonAndAdamConfig;
import dev.baton.runtime.optim.cpu.CpuOptimizerKernels;
import dev.baton.runtime.param.ParamSet;
import dev.baton.runtime.schedule.FractionWarmdown;
import dev.baton.runtime.schedule.TrainingClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The trainer switches depth recurrence on at a fraction of training (seed 001: 0.35 of the
 * wall-clock budget): with a fake clock advancing 10 ms per step against a 100 ms budget, steps
 * 0..3 train the plain order, step 4 (35 ms elapsed) and later the looped one; the lr factor follows
 * the fraction warm-down on the same clock.
 */
class GolfTrainerRecurrenceTest {

    @Test
    void loopingStartsAtTheConfiguredFractionOfTheBudget(@TempDir Path dir) {
        int[] tokens = new int[4096];
        for (int i = 0; i < tokens.length; i++) {
            tokens[i] = (i * 13 + i / 7) % 64;
        }
        ShardSet shards = ShardSet.of(List.of(ShardWriter.write(dir.resolve("rec_train_000000.bin"), tokens)));
        GolfConfig c = GolfConfig.of(64, 4, 16, 2, 1, 2).withArch(new GolfArchitecture(0.5, 4, true, 1, 2, 1, 0));
        AtomicLong nanos = new AtomicLong();
        TrainingClock clock = new TrainingClock(nanos::get);
        FractionWarmdown schedule = new FractionWarmdown(0.5, 100, 1000);
        try (CpuOps ops = new CpuOps(2); CpuOptimizerKernels k = new CpuOptimizerKernels(2);
             ParamSet params = GolfParams.create(ops, c, 5); GolfGpt gpt = new GolfGpt(ops, c, params, 16, 32);
             MuonAndAdam opt = new MuonAndAdam(params, GolfParams.groups(c), ops, k,
                     MuonAndAdamConfig.baseline().withRowNormalize(true))) {
            long count = GolfParams.count(c);
            GolfTrainer trainer = new GolfTrainer(ops, gpt, opt, new TokenStream(shards), schedule, clock, 32, 1, null,
                    0.35);
            assertFalse(gpt.looping(), "training starts in the plain order");
            for (int s = 0; s < 7; s++) {
                GolfTrainer.StepReport r = trainer.runStep();
                assertEquals(s >= 4, r.looping(), "step " + s);
                assertEquals(Math.min(1.0, (1 - s * 0.01 / 0.1) / 0.5), r.lrScale(), 1e-9, "step " + s);
                assertTrue(Float.isFinite(r.trainLoss()));
                nanos.addAndGet(10_000_000L);
            }
            assertEquals(4, trainer.loopingFrom());
            assertEquals(count, GolfParams.count(c));
            assertFalse(trainer.done(), "70 of 100 ms spent");
        }
    }
}
