package dev.baton.kernels.ops;

/**
 * Which attention kernels run: the tiled tensor-core kernels with 4 or 8 warps per block (16
 * keys per warp in the backward; {@code 16 · forwardRowTiles} query rows per warp in the
 * forward), or, with 0 warps, the plain one-thread-per-row kernels. Head sizes without a tiled
 * build always take the plain kernels.
 *
 * @param forwardRowTiles 16-row tiles per forward warp: 2 reuses each K and V fragment for two
 *                        tiles (half the shared-memory reads per product; built for 4 warps)
 */
public record AttentionTiling(int forwardWarps, int backwardWarps, int forwardRowTiles) {
    /** The variant timed fastest on the H100 (docs/kernels/attention.md). */
    public static final AttentionTiling DEFAULT = new AttentionTiling(4, 4, 2);
    /** The plain kernels for both passes: slow, independent of the tiled code; for checks. */
    public static final AttentionTiling SIMPLE = new AttentionTiling(0, 0, 1);

    public AttentionTiling {
        if (!allowed(forwardWarps) || !allowed(backwardWarps)) {
            throw new IllegalArgumentException("attention tiling takes 0 (plain kernels), 4 or 8 warps per block, not "
                    + forwardWarps + "/" + backwardWarps);
        }
        if (forwardRowTiles != 1 && !(forwardRowTiles == 2 && forwardWarps != 8)) {
            throw new IllegalArgumentException("forward warps take 1 row tile, or 2 with 4 warps, not "
                    + forwardRowTiles + " with " + forwardWarps);
        }
    }

    private static boolean allowed(int warps) {
        return warps == 0 || warps == 4 || warps == 8;
    }

    @Override
    public String toString() {
        return forwardWarps == 0 && backwardWarps == 0 ? "simple"
                : "fwd w" + forwardWarps + "m" + forwardRowTiles + " / bwd w" + backwardWarps;
    }
}
