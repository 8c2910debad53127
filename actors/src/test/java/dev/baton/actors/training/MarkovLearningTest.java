package dev.baton.actors.training;

import dev.baton.actors.run.RunListener;
import dev.baton.actors.run.RunResult;
import dev.baton.actors.run.RunSettings;
import dev.baton.actors.run.TrainingRun;
import dev.baton.actors.run.Workload;
import dev.baton.runtime.data.BatchLoader;
import dev.baton.runtime.data.LoaderOptions;
import dev.baton.runtime.data.ShardSet;
import dev.baton.runtime.data.ShardWriter;
import dev.baton.runtime.data.ValLoader;
import dev.baton.runtime.model.GptConfig;
import dev.baton.runtime.model.LayerLayout;
import dev.baton.runtime.optim.AdamConfig;
import dev.baton.runtime.optim.NorMuonConfig;
import dev.baton.runtime.schedule.MtpRule;
import dev.baton.runtime.schedule.ScheduleConfig;
import dev.baton.runtime.schedule.TrainingSchedule;
import dev.baton.runtime.train.LossSum;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code baton train}'s path learns: on text drawn from a known Markov chain (12 states), 300 steps
 * of a tiny model of the record's architecture on 2 devices of the actor runtime bring the
 * validation loss within 5% of the chain's exact entropy rate (the best any predictor can do) from
 * about ln(vocab) at the start. Training documents are exactly one slice long (BOS + 256 tokens,
 * so the BOS-aligned loader wastes nothing and BOS is never a target); the validation text is one
 * long document, so its loss measures the chain alone.
 */
class MarkovLearningTest {
    private static final int STATES = 12;
    private static final int FIRST = 4;
    private static final int BOS = 1;
    private static final int WORLD = 2;
    private static final int DOC = 257;
    private static final int STEPS = 300;
    private static final int VAL_BATCH = 4096;

    @Test
    void validationLossReachesTheEntropyRate(@TempDir Path dir) {
        MarkovChain chain = new MarkovChain(STATES, 42);
        double h = chain.entropyRate();
        assertTrue(h > 0.8 && h < 2.2, "a chain of moderate entropy: " + h);
        ShardSet train = ShardSet.of(List.of(ShardWriter.write(dir.resolve("mk_train_000000.bin"),
                chain.sample(WORLD * (STEPS + 20) * DOC, DOC, BOS, FIRST, 1))));
        ShardSet val = ShardSet.of(List.of(ShardWriter.write(dir.resolve("mk_val_000000.bin"),
                chain.sample(20_000, 20_000, BOS, FIRST, 2))));

        GptConfig model = GptConfig.standard(32, LayerLayout.micro(), 16, 2, 8).withBlockSize(4);
        ScheduleConfig config = new ScheduleConfig(STEPS, 0, 0.5, List.of(), 0.1, List.of(WORLD * (DOC - 1)),
                WORLD * (DOC - 1), List.of(3), 3, 3, 4, 2.0 / 3, 30, 10, 0.85, 0.95, MtpRule.NEXT_TOKEN, 2);
        TrainingSchedule schedule = new TrainingSchedule(config);
        GptWorkFactory gpt = new GptWorkFactory(model, TinyRun.table(), schedule, AdamConfig.record(),
                NorMuonConfig.record(), 5, GptWorkFactory.microBatchTokens(config, VAL_BATCH, WORLD), 1);
        LoaderOptions options = LoaderOptions.record(DOC, BOS);
        Workload workload = gpt.workload(new LoaderBatchSource(s -> new BatchLoader(train, WORLD, 1, options, s), schedule,
                new ValLoader(val, VAL_BATCH, WORLD, 1, BOS), 16384 / VAL_BATCH));
        Map<Long, Double> evals = new ConcurrentHashMap<>();
        RunListener listener = new RunListener() {
            @Override
            public void evaluated(long stepsDone, LossSum result) {
                evals.put(stepsDone, result.perToken());
            }
        };
        RunResult result;
        try (TrainingRun run = TrainingRun.start(RunSettings.defaults(WORLD, STEPS).withEval(STEPS, true), workload,
                listener)) {
            result = run.await(Duration.ofMinutes(4));
        }
        assertEquals(RunResult.Status.COMPLETED, result.status(), result.message());
        Map<Long, Double> v = new TreeMap<>(evals);
        assertEquals(List.of(0L, (long) STEPS), List.copyOf(v.keySet()), "the initial model and the end: " + v);
        double first = v.get(0L);
        double last = v.get((long) STEPS);
        System.out.printf("Markov chain: entropy rate %.4f nats, validation loss %.4f at start, %.4f after %d steps "
                + "on %d devices%n", h, first, last, STEPS, WORLD);
        assertTrue(first > 3, "starts near ln(32): " + first);
        assertTrue(last <= 1.05 * h, "within 5% of the entropy rate " + h + ": " + last);
        assertTrue(last >= 0.98 * h, "no predictor beats the entropy rate by much: " + last);
    }
}
