package dev.baton.launcher.golf;

import dev.baton.conf.ConfigLoader;
import dev.baton.conf.ConfigRequest;
import dev.baton.conf.ResolvedConfig;
import dev.baton.runtime.data.TokenStream;
import dev.baton.runtime.golf.bpb.BitsPerByte;
import dev.baton.runtime.golf.eval.EvalWindows;
import dev.baton.runtime.golf.eval.GolfEvaluator;
import dev.baton.runtime.golf.train.GolfTrainer;
import dev.baton.runtime.model.golf.GolfGpt;
import dev.baton.runtime.model.golf.GolfParams;
import dev.baton.runtime.ops.cpu.CpuOps;
import dev.baton.runtime.optim.MuonAndAdam;
import dev.baton.runtime.optim.cpu.CpuOptimizerKernels;
import dev.baton.runtime.param.ParamSet;
import dev.baton.runtime.schedule.TrainingClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The golf-tiny profile's model, optimizer and data learn: on the demo corpus, 12 steps of 512
 * tokens (an eighth of the profile's batch, sequences of 64, no time budget, so the test stays
 * short) take the validation loss from ln(260) to well below it. The numbers are the profile's
 * otherwise: sizes, learning rates, momentum warm-up, byte260 bits per byte.
 */
class GolfTinyLearnsTest {
    @TempDir
    Path work;

    @Test
    void validationLossDropsByTwoNatsWithinTwelveSteps() {
        ResolvedConfig config = ConfigLoader.fromClasspath().load(new ConfigRequest("golf-tiny", null, java.util.Map.of(),
                List.of("baton.run.work-dir=" + work, "baton.golf.train.tokens-per-step=512",
                        "baton.golf.train.seq-len=64", "baton.golf.train.iterations=12",
                        "baton.golf.train.max-wallclock-seconds=0", "baton.golf.train.warmdown-iters=4",
                        "baton.golf.eval.max-tokens=2049")));
        GolfSettings golf = GolfSettings.of(config.settings());
        GolfData data = GolfData.resolve(config.settings(), golf);
        int[] val = data.validation(golf);
        assertEquals(2049, val.length);
        try (CpuOps ops = new CpuOps(golf.threads()); CpuOptimizerKernels kernels = new CpuOptimizerKernels(golf.threads());
             ParamSet params = GolfParams.create(ops, golf.model(), golf.seed());
             GolfGpt gpt = new GolfGpt(ops, golf.model(), params, golf.seqLen(), 1024);
             MuonAndAdam optimizer = new MuonAndAdam(params, GolfParams.groups(golf.model()), ops, kernels,
                     golf.optimizer())) {
            GolfEvaluator eval = new GolfEvaluator(ops, gpt, data.bytes());
            EvalWindows windows = EvalWindows.sequences(val.length, golf.seqLen());
            BitsPerByte before = eval.evaluate(val, windows);
            GolfTrainer trainer = new GolfTrainer(ops, gpt, optimizer, new TokenStream(data.shards().train()),
                    golf.schedule(), TrainingClock.system(), golf.tokensPerStep(), golf.accumSteps(), null);
            float first = Float.NaN;
            float last = Float.NaN;
            while (!trainer.done()) {
                GolfTrainer.StepReport r = trainer.runStep();
                first = r.step() == 0 ? r.trainLoss() : first;
                last = r.trainLoss();
            }
            BitsPerByte after = eval.evaluate(val, windows);
            assertEquals(12, trainer.step());
            assertEquals(Math.log(260), before.valLoss(), 0.05, "a fresh model is near uniform");
            assertEquals(Math.log(260), first, 0.05);
            // measured: val 5.556 -> 2.857 nats (8.02 -> 4.12 bits per byte), train 5.56 -> 2.96
            assertTrue(after.valLoss() < before.valLoss() - 2.0, "val loss " + before.valLoss() + " -> " + after.valLoss());
            assertTrue(last < first - 2.0, "train loss " + first + " -> " + last);
            assertTrue(after.bpb() < 5.0, "val bpb " + before.bpb() + " -> " + after.bpb());
        }
    }
}
