package dev.baton.runtime.golf.eval;

import dev.baton.runtime.data.DataException;
import dev.baton.runtime.data.ShardReader;
import dev.baton.runtime.data.ShardSet;

/**
 * The validation split as one token stream, as the challenge evaluates it: every val shard in name
 * order, concatenated (the full FineWeb sp1024 split is 63.8 M tokens, 255 MB as ints).
 */
public final class ValidationTokens {
    private ValidationTokens() {
    }

    /** The first {@code limit} tokens of the shards ({@code limit <= 0}: all of them). */
    public static int[] load(ShardSet shards, long limit) {
        long total = shards.totalTokens();
        long n = limit > 0 ? Math.min(limit, total) : total;
        if (n > Integer.MAX_VALUE - 8) {
            throw new DataException("validation split of " + total + " tokens is too large to hold at once; "
                    + "evaluate a prefix (limit it) or fewer shards");
        }
        int[] out = new int[(int) n];
        int at = 0;
        for (int i = 0; i < shards.size() && at < n; i++) {
            ShardReader r = shards.open(i);
            int k = (int) Math.min(r.tokenCount(), n - at);
            r.copyTokens(0, k, out, at);
            at += k;
        }
        return out;
    }
}
