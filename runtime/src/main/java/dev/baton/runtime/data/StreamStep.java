package dev.baton.runtime.data;

/**
 * A validation step planned as the record's unaligned loader does: slice {@code k} is the
 * contiguous run {@code [base + k·n, base + (k+1)·n + 1)} of the shard, inputs and targets shifted
 * by one, and the cumulative lengths are {@code 0} followed by the position of every BOS among the
 * inputs. As in the record, a BOS at input 0 yields a repeated 0 (an empty first segment).
 */
public final class StreamStep implements StepPlan {
    private final ShardReader shard;
    private final int worldSize;
    private final int accumSteps;
    private final int localTokens;
    private final int base;
    private final int bosId;
    private final int cuCount;

    StreamStep(ShardReader shard, int worldSize, int accumSteps, int localTokens, int base, int bosId) {
        this.shard = shard;
        this.worldSize = worldSize;
        this.accumSteps = accumSteps;
        this.localTokens = localTokens;
        this.base = base;
        this.bosId = bosId;
        int maxBos = 0;
        for (int k = 0; k < worldSize * accumSteps; k++) {
            int from = base + k * localTokens;
            int bos = 0;
            for (int i = from; i < from + localTokens; i++) {
                if (shard.token(i) == bosId) {
                    bos++;
                }
            }
            maxBos = Math.max(maxBos, bos);
        }
        this.cuCount = CuSeqlens.count(localTokens, maxBos + 2);
    }

    @Override
    public int worldSize() {
        return worldSize;
    }

    @Override
    public int accumSteps() {
        return accumSteps;
    }

    @Override
    public int localTokens() {
        return localTokens;
    }

    /** Position in the shard of this step's first token. */
    public int base() {
        return base;
    }

    @Override
    public Batch batch(int microStep, int rank) {
        int from = base + slice(microStep, rank) * localTokens;
        int[] buf = shard.tokens(from, from + localTokens + 1);
        int[] inputs = new int[localTokens];
        int[] targets = new int[localTokens];
        System.arraycopy(buf, 0, inputs, 0, localTokens);
        System.arraycopy(buf, 1, targets, 0, localTokens);
        int[] boundaries = new int[cuCount];
        int n = 1;
        for (int i = 0; i < localTokens; i++) {
            if (inputs[i] == bosId) {
                boundaries[n++] = i;
            }
        }
        return new Batch(inputs, targets, CuSeqlens.padded(boundaries, n, cuCount, localTokens));
    }
}
