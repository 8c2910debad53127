package dev.baton.actors.training.golf;

import dev.baton.actors.work.BatchSource;
import dev.baton.runtime.data.Batch;
import dev.baton.runtime.data.ShardSet;
import dev.baton.runtime.data.TokenStream;

import java.util.Map;

/**
 * The golf baseline's data for the actors: one {@link TokenStream} read as the baseline's
 * {@code DistributedTokenLoader} reads it on every rank. Each micro-step takes the next
 * {@code (local + 1) · W} tokens and gives rank r its own span of {@code local + 1}, with
 * {@code local = tokensPerStep / (W · accumSteps)}; so W ranks × A micro-steps read exactly the
 * spans one device reads with W · A micro-steps, in the same order. Before handing out a step it
 * fixes that step's lr factor ({@link GolfLrScales#decide}) for every rank.
 */
public final class GolfBatchSource implements BatchSource {
    private final ShardSet shards;
    private final int tokensPerStep;
    private final int accumSteps;
    private final GolfLrScales lrScales;
    private final GolfValidation validation;
    private TokenStream stream;

    /**
     * @param tokensPerStep tokens of one optimizer step over all ranks and micro-steps
     * @param accumSteps    micro-steps per step on each rank
     * @param validation    the validation plan, or null for none
     */
    public GolfBatchSource(ShardSet shards, int tokensPerStep, int accumSteps, GolfLrScales lrScales,
                           GolfValidation validation) {
        if (tokensPerStep < 1 || accumSteps < 1) {
            throw new IllegalArgumentException("tokens per step and accumulation steps must be positive, got "
                    + tokensPerStep + ", " + accumSteps);
        }
        this.shards = shards;
        this.tokensPerStep = tokensPerStep;
        this.accumSteps = accumSteps;
        this.lrScales = lrScales;
        this.validation = validation;
        this.stream = new TokenStream(shards);
    }

    @Override
    public Batch[][] next(long step, int world) {
        int slices = world * accumSteps;
        if (tokensPerStep % slices != 0) {
            throw new IllegalArgumentException(tokensPerStep + " tokens per step do not split into " + world
                    + " devices x " + accumSteps + " micro-steps");
        }
        lrScales.decide(step);
        int local = tokensPerStep / slices;
        Batch[][] out = new Batch[accumSteps][world];
        for (int m = 0; m < accumSteps; m++) {
            int[] chunk = stream.take((local + 1) * world);
            for (int r = 0; r < world; r++) {
                int from = r * (local + 1);
                int[] inputs = new int[local];
                int[] targets = new int[local];
                System.arraycopy(chunk, from, inputs, 0, local);
                System.arraycopy(chunk, from + 1, targets, 0, local);
                out[m][r] = new Batch(inputs, targets, new int[] {0, local});
            }
        }
        return out;
    }

    @Override
    public Batch[][] validation(int world) {
        return validation == null ? new Batch[0][] : validation.batches(world);
    }

    @Override
    public Map<String, Long> position() {
        int[] p = stream.position();
        return Map.of("shard", (long) p[0], "token", (long) p[1]);
    }

    @Override
    public void restore(Map<String, Long> position) {
        Long shard = position.get("shard");
        Long token = position.get("token");
        if (shard == null || token == null) {
            throw new IllegalArgumentException("the checkpoint's data position lacks 'shard' or 'token': " + position);
        }
        stream = new TokenStream(shards, shard.intValue(), token.intValue());
    }
}
