package dev.baton.runtime.train;

import dev.baton.runtime.model.ForwardSchedule;
import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Sampling: a seed fixes the tokens; temperature 0 and top-k 1 are both the argmax; BOS and padding ids are never drawn. */
class SamplerTest {
    private static final ForwardSchedule WINDOWS = new ForwardSchedule(new float[] {1f}, 6, 20);

    @Test
    void aSeedFixesTheTextAndGreedyIsTheArgmax() {
        try (SingleDeviceExecutor exec = TinyRun.device(TinyRun.config(16, 4))) {
            int vocab = 100;   // a tokenizer smaller than the model's 128 ids
            Sampler sampler = exec.sampler(WINDOWS, vocab, TinyRun.BOS);
            int[] prompt = {5, 6, 7};
            int[] a = sampler.generate(prompt, 40, 1.0, 0, 99);
            int[] b = sampler.generate(prompt, 40, 1.0, 0, 99);
            int[] c = sampler.generate(prompt, 40, 1.0, 0, 100);
            assertArrayEquals(a, b, "same seed, same tokens");
            assertFalse(Arrays.equals(a, c), "another seed draws other tokens");
            assertEquals(40, a.length);
            assertTrue(Arrays.stream(a).allMatch(t -> t >= 0 && t < vocab && t != TinyRun.BOS), Arrays.toString(a));
            assertArrayEquals(sampler.generate(prompt, 10, 0.0, 0, 1), sampler.generate(prompt, 10, 0.7, 1, 2),
                    "temperature 0 and top-k 1 both take the most likely token");
            int[] topTwo = sampler.generate(prompt, 30, 5.0, 2, 3);
            assertTrue(Arrays.stream(topTwo).distinct().count() >= 2, "top-k 2 at a high temperature varies");
        }
    }
}
