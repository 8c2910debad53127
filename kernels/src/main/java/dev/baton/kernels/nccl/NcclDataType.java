package dev.baton.kernels.nccl;

import dev.baton.runtime.tensor.DType;

/** NCCL element types, with their ncclDataType_t codes (nccl.h). */
public enum NcclDataType {
    INT8(0), UINT8(1), INT32(2), UINT32(3), INT64(4), UINT64(5), FLOAT16(6), FLOAT32(7), FLOAT64(8), BFLOAT16(9);

    private final int code;

    NcclDataType(int code) {
        this.code = code;
    }

    int code() {
        return code;
    }

    public static NcclDataType of(DType dtype) {
        return switch (dtype) {
            case F32 -> FLOAT32;
            case BF16 -> BFLOAT16;
            case F16 -> FLOAT16;
            case I32 -> INT32;
            case U8 -> UINT8;
            default -> throw new IllegalArgumentException("NCCL has no collective for " + dtype + " tensors");
        };
    }
}
