package dev.baton.kernels.ops;

import dev.baton.kernels.driver.LaunchShape;

/**
 * Launch geometry of the row kernels (norms, gated-add backward, embeddings, variance means): a
 * group of {@code lanes} threads owns one row, lane l taking its 8-element chunks l, l + lanes, ...
 * Lanes are a power of two up to a warp, about one chunk each for short rows (a 128-wide head:
 * 16 lanes; the 768-wide residual: 32), so that short rows do not leave most of a warp idle.
 */
public final class RowLanes {
    /** Threads per block of every row kernel; a multiple of the warp, so groups never straddle warps. */
    public static final int THREADS = 256;

    private RowLanes() {
    }

    /** Lanes per row of {@code cols} elements: the next power of two of ⌈cols/8⌉, at most 32. */
    public static int forRow(long cols) {
        long chunks = Math.max(1, (cols + 7) / 8);
        int lanes = 1;
        while (lanes < 32 && lanes < chunks) {
            lanes <<= 1;
        }
        return lanes;
    }

    /** Blocks of {@link #THREADS} covering {@code rows} groups of {@code lanes} threads. */
    public static LaunchShape shape(long rows, int lanes) {
        long threads = Math.max(1, rows) * lanes;
        long blocks = (threads + THREADS - 1) / THREADS;
        if (blocks > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(rows + " rows exceed one launch");
        }
        return LaunchShape.linear((int) blocks, THREADS);
    }
}
