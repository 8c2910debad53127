package dev.baton.launcher.golf;

import dev.baton.conf.BatonConfigException;
import dev.baton.conf.ConfigLoader;
import dev.baton.conf.ConfigRequest;
import dev.baton.conf.ResolvedConfig;
import dev.baton.runtime.data.TokenStream;
import dev.baton.runtime.golf.bpb.BitsPerByte;
import dev.baton.runtime.golf.eval.EvalWindows;
import dev.baton.runtime.golf.eval.GolfEvaluator;
import dev.baton.runtime.golf.train.GolfTrainer;
import dev.baton.runtime.model.golf.GolfArchitecture;
import dev.baton.runtime.model.golf.GolfConfig;
import dev.baton.runtime.model.golf.GolfGpt;
import dev.baton.runtime.model.golf.GolfParams;
import dev.baton.runtime.ops.cpu.CpuOps;
import dev.baton.runtime.optim.MuonAndAdam;
import dev.baton.runtime.optim.cpu.CpuOptimizerKernels;
import dev.baton.runtime.param.ParamSet;
import dev.baton.runtime.schedule.FractionWarmdown;
import dev.baton.runtime.schedule.TrainingClock;
import dev.baton.runtime.schedule.WallClockWarmdown;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The seed-001 switches bind from configuration: golf-record carries the record's values, the
 * baseline profiles keep every switch off, bad values end in one message naming the key, and
 * golf-record-tiny trains with all switches on (recurrence switched on mid-run) and evaluates at
 * 4x its training length.
 */
class GolfRecordProfileTest {
    @TempDir
    Path work;

    private static GolfSettings settings(String profile, String... overrides) {
        return GolfSettings.of(ConfigLoader.fromClasspath().load(new ConfigRequest(profile, null, Map.of(),
                List.of(overrides))).settings());
    }

    @Test
    void golfRecordProfileHoldsTheSeedValues() {
        GolfSettings g = settings("golf-record");
        assertEquals(GolfArchitecture.record(), g.model().arch());
        assertEquals(11, g.model().numLayers());
        assertEquals(8, g.model().skipWeights(), "17 looped positions: 8 skips");
        assertEquals(0.97, g.optimizer().momentum(), 0);
        assertTrue(g.optimizer().rowNormalize());
        assertEquals(new FractionWarmdown(0.667, 588_000, 20_000), g.schedule());
        assertEquals(0.35, g.recurrenceAt(), 0);
        assertEquals(8192, g.seqLen());
        assertEquals(32000, g.evalSeqLen());
        assertEquals(32000, g.evalForwardTokens());
        assertEquals(1e4 * Math.pow(32000.0 / 8192, 16.0 / 14), g.evalModel().ropeBase(), 1e-6);
        assertEquals(0.9965, g.emaDecay(), 0);
        assertEquals(7, GolfRecordLog.describe(g).size(), GolfRecordLog.describe(g).toString());
    }

    @Test
    void baselineProfilesKeepEverySwitchOff() {
        for (String p : List.of("golf-baseline", "golf-tiny")) {
            GolfSettings g = settings(p);
            assertEquals(GolfArchitecture.baseline(), g.model().arch(), p);
            assertFalse(g.optimizer().rowNormalize(), p);
            assertInstanceOf(WallClockWarmdown.class, g.schedule(), p);
            assertEquals(g.seqLen(), g.evalSeqLen(), p);
            assertEquals(g.model(), g.evalModel(), p);
            assertTrue(GolfRecordLog.describe(g).isEmpty(), p);
        }
    }

    @Test
    void badSwitchValuesNameTheirKey() {
        BatonConfigException rope = assertThrows(BatonConfigException.class,
                () -> settings("golf-tiny", "baton.golf.arch.rope-dims=48"));
        assertTrue(rope.getMessage().contains("baton.golf.arch"), rope.getMessage());
        BatonConfigException frac = assertThrows(BatonConfigException.class,
                () -> settings("golf-tiny", "baton.golf.train.warmdown-fraction=1.5"));
        assertTrue(frac.getMessage().contains("baton.golf.train.warmdown-fraction"), frac.getMessage());
        BatonConfigException loop = assertThrows(BatonConfigException.class,
                () -> settings("golf-tiny", "baton.golf.recurrence.loops=1", "baton.golf.recurrence.loop-end=9"));
        assertTrue(loop.getMessage().contains("recurrence"), loop.getMessage());
    }

    @Test
    void recordTinyTrainsWithEverySwitchAndEvaluatesLonger() {
        GolfSettings golf = settings("golf-record-tiny", "baton.run.work-dir=" + work,
                "baton.model.model-dim=64", "baton.model.num-heads=2", "baton.golf.model.num-kv-heads=1",
                "baton.golf.train.tokens-per-step=256", "baton.golf.train.seq-len=64", "baton.golf.train.iterations=8",
                "baton.golf.train.max-wallclock-seconds=0", "baton.golf.eval.seq-len=256",
                "baton.golf.eval.tokens-per-batch=1024", "baton.golf.eval.max-tokens=1025");
        ResolvedConfig config = ConfigLoader.fromClasspath().load(new ConfigRequest("golf-record-tiny", null, Map.of(),
                List.of("baton.run.work-dir=" + work, "baton.golf.eval.max-tokens=1025")));
        GolfData data = GolfData.resolve(config.settings(), golf);
        int[] val = data.validation(golf);
        GolfConfig c = golf.model();
        try (CpuOps ops = new CpuOps(golf.threads()); CpuOptimizerKernels kernels = new CpuOptimizerKernels(golf.threads());
             ParamSet params = GolfParams.create(ops, c, golf.seed());
             GolfGpt gpt = new GolfGpt(ops, c, params, golf.seqLen(), golf.microBatchTokens());
             GolfGpt evalGpt = new GolfGpt(ops, golf.evalModel(), params, golf.evalSeqLen(), golf.evalForwardTokens());
             MuonAndAdam optimizer = new MuonAndAdam(params, GolfParams.groups(c), ops, kernels, golf.optimizer())) {
            GolfEvaluator eval = new GolfEvaluator(ops, evalGpt, data.bytes());
            EvalWindows windows = EvalWindows.sequences(val.length, golf.evalSeqLen());
            GolfTrainer trainer = new GolfTrainer(ops, gpt, optimizer, new TokenStream(data.shards().train()),
                    golf.schedule(), TrainingClock.system(), golf.tokensPerStep(), golf.accumSteps(), null,
                    golf.recurrenceAt());
            while (!trainer.done()) {
                trainer.runStep();
            }

            BitsPerByte after = eval.evaluate(val, windows);
            // 8 steps: progress 3/8 >= 0.35 switches looping on at step 3
            assertEquals(3, trainer.loopingFrom());
            assertEquals(4 * 256, windows.targets(), "four sequences of the 256-token evaluation length");
            // a fresh model scores about ln(260) = 5.56 nats
            assertTrue(after.valLoss() < Math.log(260) - 0.5, "val loss after 8 steps " + after.valLoss());
        }
    }
}
