package dev.baton.runtime.data;

/**
 * The fixed-length cumulative sequence lengths of a micro-batch, padded as the record does: it
 * allocates {@code next_multiple_of_128(localTokens / 300)} entries (a median document is ~400
 * tokens) and fills the tail with {@code localTokens}, so that the array's shape is constant across
 * steps. Where a batch has more boundaries than that, the count grows to the next multiple of 128
 * that holds them all and ends in {@code localTokens} (the record would fail there).
 */
public final class CuSeqlens {
    public static final int ALIGN = 128;

    private CuSeqlens() {
    }

    /** The record's entry count for {@code localTokens} tokens per rank. */
    public static int recordCount(int localTokens) {
        return roundUp(localTokens / 300);
    }

    /** The entry count for a batch whose array needs at least {@code required} entries. */
    public static int count(int localTokens, int required) {
        return Math.max(recordCount(localTokens), roundUp(required));
    }

    /** {@code boundaries[0..n)} followed by {@code localTokens} up to {@code count} entries. */
    public static int[] padded(int[] boundaries, int n, int count, int localTokens) {
        if (n > count) {
            throw new IllegalArgumentException(n + " boundaries do not fit " + count + " entries");
        }
        int[] out = new int[count];
        System.arraycopy(boundaries, 0, out, 0, n);
        for (int i = n; i < count; i++) {
            out[i] = localTokens;
        }
        return out;
    }

    /** The record's {@code next_multiple_of_n(v, n=128)}: the least positive multiple of 128 that is at least v. */
    static int roundUp(int v) {
        return Math.max(ALIGN, (v + ALIGN - 1) / ALIGN * ALIGN);
    }
}
