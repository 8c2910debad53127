package dev.baton.runtime.optim;

/**
 * The contiguous range of a parameter that one rank updates: units {@code [start, start+count)}
 * of {@code total}, where a unit is a matrix of the NorMuon view or a leading-dimension row of
 * an Adam parameter. A replicated parameter, or any parameter on one device, owns the whole range.
 */
public record ShardSlice(int start, int count, int total) {
    public ShardSlice {
        if (start < 0 || count < 0 || start + count > total) {
            throw new IllegalArgumentException("shard [" + start + ", " + (start + count) + ") is outside 0.." + total);
        }
    }

    public static ShardSlice whole(int total) {
        return new ShardSlice(0, total, total);
    }

    /**
     * Rank {@code rank}'s part of {@code total} units split contiguously over {@code world}
     * ranks, the first {@code total % world} ranks taking one unit more (equal parts whenever
     * {@code total} divides, as collectives need; padding the bank to get there is the shard plan's job).
     */
    public static ShardSlice even(int total, int world, int rank) {
        if (world < 1 || rank < 0 || rank >= world) {
            throw new IllegalArgumentException("rank " + rank + " of world " + world);
        }
        int base = total / world;
        int extra = total % world;
        int start = rank * base + Math.min(rank, extra);
        return new ShardSlice(start, base + (rank < extra ? 1 : 0), total);
    }

    public boolean isWhole() {
        return start == 0 && count == total;
    }

    public int end() {
        return start + count;
    }
}
