package dev.baton.kernels.ops;

import dev.baton.runtime.tensor.DType;
import dev.baton.runtime.tensor.Tensor;

/**
 * The {@code types} argument of the CudaOps kernels: bit i set when the kernel's tensor i is bf16,
 * clear for fp32 (see typed_access.cuh). One compiled kernel then serves every mix of bf16
 * activations and fp32 statistics or gradients; absent (null) tensors leave their bit clear.
 */
final class TypeMask {
    private TypeMask() {
    }

    /** The mask of {@code slots} in the kernel's order; every present tensor must be fp32 or bf16. */
    static int of(String op, Tensor... slots) {
        int mask = 0;
        for (int i = 0; i < slots.length; i++) {
            Tensor t = slots[i];
            if (t == null) {
                continue;
            }
            if (t.dtype() == DType.BF16) {
                mask |= 1 << i;
            } else if (t.dtype() != DType.F32) {
                throw new IllegalArgumentException(op + ": the CUDA kernels take fp32 or bf16 tensors, got "
                        + t.dtype() + " " + t.shape());
            }
        }
        return mask;
    }
}
