package dev.baton.runtime.ops.cpu;

/**
 * Block sizes and path thresholds of the CPU GEMM. The defaults suit a core with 512 KiB of L2
 * and a shared L3 of several MiB (Zen 3, most current x86); tests shrink the blocks so that
 * every loop boundary of the blocked path is crossed on small matrices.
 *
 * <p>Why a deep slab (kc 768, so the model's k = 768 products take one pass over C) rather than
 * the textbook kc 256 that keeps a B micro-panel in L1: on Zen 3 the kernel streams a 48 KiB
 * B micro-panel from L2 at full speed, while each extra pass re-reads and re-writes the whole
 * C block; measured single-threaded, 96 × 768 beat 144 × 256 by about 10%.
 *
 * @param mcMax         rows of A packed per block (with kc, kept in L2); a multiple of {@link MicroKernel#MR}
 * @param kcMax         depth of one packed slab
 * @param packedBFloats budget of the packed B block (k × nc floats, kept in L3), which sets nc
 * @param minPackedWork smallest m·n·k that goes through packing; below it the direct path runs
 * @param minPackedDim  smallest m, n and k that goes through packing (skinny shapes stay direct)
 * @param minParallelWork smallest batch·m·n·k spread over the pool; smaller products run on the
 *                      calling thread, where they finish before a fork-join round trip (tens of
 *                      microseconds, far more on a loaded machine) would pay off
 * @param narrowMaxN    widest C (columns) that takes {@link NarrowGemm} when it has enough rows; 0: never
 */
record GemmTuning(int mcMax, int kcMax, int packedBFloats, long minPackedWork, int minPackedDim,
                  long minParallelWork, int narrowMaxN) {
    /** 64³ multiply-adds: below this even packing costs more than it saves. */
    private static final long SMALL = 64L * 64 * 64;
    /** About 100³ multiply-adds, some 30 µs on one core. */
    private static final long PARALLEL = 1L << 20;

    static final GemmTuning DEFAULT = new GemmTuning(96, 768, 1 << 21, SMALL, 4, PARALLEL, MicroKernel.L);

    GemmTuning {
        if (mcMax <= 0 || mcMax % MicroKernel.MR != 0) {
            throw new IllegalArgumentException("mcMax " + mcMax + " must be a positive multiple of " + MicroKernel.MR);
        }
        if (kcMax <= 0 || packedBFloats <= 0) {
            throw new IllegalArgumentException("kcMax and packedBFloats must be positive");
        }
    }

    /** True for outputs narrow enough, and tall enough, that {@link NarrowGemm} beats packing. */
    boolean narrow(int m, int n) {
        return n <= narrowMaxN && m >= 2 * NarrowGemm.ROWS;
    }

    /** True when packing pays: every dimension is wide enough and the product is large. */
    boolean packed(int m, int n, int k) {
        return m >= minPackedDim && n >= minPackedDim && k >= minPackedDim && (long) m * n * k >= minPackedWork;
    }
}
