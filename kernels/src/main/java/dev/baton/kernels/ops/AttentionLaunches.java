package dev.baton.kernels.ops;

import dev.baton.kernels.driver.LaunchShape;

/**
 * Kernel names, grids and shared-memory sizes of the attention kernels in {@code attention.cu},
 * planned on the host (no device needed, so CI tests them). The constants mirror the tile
 * sizes of the CUDA templates: a change there is a change here.
 */
public final class AttentionLaunches {
    /** Keys per tile of the tiled forward (kBN). */
    static final int FORWARD_KEYS = 64;
    /** Query rows per step of the tiled backward (kBM). */
    static final int BACKWARD_QUERIES = 64;
    static final int SIMPLE_THREADS = 128;
    static final int PRE_THREADS = 256;
    static final int CONVERT_THREADS = 256;

    private AttentionLaunches() {
    }

    /** Warps per block of the tiled forward for this call, 0 for the plain kernel. */
    public static int forwardWarps(AttentionShape s, AttentionTiling tiling, boolean aligned) {
        return tiled(s, aligned) ? tiling.forwardWarps() : 0;
    }

    /** Warps per block of the tiled backward for this call, 0 for the plain kernels. */
    public static int backwardWarps(AttentionShape s, AttentionTiling tiling, boolean aligned) {
        return tiled(s, aligned) ? tiling.backwardWarps() : 0;
    }

    /** Tiled kernels exist for D = 64 and 128 and need 16-byte aligned rows (cp.async, vector stores). */
    private static boolean tiled(AttentionShape s, boolean aligned) {
        return aligned && (s.dim() == 64 || s.dim() == 128);
    }

    public static String forwardKernel(AttentionShape s, int warps, int rowTiles) {
        return warps == 0 ? "baton_attn_simple_fwd_d" + s.dim()
                : "baton_attn_fwd_d" + s.dim() + "_w" + warps + "_m" + rowTiles;
    }

    public static String backwardKernel(AttentionShape s, int warps) {
        return "baton_attn_bwd_d" + s.dim() + "_w" + requireTiled(warps);
    }

    public static String simpleQueryKernel(AttentionShape s) {
        return "baton_attn_simple_bwd_q_d" + s.dim();
    }

    public static String simpleKeyKernel(AttentionShape s) {
        return "baton_attn_simple_bwd_k_d" + s.dim();
    }

    /** Shared bytes of the tiled forward: the Q tile and two stages of K and V tiles. */
    public static int forwardSharedBytes(int dim, int warps, int rowTiles) {
        return (16 * rowTiles * requireTiled(warps) + 4 * FORWARD_KEYS) * dim * 2;
    }

    /** Shared bytes of the tiled backward: K, V, two buffers of Q and dO, dS^T, lse and delta. */
    public static int backwardSharedBytes(int dim, int warps) {
        int keys = 16 * requireTiled(warps);
        return 2 * keys * dim * 2 + 4 * BACKWARD_QUERIES * dim * 2 + keys * BACKWARD_QUERIES * 2
                + 4 * BACKWARD_QUERIES * 4;
    }

    /** Forward: one block per 16·rowTiles·warps query rows and head; plain: one thread per row. */
    public static LaunchShape forward(AttentionShape s, int warps, int rowTiles) {
        if (warps == 0) {
            return simple(s);
        }
        int rows = 16 * rowTiles * warps;
        return new LaunchShape(ceilDiv(s.seq(), rows), s.groups(), 1, 32 * warps, 1, 1,
                forwardSharedBytes(s.dim(), warps, rowTiles));
    }

    /** Tiled backward: one block per 16·warps keys and head. */
    public static LaunchShape backward(AttentionShape s, int warps) {
        int keys = 16 * requireTiled(warps);
        return new LaunchShape(ceilDiv(s.seq(), keys), s.groups(), 1, 32 * warps, 1, 1,
                backwardSharedBytes(s.dim(), warps));
    }

    /** The delta pass: D/8 lanes per row, so 32/(D/8) rows per warp. */
    public static LaunchShape backwardPre(AttentionShape s) {
        long rowsPerBlock = (long) (PRE_THREADS / 32) * (32 / (s.dim() / 8));
        return LaunchShape.linear(ceilDiv(s.rows(), rowsPerBlock), PRE_THREADS);
    }

    /** The dq conversion: 8 elements per thread, at most 8 waves of blocks per multiprocessor. */
    public static LaunchShape dqConvert(AttentionShape s, int multiprocessors) {
        long threads = ceilDiv(s.elements(), 8);
        long blocks = Math.min(ceilDiv(threads, CONVERT_THREADS), 8L * multiprocessors);
        return LaunchShape.linear((int) Math.max(1, blocks), CONVERT_THREADS);
    }

    /** The plain kernels: one thread per (position, head) row. */
    public static LaunchShape simple(AttentionShape s) {
        return LaunchShape.linear(ceilDiv(s.rows(), SIMPLE_THREADS), SIMPLE_THREADS);
    }

    /** Bytes of the fp32 dq accumulator the tiled backward adds into. */
    public static long dqWorkspaceBytes(AttentionShape s) {
        return s.elements() * 4;
    }

    private static int requireTiled(int warps) {
        if (warps != 4 && warps != 8) {
            throw new IllegalArgumentException("tiled attention kernels take 4 or 8 warps, not " + warps);
        }
        return warps;
    }

    private static int ceilDiv(long a, long b) {
        long n = (a + b - 1) / b;
        if (n > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("attention grid of " + n + " blocks is too large");
        }
        return (int) Math.max(1, n);
    }
}
