package dev.baton.runtime.train;

import dev.baton.runtime.data.LoaderOptions;
import dev.baton.runtime.data.ShardSet;
import dev.baton.runtime.data.ShardWriter;
import dev.baton.runtime.model.GptConfig;
import dev.baton.runtime.model.LayerLayout;
import dev.baton.runtime.optim.AdamConfig;
import dev.baton.runtime.optim.NorMuonConfig;
import dev.baton.runtime.schedule.MtpRule;
import dev.baton.runtime.schedule.ScheduleConfig;
import dev.baton.runtime.schedule.TrainingSchedule;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The trainer learns: on text drawn from a known Markov chain (12 states), a few hundred steps of a
 * tiny model of the record's architecture bring the validation loss within 5% of the chain's exact
 * entropy rate (the best any predictor can do) from about ln(vocab) at the start. Training
 * documents are exactly one slice long (BOS + 512 tokens, so the BOS-aligned loader wastes
 * nothing and BOS is never a target); the validation text is one long document, so its loss
 * measures the chain alone (only its first target, drawn from the stationary law, is not a
 * transition).
 */
class MarkovLearningTest {
    private static final int STATES = 12;
    private static final int FIRST = 4;
    private static final int BOS = 1;
    private static final int DOC = 513;

    @Test
    void validationLossReachesTheEntropyRate(@TempDir Path dir) {
        MarkovChain chain = new MarkovChain(STATES, 42);
        double h = chain.entropyRate();
        assertTrue(h > 0.8 && h < 2.2, "a chain of moderate entropy: " + h);
        ShardSet train = ShardSet.of(List.of(ShardWriter.write(dir.resolve("mk_train_000000.bin"),
                chain.sample(320 * DOC, DOC, BOS, FIRST, 1))));
        ShardSet val = ShardSet.of(List.of(ShardWriter.write(dir.resolve("mk_val_000000.bin"),
                chain.sample(20_000, 20_000, BOS, FIRST, 2))));

        GptConfig model = GptConfig.standard(32, LayerLayout.micro(), 16, 2, 8).withBlockSize(4);
        ScheduleConfig schedule = new ScheduleConfig(300, 0, 0.5, List.of(), 0.1, List.of(512), 512, List.of(3), 3, 3, 4,
                2.0 / 3, 30, 10, 0.85, 0.95, MtpRule.NEXT_TOKEN, 2);
        TrainingConfig config = new TrainingConfig(model, TinyRun.table(), AdamConfig.record(), NorMuonConfig.record(),
                schedule, 5);
        RunPolicy policy = new RunPolicy(1, 1, 0, 16384, 4096, dir.resolve("ck"), 0, 1, dir.resolve("log.jsonl"));
                try (SingleDeviceExecutor exec = SingleDeviceExecutor.onCpu(config, 4096, 2)) {
            double first = new Validation(val, policy, BOS).loss(exec, TrainingLoop.evaluationWindows(
                    new TrainingSchedule(schedule), 0));
            TrainingOutcome o = new TrainingLoop(config, policy, exec, train, val, LoaderOptions.record(DOC, BOS),
                    TrainingListener.NONE, new StopRequest(), null).run(null);
            assertEquals(300, o.stepsDone());
            System.out.printf("Markov chain: entropy rate %.4f nats, validation loss %.4f at start, %.4f after %d steps%n",
                    h, first, o.lastValLoss(), o.stepsDone());
            assertTrue(first > 3, "starts near ln(32): " + first);
            assertTrue(o.lastValLoss() <= 1.05 * h, "within 5% of the entropy rate " + h + ": " + o.lastValLoss());
            assertTrue(o.lastValLoss() >= 0.98 * h, "no predictor beats the entropy rate by much: " + o.lastValLoss());
        }
    }
}
