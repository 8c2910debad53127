package dev.baton.runtime.ops.cpu;

import dev.baton.runtime.ops.Ops;
import dev.baton.runtime.tensor.DType;
import dev.baton.runtime.tensor.Shape;
import dev.baton.runtime.tensor.Tensor;

import java.util.Random;
import java.util.function.DoubleSupplier;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * Test support: tensors placed at an offset inside a larger buffer (so kernels are exercised on
 * views), weighted sums in fp64, and central finite differences against analytic gradients.
 *
 * <p>Tolerances: the forward runs in fp32, so a central difference with step h carries a rounding
 * error of about ε₃₂·|L|/h (ε₃₂ ≈ 6e-8) plus a truncation error O(h²). Smooth ops use h = 1e-2 or
 * 1e-3 and accept |fd − analytic| ≤ atol + rtol·|fd| with atol ~1e-4 and rtol 1e-3..3e-3, stated
 * at each call. Linear ops (rotary, key offset, embedding) are checked exactly by the adjoint
 * identity ⟨A x, y⟩ = ⟨x, Aᵀ y⟩ instead.
 */
final class GradientCheck {
    private final Ops ops;
    private final Random random;

    GradientCheck(Ops ops, long seed) {
        this.ops = ops;
        this.random = new Random(seed);
    }

    /** A view of the given shape at a non-zero offset inside a larger buffer, filled with values. */
    Tensor view(float[] values, Shape shape) {
        int pad = 3 + random.nextInt(5);
        Tensor owner = ops.allocate(Shape.of(pad + values.length + 2), DType.F32);
        Tensor v = owner.narrow(pad, values.length).view(shape);
        ops.write(v, values);
        return v;
    }

    Tensor zeros(Shape shape) {
        return view(new float[(int) shape.numel()], shape);
    }

    Tensor ints(int[] values) {
        Tensor owner = ops.allocate(Shape.of(values.length + 4), DType.I32);
        Tensor v = owner.narrow(2, values.length);
        ops.writeInts(v, values);
        return v;
    }

    float[] gaussian(int n, double std) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) (random.nextGaussian() * std);
        }
        return a;
    }

    Tensor random(Shape shape, double std) {
        return view(gaussian((int) shape.numel(), std), shape);
    }

    /** sum_i w[i] * t[i] in fp64. */
    double weighted(Tensor t, float[] w) {
        float[] v = ops.download(t);
        double s = 0;
        for (int i = 0; i < v.length; i++) {
            s += (double) v[i] * w[i];
        }
        return s;
    }

    /**
     * Compares {@code analytic} (the gradient of {@code loss} w.r.t. {@code input}) with central
     * differences at up to {@code maxChecks} evenly spread elements:
     * |fd − analytic| ≤ atol + rtol·|fd| for every checked element.
     */
    void assertGradient(String what, Tensor input, float[] analytic, DoubleSupplier loss, double eps,
                        double atol, double rtol, int maxChecks) {
        float[] x = ops.download(input);
        int n = x.length;
        int stride = Math.max(1, n / maxChecks);
        double worst = 0;
        for (int i = (n > maxChecks ? random.nextInt(stride) : 0); i < n; i += stride) {
            float orig = x[i];
            x[i] = (float) (orig + eps);
            double up = (double) x[i] - orig;
            ops.write(input, x);
            double lp = loss.getAsDouble();
            x[i] = (float) (orig - eps);
            double down = orig - (double) x[i];
            ops.write(input, x);
            double lm = loss.getAsDouble();
            x[i] = orig;
            ops.write(input, x);
            double fd = (lp - lm) / (up + down);
            double err = Math.abs(fd - analytic[i]);
            if (err > atol + rtol * Math.abs(fd)) {
                fail(what + "[" + i + "]: analytic " + analytic[i] + " vs finite difference " + fd);
            }
            worst = Math.max(worst, err);
        }
    }
}
