package dev.baton.kernels.ops;

import dev.baton.kernels.tensor.CudaTensor;
import dev.baton.runtime.tensor.DType;
import dev.baton.runtime.tensor.Tensor;

/**
 * Argument checks of the CUDA operations, made on the host before a launch: a kernel cannot throw,
 * so every shape and type it relies on is checked here, and each failure names the operation.
 */
final class CudaArgs {
    private CudaArgs() {
    }

    /** The CUDA tensor behind {@code t}, or null for null. */
    static CudaTensor cuda(Tensor t) {
        return t == null ? null : CudaTensor.of(t);
    }

    /** Its device address, or 0 (a null pointer in the kernel) for null. */
    static long address(Tensor t) {
        return t == null ? 0L : CudaTensor.of(t).address();
    }

    static void sameNumel(String op, Tensor a, Tensor b) {
        if (a.numel() != b.numel()) {
            throw new IllegalArgumentException(op + ": element counts differ, " + a.shape() + " vs " + b.shape());
        }
    }

    static void numel(String op, Tensor t, long expected, String what) {
        if (t.numel() != expected) {
            throw new IllegalArgumentException(op + ": " + what + " has shape " + t.shape() + ", expected " + expected
                    + " elements");
        }
    }

    static void dtype(String op, Tensor t, DType expected, String what) {
        if (t.dtype() != expected) {
            throw new IllegalArgumentException(op + ": " + what + " must be " + expected + ", is " + t.dtype());
        }
    }

    static void that(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }
}
