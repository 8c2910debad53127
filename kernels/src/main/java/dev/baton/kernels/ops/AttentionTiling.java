package dev.baton.kernels.ops;

/**
 * Which attention kernels run: the tiled tensor-core kernels with 4 or 8 warps per block (16
 * query rows per warp in the forward, 16 keys per warp in the backward), or, with 0, the plain
 * one-thread-per-row kernels. Head sizes without a tiled build always take the plain kernels.
 *
 * @param compactForward the forward's Q tile borrows the second K/V stage (16 KiB less shared
 *                       memory per block: three 4-warp blocks per multiprocessor instead of two)
 */
public record AttentionTiling(int forwardWarps, int backwardWarps, boolean compactForward) {
    /** The variant timed fastest on the H100 (docs/kernels/attention.md). */
    public static final AttentionTiling DEFAULT = new AttentionTiling(4, 4, true);
    /** The plain kernels for both passes: slow, independent of the tiled code; for checks. */
    public static final AttentionTiling SIMPLE = new AttentionTiling(0, 0, false);

    public AttentionTiling {
        if (!allowed(forwardWarps) || !allowed(backwardWarps)) {
            throw new IllegalArgumentException("attention tiling takes 0 (plain kernels), 4 or 8 warps per block, not "
                    + forwardWarps + "/" + backwardWarps);
        }
    }

    private static boolean allowed(int warps) {
        return warps == 0 || warps == 4 || warps == 8;
    }

    @Override
    public String toString() {
        return forwardWarps == 0 && backwardWarps == 0 ? "simple"
                : "fwd w" + forwardWarps + (compactForward ? "c" : "") + " / bwd w" + backwardWarps;
    }
}
