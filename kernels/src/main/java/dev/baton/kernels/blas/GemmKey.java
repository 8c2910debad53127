package dev.baton.kernels.blas;

/**
 * What selects a cuBLASLt algorithm: the shape and types, the operands' pointer alignment (an
 * algorithm picked for 256-byte-aligned operands may fault on a view at an odd offset) and the
 * workspace it may use. Plans are cached under this key.
 */
record GemmKey(ColumnMajorGemm gemm, int alignA, int alignB, int alignC, long workspaceLimit) {

    /** The largest power of two up to 256 that divides {@code address} (cuBLASLt's alignment classes). */
    static int alignment(long address) {
        if (address == 0) {
            return 256;
        }
        return (int) Math.min(256, Long.lowestOneBit(address));
    }
}
