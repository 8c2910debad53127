package dev.baton.runtime.data;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A loader rebuilt from a saved {@link LoaderState} continues with exactly the batches the original would give. */
class LoaderResumeTest {
    static final int BOS = 1;

    @TempDir
    static Path dir;
    static ShardSet shards;

    @BeforeAll
    static void corpus() {
        SplittableRandom random = new SplittableRandom(5);
        for (int s = 0; s < 3; s++) {
            int[] tokens = new int[6000];
            for (int i = 0; i < tokens.length; i++) {
                tokens[i] = random.nextInt(10) == 0 ? BOS : 4 + random.nextInt(256);
            }
            ShardWriter.write(dir.resolve(String.format("z_train_%06d.bin", s)), tokens);
        }
        shards = ShardSet.inDirectory(dir, "train");
    }

    @ParameterizedTest(name = "shuffle {0}")
    @ValueSource(booleans = {false, true})
    void resumedLoaderGivesTheSameNextBatches(boolean shuffle) {
        LoaderOptions options = LoaderOptions.record(64, BOS).withCycle(true);
        if (shuffle) {
            options = options.withShuffleSeed(11);
        }
        BatchLoader original = new BatchLoader(shards, 2, 2, options, LoaderState.START);
        for (int i = 0; i < 7; i++) {
            original.nextStep(i < 3 ? 512 : 1024); // the batch size may change, as in the record's schedule
        }
        LoaderState saved = original.state();
        List<Batch> expected = new ArrayList<>();
        for (int i = 0; i < 20; i++) { // crosses shard and epoch boundaries
            take(original.nextStep(1024), expected);
        }
        assertTrue(original.state().epoch() >= 1, "the run went past the last shard");

        BatchLoader resumed = new BatchLoader(shards, 2, 2, options, saved);
        List<Batch> actual = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            take(resumed.nextStep(1024), actual);
        }
        assertEquals(expected.size(), actual.size());
        for (int i = 0; i < expected.size(); i++) {
            assertArrayEquals(expected.get(i).inputs(), actual.get(i).inputs(), "batch " + i);
            assertArrayEquals(expected.get(i).targets(), actual.get(i).targets(), "batch " + i);
            assertArrayEquals(expected.get(i).cuSeqlens(), actual.get(i).cuSeqlens(), "batch " + i);
        }
        assertEquals(original.state(), resumed.state());
    }

    private static void take(StepPlan step, List<Batch> into) {
        for (int a = 0; a < step.accumSteps(); a++) {
            for (int r = 0; r < step.worldSize(); r++) {
                into.add(step.batch(a, r));
            }
        }
    }
}
