package dev.baton.runtime.tensor;

/** Element type of a tensor; the CPU backend stores and computes every floating type as fp32. */
public enum DType {
    F32(4), BF16(2), F16(2), FP8_E4M3(1), FP8_E5M2(1), I32(4), U16(2), U8(1);

    private final int bytes;

    DType(int bytes) {
        this.bytes = bytes;
    }

    /** Bytes per element on a backend that stores this type natively. */
    public int bytes() {
        return bytes;
    }

    public boolean isFloating() {
        return this != I32 && this != U16 && this != U8;
    }
}
