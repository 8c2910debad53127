package dev.baton.runtime.train;

import dev.baton.runtime.checkpoint.WeightsCheckpoint;
import dev.baton.runtime.model.GptConfig;
import dev.baton.runtime.model.GptParams;
import dev.baton.runtime.model.LayerLayout;
import dev.baton.runtime.ops.cpu.CpuOps;
import dev.baton.runtime.param.ParamSet;
import dev.baton.runtime.schedule.ScheduleConfig;
import dev.baton.runtime.schedule.TrainingSchedule;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Sampling from a weights file through {@link LoadedModel}: a seed fixes the tokens; temperature 0
 * and top-k 1 are both the argmax; BOS and padding ids are never drawn.
 */
class SamplerTest {
    private static final int BOS = 1;

    @Test
    void aSeedFixesTheTextAndGreedyIsTheArgmax(@TempDir Path dir) {
        GptConfig model = GptConfig.standard(128, LayerLayout.micro(), 16, 2, 8).withBlockSize(4);
        Path weights = dir.resolve("w.safetensors");
        try (CpuOps ops = new CpuOps(1); ParamSet params = GptParams.create(ops, model, 4)) {
            WeightsCheckpoint.save(weights, params, ops, java.util.Map.of());
        }
        TrainingSchedule schedule = new TrainingSchedule(ScheduleConfig.recordSmall());
        try (LoadedModel loaded = LoadedModel.load(weights, model, schedule, 64, 2)) {
            int vocab = 100;   // a tokenizer smaller than the model's 128 ids
            Sampler sampler = loaded.sampler(3, vocab, BOS);
            int[] prompt = {5, 6, 7};
            int[] a = sampler.generate(prompt, 40, 1.0, 0, 99);
            int[] b = sampler.generate(prompt, 40, 1.0, 0, 99);
            int[] c = sampler.generate(prompt, 40, 1.0, 0, 100);
            assertArrayEquals(a, b, "same seed, same tokens");
            assertFalse(Arrays.equals(a, c), "another seed draws other tokens");
            assertEquals(40, a.length);
            assertTrue(Arrays.stream(a).allMatch(t -> t >= 0 && t < vocab && t != BOS), Arrays.toString(a));
            assertArrayEquals(sampler.generate(prompt, 10, 0.0, 0, 1), sampler.generate(prompt, 10, 0.7, 1, 2),
                    "temperature 0 and top-k 1 both take the most likely token");
            int[] topTwo = sampler.generate(prompt, 30, 5.0, 2, 3);
            assertTrue(Arrays.stream(topTwo).distinct().count() >= 2, "top-k 2 at a high temperature varies");
        }
    }
}
