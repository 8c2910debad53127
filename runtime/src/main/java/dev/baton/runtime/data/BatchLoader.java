package dev.baton.runtime.data;

import java.util.Arrays;

/**
 * The training data loader of the record ({@code distributed_data_generator} with
 * {@code align_to_bos}), planned one optimizer step at a time. For each slice in order (rank-major
 * within a micro-step, see {@link StepPlan}) it takes documents from a global cursor: a segment
 * starts at a BOS and ends at the document's end, {@code maxSeqLen} tokens, or where the slice is
 * full ({@code localTokens + 1} tokens), whichever comes first; the cursor moves past every document
 * touched. If the shard runs out of documents the whole step is rebuilt from the start of the next
 * shard and the rest of the old one is dropped. Shards are read in name order; every rank may run
 * its own loader and gets the same plan, since nothing here depends on the rank.
 *
 * <p>A loader has one owner (it is not thread-safe); the plans it returns are immutable and their
 * {@code batch} may be called from every worker thread at once.
 */
public final class BatchLoader {
    private final ShardSet shards;
    private final int worldSize;
    private final int accumSteps;
    private final LoaderOptions options;
    private LoaderState state;
    private ShardReader shard;
    private BosFinder docs;
    private int loadedEpoch = -1;
    private int loadedShard = -1;

    public BatchLoader(ShardSet shards, int worldSize, int accumSteps, LoaderOptions options, LoaderState start) {
        if (worldSize < 1 || accumSteps < 1) {
            throw new IllegalArgumentException("world size and accumulation steps must be positive: " + worldSize
                    + ", " + accumSteps);
        }
        if (start.shardIndex() >= shards.size()) {
            throw new DataException("loader position names train shard " + start.shardIndex() + " but there are only "
                    + shards.size() + " (was the checkpoint made with other data?)");
        }
        this.shards = shards;
        this.worldSize = worldSize;
        this.accumSteps = accumSteps;
        this.options = options;
        this.state = start;
    }

    /** The position of the next step; save it to resume exactly. */
    public LoaderState state() {
        return state;
    }

    public int worldSize() {
        return worldSize;
    }

    public int accumSteps() {
        return accumSteps;
    }

    /** Plans the next step of {@code globalTokens} tokens (the batch size may change between steps). */
    public AlignedStep nextStep(int globalTokens) {
        int slices = worldSize * accumSteps;
        if (globalTokens <= 0 || globalTokens % slices != 0) {
            throw new IllegalArgumentException("global batch of " + globalTokens + " tokens does not split into "
                    + worldSize + " ranks x " + accumSteps + " accumulation steps");
        }
        int localTokens = globalTokens / slices;
        int misses = 0;
        while (true) {
            load();
            AlignedStep plan = plan(localTokens, slices);
            if (plan != null) {
                return plan;
            }
            misses++;
            if (state.shardIndex() + 1 < shards.size()) {
                state = new LoaderState(state.epoch(), state.shardIndex() + 1, 0);
            } else if (!options.cycle()) {
                throw new DataException("training data exhausted: all " + shards.size() + " train shards ("
                        + shards.totalTokens() + " tokens) are consumed; add shards or enable cycling over epochs");
            } else if (misses > shards.size()) {
                throw new DataException("no train shard holds enough documents for one step of " + globalTokens
                        + " tokens; prepare larger shards or lower the batch size");
            } else {
                state = new LoaderState(state.epoch() + 1, 0, 0);
            }
        }
    }

    /** Fills every slice from the cursor; null (state untouched) when the shard runs out of documents. */
    private AlignedStep plan(int localTokens, int slices) {
        int n = docs.count();
        int idx = state.cursor();
        int[][] starts = new int[slices][];
        int[][] ends = new int[slices][];
        int[] s = new int[16];
        int[] e = new int[16];
        for (int k = 0; k < slices; k++) {
            int len = 0;
            int segments = 0;
            while (len <= localTokens) {
                if (idx >= n) {
                    return null;
                }
                int start = docs.start(idx);
                int end = Math.min(docs.end(idx), Math.min(start + options.maxSeqLen(), start + localTokens - len + 1));
                if (segments == s.length) {
                    s = Arrays.copyOf(s, segments * 2);
                    e = Arrays.copyOf(e, segments * 2);
                }
                s[segments] = start;
                e[segments] = end;
                segments++;
                len += end - start;
                idx++;
            }
            starts[k] = Arrays.copyOf(s, segments);
            ends[k] = Arrays.copyOf(e, segments);
        }
        state = new LoaderState(state.epoch(), state.shardIndex(), idx);
        return new AlignedStep(shard, worldSize, accumSteps, localTokens, starts, ends);
    }

    private void load() {
        if (loadedEpoch == state.epoch() && loadedShard == state.shardIndex()) {
            return;
        }
        shard = shards.open(state.shardIndex());
        BosFinder found = BosFinder.scan(shard, options.bosId());
        if (options.shuffleSeed().isPresent()) {
            long pass = (long) state.epoch() * shards.size() + state.shardIndex() + 1;
            found = found.shuffled(options.shuffleSeed().getAsLong() + 0x9E3779B97F4A7C15L * pass);
        }
        if (state.cursor() > found.count()) {
            throw new DataException("loader position names document " + state.cursor() + " of " + shard.file()
                    + ", which has only " + found.count() + " (was the checkpoint made with other data?)");
        }
        docs = found;
        loadedEpoch = state.epoch();
        loadedShard = state.shardIndex();
    }
}
