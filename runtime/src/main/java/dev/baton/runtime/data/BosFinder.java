package dev.baton.runtime.data;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * The documents of one shard, found by their BOS tokens as the record's {@code BOSFinder} does:
 * document {@code i} starts at a BOS and ends just before the next BOS (or at the end of the shard).
 * Tokens before the first BOS (the tail of a document begun in the previous shard) belong to none.
 */
public final class BosFinder {
    private final int[] starts;
    private final int[] ends;

    private BosFinder(int[] starts, int[] ends) {
        this.starts = starts;
        this.ends = ends;
    }

    /** Scans {@code shard} for {@code bosId}. */
    public static BosFinder scan(ShardReader shard, int bosId) {
        int n = shard.tokenCount();
        int[] found = new int[Math.max(16, n / 256)];
        int count = 0;
        for (int i = 0; i < n; i++) {
            if (shard.token(i) == bosId) {
                if (count == found.length) {
                    found = Arrays.copyOf(found, found.length * 2);
                }
                found[count++] = i;
            }
        }
        int[] starts = Arrays.copyOf(found, count);
        int[] ends = new int[count];
        for (int i = 0; i < count; i++) {
            ends[i] = i + 1 < count ? starts[i + 1] : n;
        }
        return new BosFinder(starts, ends);
    }

    /** The same documents in an order fixed by {@code seed} (Fisher-Yates); ends stay document ends. */
    public BosFinder shuffled(long seed) {
        int n = starts.length;
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        SplittableRandom random = new SplittableRandom(seed);
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        int[] s = new int[n];
        int[] e = new int[n];
        for (int i = 0; i < n; i++) {
            s[i] = starts[order[i]];
            e[i] = ends[order[i]];
        }
        return new BosFinder(s, e);
    }

    /** Number of documents (BOS tokens). */
    public int count() {
        return starts.length;
    }

    /** Position of document {@code i}'s BOS token. */
    public int start(int i) {
        return starts[i];
    }

    /** End (exclusive) of document {@code i}: the next BOS or the end of the shard. */
    public int end(int i) {
        return ends[i];
    }

    /** All BOS positions in scan order (a copy). */
    public int[] positions() {
        return starts.clone();
    }
}
