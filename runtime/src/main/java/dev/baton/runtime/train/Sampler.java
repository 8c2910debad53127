package dev.baton.runtime.train;

import dev.baton.runtime.model.ForwardSchedule;
import dev.baton.runtime.model.Gpt;
import dev.baton.runtime.ops.Ops;
import dev.baton.runtime.tensor.Tensor;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Generates tokens from a model one at a time: the whole context (BOS, prompt, tokens so far; the
 * latest {@code gpt.maxTokens()} of them) runs forward as one document and the next token is drawn
 * from the softcapped logits of the last position, with temperature and top-k. Only ids below
 * {@code vocab} (the tokenizer's, not the padded vocabulary) and other than BOS are drawn. The
 * draws come from a {@link SplittableRandom} of the given seed, so a seed fixes the text.
 */
public final class Sampler {
    private final Ops ops;
    private final Gpt gpt;
    private final ForwardSchedule forward;
    private final int vocab;
    private final int bos;

    /**
     * @param forward the attention windows to generate with (MTP weights are ignored)
     * @param vocab   ids [0, vocab) may be drawn
     */
    public Sampler(Ops ops, Gpt gpt, ForwardSchedule forward, int vocab, int bos) {
        if (vocab > gpt.config().vocabSize()) {
            throw new IllegalArgumentException("tokenizer vocabulary " + vocab + " exceeds the model's " + gpt.config().vocabSize());
        }
        this.ops = ops;
        this.gpt = gpt;
        this.forward = forward;
        this.vocab = vocab;
        this.bos = bos;
    }

    /**
     * {@code count} new tokens after {@code prompt} (without BOS).
     *
     * @param temperature 0 takes the most likely token; otherwise logits are divided by it
     * @param topK        draw among the k most likely tokens; 0 = all
     */
    public int[] generate(int[] prompt, int count, double temperature, int topK, long seed) {
        if (count < 0 || temperature < 0 || topK < 0) {
            throw new IllegalArgumentException("tokens, temperature and top-k must be >= 0");
        }
        SplittableRandom random = new SplittableRandom(seed);
        int[] context = new int[prompt.length + count + 1];
        context[0] = bos;
        System.arraycopy(prompt, 0, context, 1, prompt.length);
        int length = prompt.length + 1;
        float[] row = new float[vocab];
        for (int i = 0; i < count; i++) {
            int from = Math.max(0, length - gpt.maxTokens());
            Tensor logits = gpt.logits(Arrays.copyOfRange(context, from, length), forward);
            int last = length - from - 1;
            float[] all = ops.download(logits.narrow(last, 1));
            System.arraycopy(all, 0, row, 0, vocab);
            row[bos] = Float.NEGATIVE_INFINITY;
            context[length++] = draw(row, temperature, topK, random);
        }
        return Arrays.copyOfRange(context, prompt.length + 1, length);
    }

    private static int draw(float[] logits, double temperature, int topK, SplittableRandom random) {
        int n = logits.length;
        if (temperature == 0 || topK == 1) {
            int best = 0;
            for (int j = 1; j < n; j++) {
                if (logits[j] > logits[best]) {
                    best = j;
                }
            }
            return best;
        }
        float cutoff = Float.NEGATIVE_INFINITY;
        if (topK > 0 && topK < n) {
            float[] sorted = logits.clone();
            Arrays.sort(sorted);
            cutoff = sorted[n - topK];
        }
        double max = Double.NEGATIVE_INFINITY;
        for (float v : logits) {
            max = Math.max(max, v);
        }
        double[] p = new double[n];
        double total = 0;
        for (int j = 0; j < n; j++) {
            if (logits[j] >= cutoff && logits[j] != Float.NEGATIVE_INFINITY) {
                p[j] = Math.exp((logits[j] - max) / temperature);
                total += p[j];
            }
        }
        double u = random.nextDouble() * total;
        int chosen = -1;
        for (int j = 0; j < n; j++) {
            if (p[j] > 0) {
                chosen = j;
                u -= p[j];
                if (u < 0) {
                    break;
                }
            }
        }
        return chosen;
    }
}
