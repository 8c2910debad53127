package dev.baton.runtime.ops.cpu;

/**
 * Block sizes and path thresholds of the CPU GEMM. The defaults suit a core with 32 KiB L1,
 * 512 KiB L2 and a shared L3 of several MiB (Zen 3, most current x86); tests shrink the blocks
 * so that every loop boundary of the blocked path is crossed on small matrices.
 *
 * @param mcMax         rows of A packed per block (kept in L2); a multiple of {@link MicroKernel#MR}
 * @param kcMax         depth of one packed slab (a B micro-panel of kc × NR floats stays in L1)
 * @param packedBFloats budget of the packed B block (k × nc floats, kept in L3), which sets nc
 * @param minPackedWork smallest m·n·k that goes through packing; below it the direct path runs
 * @param minPackedDim  smallest m, n and k that goes through packing (skinny shapes stay direct)
 * @param minParallelWork smallest batch·m·n·k of the direct path that is spread over the pool
 */
record GemmTuning(int mcMax, int kcMax, int packedBFloats, long minPackedWork, int minPackedDim,
                  long minParallelWork) {
    /** 64³: below this a matmul is done before a fork-join round trip would pay for itself. */
    private static final long SMALL = 64L * 64 * 64;

    static final GemmTuning DEFAULT = new GemmTuning(144, 256, 1 << 21, SMALL, 16, SMALL);

    GemmTuning {
        if (mcMax <= 0 || mcMax % MicroKernel.MR != 0) {
            throw new IllegalArgumentException("mcMax " + mcMax + " must be a positive multiple of " + MicroKernel.MR);
        }
        if (kcMax <= 0 || packedBFloats <= 0) {
            throw new IllegalArgumentException("kcMax and packedBFloats must be positive");
        }
    }

    /** True when packing pays: every dimension is wide enough and the product is large. */
    boolean packed(int m, int n, int k) {
        return m >= minPackedDim && n >= minPackedDim && k >= minPackedDim && (long) m * n * k >= minPackedWork;
    }
}
