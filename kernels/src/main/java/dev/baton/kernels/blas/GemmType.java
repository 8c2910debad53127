package dev.baton.kernels.blas;

import dev.baton.runtime.tensor.DType;

/** Element types of GEMM operands, with their cudaDataType_t codes (library_types.h). */
public enum GemmType {
    F32(0, 4),
    BF16(14, 2);

    private final int cudaDataType;
    private final int bytes;

    GemmType(int cudaDataType, int bytes) {
        this.cudaDataType = cudaDataType;
        this.bytes = bytes;
    }

    int cudaDataType() {
        return cudaDataType;
    }

    public int bytes() {
        return bytes;
    }

    public static GemmType of(DType dtype) {
        return switch (dtype) {
            case F32 -> F32;
            case BF16 -> BF16;
            default -> throw new IllegalArgumentException("cuBLASLt GEMMs take bf16 or fp32 operands, not " + dtype);
        };
    }
}
