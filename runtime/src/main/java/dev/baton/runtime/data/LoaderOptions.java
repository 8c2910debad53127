package dev.baton.runtime.data;

import java.util.OptionalLong;

/**
 * How the train loader cuts documents: longest segment ({@code maxSeqLen}, the record's 2048), the
 * BOS token id, whether to start over after the last shard (the record does not), and an optional
 * seed that shuffles document order within each shard (the record reads in file order).
 */
public record LoaderOptions(int maxSeqLen, int bosId, boolean cycle, OptionalLong shuffleSeed) {
    public LoaderOptions {
        if (maxSeqLen < 1) {
            throw new IllegalArgumentException("maxSeqLen must be positive, got " + maxSeqLen);
        }
        if (bosId < 0 || bosId > ShardFormat.MAX_TOKEN_ID) {
            throw new IllegalArgumentException("bosId " + bosId + " is not a uint16 token id");
        }
    }

    /** The record's loader: no cycling, no shuffle. */
    public static LoaderOptions record(int maxSeqLen, int bosId) {
        return new LoaderOptions(maxSeqLen, bosId, false, OptionalLong.empty());
    }

    public LoaderOptions withCycle(boolean cycle) {
        return new LoaderOptions(maxSeqLen, bosId, cycle, shuffleSeed);
    }

    public LoaderOptions withShuffleSeed(long seed) {
        return new LoaderOptions(maxSeqLen, bosId, cycle, OptionalLong.of(seed));
    }
}
