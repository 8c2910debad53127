package dev.baton.runtime.ops.cpu;

import dev.baton.runtime.tensor.DType;
import dev.baton.runtime.tensor.Tensor;

/** Argument checks shared by the CPU kernels; each failure names the operation and the shapes. */
final class ShapeCheck {
    private ShapeCheck() {
    }

    static void sameNumel(String op, Tensor a, Tensor b) {
        if (a.numel() != b.numel()) {
            throw new IllegalArgumentException(op + ": element counts differ, " + a.shape() + " vs " + b.shape());
        }
    }

    static void numel(String op, Tensor t, long expected, String what) {
        if (t.numel() != expected) {
            throw new IllegalArgumentException(op + ": " + what + " has shape " + t.shape() + ", expected "
                    + expected + " elements");
        }
    }

    static void ints(String op, Tensor t, String what) {
        if (t.dtype() != DType.I32) {
            throw new IllegalArgumentException(op + ": " + what + " must be I32, is " + t.dtype());
        }
    }

    static void that(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }
}
