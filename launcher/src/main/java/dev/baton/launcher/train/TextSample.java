package dev.baton.launcher.train;

import dev.baton.runtime.tokenizer.Tokenizer;
import dev.baton.runtime.train.LoadedModel;
import dev.baton.runtime.train.Sampler;

/**
 * Text from a model: the prompt through the run's tokenizer, tokens drawn by a {@link Sampler}
 * with the windows the model is evaluated with at that point of its schedule, decoded back.
 */
public final class TextSample {
    /** Defaults of {@code baton sample} and of the sample at the end of {@code baton train}. */
    public static final double TEMPERATURE = 0.8;
    public static final int TOP_K = 40;

    private final Tokenizer tokenizer;

    public TextSample(Tokenizer tokenizer) {
        this.tokenizer = tokenizer;
    }

    /** The prompt followed by {@code tokens} generated tokens, as text. */
    public String generate(LoadedModel model, int stepsDone, String prompt, int tokens, double temperature, int topK,
                           long seed) {
        Sampler sampler = model.sampler(stepsDone, tokenizer.vocabSize(), tokenizer.bosId());
        int[] ids = sampler.generate(tokenizer.encode(prompt), tokens, temperature, topK, seed);
        return prompt + tokenizer.decode(ids);
    }
}
